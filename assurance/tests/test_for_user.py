"""`for_user()` on assurance's records: the board sees everything, a lead their own agencies', and the
withdrawn files' rules (listed for the board as history, downloadable by the manager alone)."""

from django.utils import timezone

from actions.models import ProgressUpdate
from assurance import services
from assurance.models import (
    AssuranceJudgement,
    AssuranceRequest,
    Challenge,
    ChallengeEvent,
    Chase,
    Evidence,
    EvidenceFile,
    ReminderDigest,
)


def test_each_assurance_record_is_the_boards_and_its_own_agencys_lead(world, manager, chair, lead_a, lead_b):
    services.record_judgement(world["action_a"], manager, level="assured", statement="Assured.", judged_on=None)
    Chase.objects.create(request=world["request"], chased_by=manager)
    ProgressUpdate.objects.create(action=world["action_a"], text="Done.", author=lead_a)
    models = [Evidence, EvidenceFile, AssuranceJudgement, AssuranceRequest, Chase, ChallengeEvent, Challenge]
    models.append(ProgressUpdate)
    for model in models:
        for user in (manager, chair, lead_a):
            assert model.objects.for_user(user).count() == 1, (model, user)
        assert not model.objects.for_user(lead_b).exists(), model


def test_withdrawn_files_stay_listed_for_the_board_and_downloadable_by_the_manager_only(world, manager, chair, lead_a):
    services.withdraw_evidence(world["evidence"], lead_a)
    file_pk = world["file"].pk
    assert EvidenceFile.objects.for_user(chair).filter(pk=file_pk).exists()
    assert not EvidenceFile.objects.for_user(lead_a).exists()
    assert list(EvidenceFile.objects.for_download(manager).values_list("pk", flat=True)) == [file_pk]
    assert not EvidenceFile.objects.for_download(chair).exists()
    assert not Evidence.objects.for_user(lead_a).exists() and Evidence.objects.for_user(chair).exists()


def test_a_reminder_digest_is_its_recipients_own(lead_a, lead_b, manager):
    ReminderDigest.objects.create(user=lead_a, email="a@example.org", body="Due soon.", sent_on=timezone.localdate())
    assert ReminderDigest.objects.for_user(lead_a).count() == 1
    assert (
        not ReminderDigest.objects.for_user(lead_b).exists() and not ReminderDigest.objects.for_user(manager).exists()
    )

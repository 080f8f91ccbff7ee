"""The evidence page, its review by the manager, withdrawal, and the logged, permission-checked download."""

import pytest
from django.urls import reverse

from assurance.models import Evidence, EvidenceDownload, EvidenceFile
from assurance.tests import samples
from conftest import client_for
from lscb.platform.locking import latest_history_id
from lscb.platform.models import SecurityEvent
from lscb.platform.security import EventKind
from tests.factories import make_lead


def test_download_headers_are_exactly_as_required(client, world, lead_a):
    response = client_for(client, lead_a).get(reverse("assurance:evidence-download", args=[world["file"].pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == samples.PDF


def test_a_non_ascii_or_quoted_name_is_encoded_safely(client, world, manager):
    EvidenceFile.objects.filter(pk=world["file"].pk).update(original_name='Rapport "final"\r\nX: y – été.pdf')
    response = client_for(client, manager).get(reverse("assurance:evidence-download", args=[world["file"].pk]))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert "\r" not in disposition and "\n" not in disposition and '"final"' not in disposition


def test_every_download_is_recorded_and_shown_to_the_manager_only(client, world, manager, chair, lead_a):
    url = reverse("assurance:evidence-download", args=[world["file"].pk])
    client_for(client, lead_a).get(url, REMOTE_ADDR="10.0.0.7")
    download = EvidenceDownload.objects.get()
    assert (download.user, download.file, download.ip_address) == (lead_a, world["file"], "10.0.0.7")
    page = reverse("assurance:evidence-detail", args=[world["evidence"].pk])
    assert "10.0.0.7" in client_for(client, manager).get(page).content.decode()
    assert "10.0.0.7" not in client_for(client, chair).get(page).content.decode()
    assert "10.0.0.7" not in client_for(client, lead_a).get(page).content.decode()


def test_every_download_reaches_the_security_log(client, world, lead_a):
    """README and the security-log page promise it: the download view records EVIDENCE_DOWNLOAD itself."""
    evidence_file = world["file"]
    url = reverse("assurance:evidence-download", args=[evidence_file.pk])
    SecurityEvent.objects.all().delete()
    assert client_for(client, lead_a).get(url, REMOTE_ADDR="203.0.113.9").status_code == 200
    event = SecurityEvent.objects.get(kind=EventKind.EVIDENCE_DOWNLOAD)
    assert (event.user, event.path, event.ip_address) == (lead_a, url, "203.0.113.9")
    evidence = world["evidence"]
    assert event.details == {"evidence": evidence.pk, "file": evidence_file.pk, "action": evidence.action_id}


def test_behind_the_proxy_a_download_records_the_clients_address_not_the_proxys(client, world, lead_a, settings):
    settings.LSCB_BEHIND_PROXY = True
    url = reverse("assurance:evidence-download", args=[world["file"].pk])
    client_for(client, lead_a).get(url, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.23")
    assert EvidenceDownload.objects.get().ip_address == "198.51.100.23"
    assert SecurityEvent.objects.get(kind=EventKind.EVIDENCE_DOWNLOAD).ip_address == "198.51.100.23"


def test_a_file_missing_from_storage_is_a_404_not_a_500(client, world, manager, media_root):
    (media_root / world["file"].file.name).unlink()
    assert (
        client_for(client, manager).get(reverse("assurance:evidence-download", args=[world["file"].pk])).status_code
        == 404
    )


def test_manager_accepts_evidence_and_history_names_them(client, world, manager):
    url = reverse("assurance:evidence-review", args=[world["evidence"].pk])
    seen = latest_history_id(world["evidence"])
    response = client_for(client, manager).post(url, {"decision": "accepted", "note": "", "seen": seen})
    assert response.status_code == 302
    evidence = Evidence.objects.get(pk=world["evidence"].pk)
    assert evidence.review_state == "accepted" and evidence.reviewed_by == manager
    assert evidence.history.first().history_user == manager


def test_returning_evidence_needs_a_note_and_the_lead_sees_it(client, world, manager, lead_a):
    url = reverse("assurance:evidence-review", args=[world["evidence"].pk])
    client_for(client, manager)
    seen = latest_history_id(world["evidence"])
    response = client.post(url, {"decision": "more_requested", "note": "", "seen": seen})
    assert "Say what more the board needs to see" in response.content.decode()
    assert Evidence.objects.get().review_state == "submitted"
    client.post(url, {"decision": "more_requested", "note": "Send the audit results, please.", "seen": seen})
    home = client_for(client, lead_a).get(reverse("assurance:lead-home")).content.decode()
    assert "Evidence returned asking for more (1)" in home and "Send the audit results, please." in home


def test_withdrawn_evidence_is_kept_hidden_from_the_lead_and_downloadable_by_the_manager_only(
    client, world, manager, chair, lead_a, media_root
):
    client_for(client, lead_a).post(reverse("assurance:evidence-withdraw", args=[world["evidence"].pk]))
    evidence = Evidence.objects.get()
    assert evidence.withdrawn and evidence.files.get().withdrawn
    assert (media_root / evidence.files.get().file.name).exists()
    assert evidence.history.first().history_user == lead_a
    page, download = (
        reverse("assurance:evidence-detail", args=[evidence.pk]),
        reverse("assurance:evidence-download", args=[world["file"].pk]),
    )
    assert client.get(page).status_code == 404 and client.get(download).status_code == 404
    assert client_for(client, chair).get(page).status_code == 200
    assert client.get(download).status_code == 404
    assert client_for(client, manager).get(download).status_code == 200


def test_accepted_evidence_cannot_be_withdrawn_by_its_lead(client, world, manager, lead_a):
    client_for(client, manager).post(
        reverse("assurance:evidence-review", args=[world["evidence"].pk]),
        {"decision": "accepted", "seen": latest_history_id(world["evidence"])},
    )
    url = reverse("assurance:evidence-withdraw", args=[world["evidence"].pk])
    assert client_for(client, lead_a).post(url).status_code == 403
    assert not Evidence.objects.get().withdrawn


def test_another_lead_of_the_same_agency_cannot_withdraw_what_they_did_not_upload(client, world, agency_a):
    from reviews import roles
    from tests.factories import UserFactory, make_lead

    colleague = UserFactory(username="lead_a2", role=roles.AGENCY_LEAD)
    make_lead(colleague, agency_a)
    url = reverse("assurance:evidence-withdraw", args=[world["evidence"].pk])
    assert client_for(client, colleague).post(url).status_code == 403


@pytest.mark.parametrize("persona", ["lead_a", "lead_b"])
def test_lead_home_shows_each_led_agency_separately(client, personas, world, persona, agency_a, agency_b):
    user = personas[persona]
    make_lead(personas["lead_a"], agency_b)
    html = client_for(client, user).get(reverse("assurance:lead-home")).content.decode()
    assert "Agency B (Police)" in html
    assert ("Agency A (Children" in html) == (persona == "lead_a")
    if persona == "lead_a":
        assert "Assurance on 1.1" in html and "Visit template v2" in html

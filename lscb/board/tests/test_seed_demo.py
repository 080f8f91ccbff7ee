import pytest
from django.apps import apps
from django.core.management import call_command

from actions.choices import ActionStatus, Rag
from actions.models import Action
from reviews import roles
from reviews.models import Agency, Review


def board_counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"reviews", "actions", "assurance", "auth"}
    }


@pytest.mark.django_db
def test_seed_demo_builds_a_board_and_is_idempotent(capsys):
    call_command("seed_demo")
    first = board_counts()
    out = capsys.readouterr().out
    call_command("seed_demo")
    assert board_counts() == first
    assert Agency.objects.count() >= 12
    assert Review.objects.count() >= 3
    assert len({r.kind for r in Review.objects.all()}) >= 3
    actions = list(Action.objects.all())
    assert 50 <= len(actions) <= 80
    assert {a.status for a in actions} == set(ActionStatus)
    assert {a.rag for a in actions} == set(Rag)
    assert all(a.recommendation.themes.exists() for a in actions)
    for username in ["manager", "chair", "lead.csc", "lead.police"]:
        assert username in out
    lead_agencies = {a.name for a in Agency.objects.filter(leads__groups__name=roles.AGENCY_LEAD)}
    assert len(lead_agencies) >= 2

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from tests.factories import first_board


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    """Each test stores evidence in its own MEDIA_ROOT, so "nothing stored" can be checked on disk."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def evidence_data(**extra) -> dict:
    return {"title": "Supervision audit", "narrative": "All files seen.", "produced_on": "2026-01-15", **extra}


@pytest.fixture
def world(manager, chair, lead_a, lead_b, outsider, action_a, action_b, agency_a, agency_b):
    """Agency A's evidence (with a file, uploaded by lead_a), an overdue request and a challenge event."""
    from assurance import services, uploads
    from assurance.models import AssuranceRequest, Challenge, ChallengeEvent
    from assurance.tests import samples

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    evidence = services.submit_evidence(
        action_a,
        lead_a,
        title="Visit template v2",
        narrative="New template in use.",
        produced_on=yesterday,
        files=[uploads.inspect_upload(samples.upload("report.pdf"))],
    )
    request = AssuranceRequest.objects.create(
        board=first_board(),
        agency=agency_a,
        subject="Assurance on 1.1",
        sent_on=yesterday - datetime.timedelta(days=30),
        due_on=yesterday,
        sent_by=manager,
    )
    request.actions.set([action_a])
    event = ChallengeEvent.objects.create(
        board=first_board(), title="Spring challenge", held_on=yesterday, chair="Priya Anand"
    )
    event.agencies_invited.set([agency_a])
    challenge = Challenge.objects.create(event=event, action=action_a, challenge="How do you know it works?")
    return {
        "evidence": evidence,
        "file": evidence.files.get(),
        "request": request,
        "event": event,
        "challenge": challenge,
        "action_a": action_a,
        "action_b": action_b,
        "agency_a": agency_a,
    }

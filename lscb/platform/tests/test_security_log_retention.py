"""The security log is kept for LSCB_SECURITY_LOG_DAYS and no longer."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from lscb.platform.models import SecurityEvent


def event(days_ago: int) -> SecurityEvent:
    at = timezone.now() - datetime.timedelta(days=days_ago)
    return SecurityEvent.objects.create(kind="sign_in", at=at, username=f"user-{days_ago}", ip_address="127.0.0.1")


def prune(*args) -> str:
    out = io.StringIO()
    call_command("prune_security_log", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def log(db):
    return [event(days) for days in (1, 100, 399, 401, 800)]


def test_events_older_than_the_retention_go_and_the_rest_stay(log, settings):
    settings.LSCB_SECURITY_LOG_DAYS = 400
    assert "Deleted 2 security events older than 400 days" in prune()
    assert sorted(SecurityEvent.objects.values_list("username", flat=True)) == ["user-1", "user-100", "user-399"]


def test_a_dry_run_counts_and_deletes_nothing(log):
    assert "4 security events are older than 90 days; nothing deleted" in prune("--days", "90", "--dry-run")
    assert SecurityEvent.objects.count() == 5


def test_a_retention_under_30_days_is_refused_and_deletes_nothing(log):
    with pytest.raises(CommandError, match="at least 30, not 7: nothing deleted") as refused:
        prune("--days", "7")
    assert refused.value.returncode == 2
    assert SecurityEvent.objects.count() == 5

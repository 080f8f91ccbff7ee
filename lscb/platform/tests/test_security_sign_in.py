"""Sign-in protection: the generic message, the lockout and its page, and the log lines."""

import json
import logging

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from lscb.platform.models import SecurityEvent

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


@pytest.fixture
def security_lines(caplog):
    """The JSON lines written on the lscb.platform.security logger (which does not propagate to the root logger)."""
    logger = logging.getLogger("lscb.security")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="lscb.security")
    yield lambda: [json.loads(r.getMessage()) for r in caplog.records if r.name == "lscb.security"]
    logger.removeHandler(caplog.handler)


def attempt(client, username, password="wrong-password"):
    return client.post(reverse("login"), {"username": username, "password": password})


def without_csrf(html: str) -> str:
    return "\n".join(line for line in html.splitlines() if "csrfmiddlewaretoken" not in line)


def test_unknown_user_and_wrong_password_get_the_same_page(client, manager):
    wrong_password = attempt(client, "manager")
    unknown_user = attempt(client, "nobody-here")
    assert wrong_password.status_code == unknown_user.status_code == 200
    assert "Enter a correct username and password" in wrong_password.content.decode()
    assert without_csrf(wrong_password.content.decode()).replace("manager", "USER") == without_csrf(
        unknown_user.content.decode()
    ).replace("nobody-here", "USER")


def test_success_and_failure_are_logged_as_json_lines_and_kept(client, manager, security_lines):
    attempt(client, "manager")
    assert attempt(client, "manager", PASSWORD).status_code == 302
    lines = security_lines()
    assert [line["kind"] for line in lines] == ["sign_in_failed", "sign_in"]
    failed, success = lines
    assert failed["username"] == "manager" and failed["user_id"] == manager.pk and failed["ip_address"] == "127.0.0.1"
    assert success["user_id"] == manager.pk and success["path"] == "/accounts/login/" and "T" in success["at"]
    assert "wrong-password" not in json.dumps(lines)
    stored = list(SecurityEvent.objects.order_by("pk").values_list("kind", "user_id", "ip_address"))
    assert stored == [("sign_in_failed", manager.pk, "127.0.0.1"), ("sign_in", manager.pk, "127.0.0.1")]


def test_a_failed_sign_in_for_an_unknown_username_keeps_the_name_typed(client, security_lines):
    attempt(client, "no-such-person")
    event = SecurityEvent.objects.get()
    assert event.kind == "sign_in_failed" and event.user is None and event.username == "no-such-person"


def test_lockout_after_the_limit_even_with_the_right_password(client, manager, settings, security_lines):
    settings.AXES_FAILURE_LIMIT = 5
    for _ in range(4):
        assert attempt(client, "manager").status_code == 200
    locked = attempt(client, "manager")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Sign-in paused" in html and "Try again in 30 minutes" in html
    assert "manager" not in html.lower().replace("business manager", "")
    assert attempt(client, "manager", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    kinds = [line["kind"] for line in security_lines()]
    assert kinds.count("locked_out") >= 1 and "sign_in" not in kinds
    assert SecurityEvent.objects.filter(kind="locked_out", user=manager).exists()


def test_the_lockout_page_does_not_reveal_whether_the_user_exists(client, manager, settings):
    settings.AXES_LOCKOUT_PARAMETERS = ["username"]
    settings.AXES_FAILURE_LIMIT = 3
    pages = {}
    for username in ("manager", "nobody-here"):
        for _ in range(2):
            attempt(client, username)
        response = attempt(client, username)
        assert response.status_code == 429
        pages[username] = without_csrf(response.content.decode())
    assert pages["manager"] == pages["nobody-here"]


def test_the_lockout_ends_after_the_cool_off(client, manager, settings):
    from axes.models import AccessAttempt
    from django.utils import timezone

    settings.AXES_FAILURE_LIMIT = 2
    attempt(client, "manager")
    assert attempt(client, "manager").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME * 2)
    assert attempt(client, "manager", PASSWORD).status_code == 302


def test_a_new_session_key_at_sign_in(client, manager):
    client.get(reverse("login"))
    session = client.session
    session["visited"] = True
    session.save()
    before = session.session_key
    assert attempt(client, "manager", PASSWORD).status_code == 302
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()

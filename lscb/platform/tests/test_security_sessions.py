"""Sessions end on the server: at sign-out, after the idle and absolute timeouts, and when a user is deactivated."""

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from lscb.platform import sessions
from lscb.platform.models import SecurityEvent, UserSession

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


@pytest.fixture
def clock(monkeypatch):
    """A clock the test moves: sessions.now() reads it."""
    state = {"now": 1_800_000_000.0}
    monkeypatch.setattr(sessions, "now", lambda: state["now"])

    def advance(seconds: float) -> None:
        state["now"] += seconds

    return advance


def sign_in(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client.session.session_key


def test_sign_in_links_the_session_to_its_user(client, manager):
    key = sign_in(client, manager)
    assert UserSession.objects.get(session_id=key).user == manager


def test_sign_out_deletes_the_session_on_the_server(client, manager):
    key = sign_in(client, manager)
    assert Session.objects.filter(session_key=key).exists()
    assert client.post(reverse("logout")).status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(session_id=key).exists()
    assert SecurityEvent.objects.filter(kind="sign_out", user=manager).exists()


def test_idle_timeout(client, manager, settings, clock):
    settings.LSCB_SESSION_IDLE_MINUTES = 30
    key = sign_in(client, manager)
    clock(29 * 60)
    assert client.get("/dashboard/").status_code == 200
    clock(29 * 60)  # 58 minutes since sign-in, but only 29 since the last page: still signed in
    assert client.get("/dashboard/").status_code == 200
    clock(31 * 60)
    response = client.get("/dashboard/", follow=True)
    assert response.redirect_chain[0][0] == "/accounts/login/?next=/dashboard/"
    assert "signed out after 30 minutes without activity" in response.content.decode()
    assert not Session.objects.filter(session_key=key).exists()
    event = SecurityEvent.objects.get(kind="session_expired")
    assert event.user == manager and event.details == {"reason": "idle"}


def test_absolute_timeout_even_when_active(client, manager, settings, clock):
    settings.LSCB_SESSION_MAX_HOURS = 10
    key = sign_in(client, manager)
    for _ in range(20):  # a page every 29 minutes for 9 hours 40 minutes
        clock(29 * 60)
        assert client.get("/dashboard/").status_code == 200
    clock(29 * 60)
    response = client.get("/dashboard/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Session.objects.filter(session_key=key).exists()
    assert SecurityEvent.objects.get(kind="session_expired").details == {"reason": "absolute"}


def test_the_cookie_lasts_no_longer_than_the_absolute_timeout(settings):
    from lscb import settings as project_settings

    assert project_settings.SESSION_COOKIE_AGE == project_settings.LSCB_SESSION_MAX_HOURS * 3600 == 10 * 3600
    assert project_settings.LSCB_SESSION_IDLE_MINUTES == 30


def test_deactivating_a_user_ends_their_sessions_at_once(client, manager, chair, django_user_model):
    from django.test import Client

    first = sign_in(client, manager)
    second = sign_in(Client(), manager)
    chairs = sign_in(Client(), chair)
    manager.is_active = False
    manager.save()
    assert not Session.objects.filter(session_key__in=[first, second]).exists()
    assert Session.objects.filter(session_key=chairs).exists(), "other users' sessions are untouched"
    assert client.get("/dashboard/").status_code == 302
    assert SecurityEvent.objects.get(kind="sessions_ended").details == {"sessions": 2, "by": ""}


def test_deactivating_through_the_admin_records_who_did_it(client, manager, django_user_model, settings):
    admin = django_user_model.objects.create_superuser("boardadmin", "a@example.org", PASSWORD)
    sign_in(client, manager)
    from django.test import Client

    admin_client = Client()
    admin_client.force_login(admin)
    response = admin_client.post(
        reverse("admin:auth_user_change", args=[manager.pk]),
        {"username": "manager", "is_active": "", "date_joined_0": "2026-01-01", "date_joined_1": "09:00:00"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    manager.refresh_from_db()
    assert not manager.is_active
    assert SecurityEvent.objects.get(kind="sessions_ended").details == {"sessions": 1, "by": "boardadmin"}


@pytest.mark.parametrize("count", [2, 6])
def test_ending_a_users_sessions_costs_three_queries_however_many(manager, chair, count, django_assert_num_queries):
    from django.test import Client

    from lscb.platform.security.receivers import end_sessions_of

    sign_in(Client(), chair)
    for _ in range(count):
        sign_in(Client(), manager)
    # 1. select the sessions whose keys UserSession holds for this user (an indexed subquery, no scan of all
    #    sessions); 2. delete their UserSession rows; 3. delete the sessions.
    with django_assert_num_queries(3):
        assert end_sessions_of(manager) == count
    assert Session.objects.count() == 1

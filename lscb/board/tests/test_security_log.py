"""The security log page (/audit/security/): managers only, filtered, paginated, constant queries; refusals logged."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from lscb.platform.models import SecurityEvent

pytestmark = pytest.mark.django_db

URL = "/audit/security/"


def make_events(count: int, user=None, kind="sign_in", when=None) -> None:
    when = when or timezone.now()
    SecurityEvent.objects.bulk_create(
        SecurityEvent(
            kind=kind, at=when - datetime.timedelta(minutes=i), user=user, username=getattr(user, "username", "x")
        )
        for i in range(count)
    )


@pytest.fixture
def manager_client(client, manager):
    """The manager signed in, with the log emptied of that sign-in so each test sees only its own events."""
    client_for(client, manager)
    SecurityEvent.objects.all().delete()
    return client


def test_the_url_is_named_security_log():
    assert reverse("board:security-log") == URL


@pytest.mark.parametrize(
    "persona, get_status, post_status",
    [
        ("manager", 200, 405),
        ("chair", 403, 403),
        ("lead_a", 403, 403),
        ("lead_b", 403, 403),
        ("outsider", 403, 403),
        ("anonymous", 302, 302),
    ],
)
def test_security_log_permissions(client, personas, persona, get_status, post_status):
    make_events(3, user=personas["manager"])
    client = client_for(client, personas[persona])
    before = list(SecurityEvent.objects.values_list("pk", "kind", "user_id", "at"))
    get = client.get(URL)
    post = client.post(URL, {"kind": "sign_in"})
    assert (get.status_code, post.status_code) == (get_status, post_status)
    if persona == "anonymous":
        assert get["Location"] == f"/accounts/login/?next={URL}"
    # Nothing changed; a refusal only adds its own "permission refused" line.
    assert (
        list(SecurityEvent.objects.filter(pk__in=[b[0] for b in before]).values_list("pk", "kind", "user_id", "at"))
        == before
    )
    added = set(SecurityEvent.objects.exclude(pk__in=[b[0] for b in before]).values_list("kind", flat=True))
    assert added <= {"permission_refused"}
    if get_status == 403:
        assert added == {"permission_refused"}


def test_the_manager_sees_events_newest_first_with_who_what_and_where(manager_client, lead_a):
    SecurityEvent.objects.create(kind="sign_in_failed", at=timezone.now(), username="nobody", ip_address="192.0.2.7")
    SecurityEvent.objects.create(
        kind="sign_in", at=timezone.now() - datetime.timedelta(hours=1), user=lead_a, ip_address="198.51.100.4"
    )
    html = manager_client.get(URL).content.decode()
    html = html[html.index("<tbody") :]
    assert html.index("Sign-in failed") < html.index("Signed in")
    assert "“nobody” (no such user)" in html and "192.0.2.7" in html
    assert "(lead_a)" in html and "198.51.100.4" in html


def test_filters_by_kind_user_and_date(manager_client, lead_a, chair):
    make_events(2, user=lead_a, kind="sign_in")
    make_events(3, user=chair, kind="locked_out", when=timezone.now() - datetime.timedelta(days=10))
    client = manager_client

    def shown(**params):
        return client.get(URL, params).context["paginator"].count

    assert shown(kind="locked_out") == 3
    assert shown(user=lead_a.pk) == 2
    old = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    assert shown(date_to=old) == 3
    assert shown(date_from=old, kind="sign_in") == 2


def test_an_invalid_filter_is_reported_and_shows_nothing(client, manager):
    make_events(4, user=manager)
    response = client_for(client, manager).get(URL, {"kind": "made_up", "date_from": "31/02/2026"})
    assert response.status_code == 200
    assert response.context["paginator"].count == 0
    html = response.content.decode()
    assert "There is a problem with the filters" in html and "Select a kind of event from the list" in html


@pytest.mark.parametrize("rows", [5, 50])
def test_the_page_costs_the_same_queries_for_5_and_50_events(manager_client, lead_a, rows, django_assert_num_queries):
    make_events(rows, user=lead_a)
    client = manager_client
    # 1 session, 2 user, 3 manager's roles (groups), 4 count of events, 5 the page of events with their users,
    # 6 the users for the "Who" filter. Nothing per row.
    with django_assert_num_queries(6):
        response = client.get(URL)
    assert response.status_code == 200
    assert len(response.context["events"]) == min(rows, 50)


def test_pages_of_fifty(manager_client, manager):
    make_events(51, user=manager)
    client = manager_client
    first = client.get(URL)
    assert len(first.context["events"]) == 50 and "Page 1 of 2" in first.content.decode()
    assert len(client.get(URL, {"page": 2}).context["events"]) == 1


def test_a_403_for_a_signed_in_user_is_logged_with_the_path(client, lead_a):
    client_for(client, lead_a).get(URL + "?kind=sign_in")
    event = SecurityEvent.objects.get(kind="permission_refused")
    assert event.user == lead_a and event.path == URL and event.details == {"method": "GET"}
    assert event.ip_address == "127.0.0.1"


def test_a_404_from_a_view_is_logged_but_not_a_mistyped_address(client, manager, django_user_model):
    admin = django_user_model.objects.create_superuser("boardadmin", "a@example.org", "pw-for-tests-only")
    client.force_login(admin)
    client.get("/no-such-page/")
    assert not SecurityEvent.objects.filter(kind="not_found").exists()
    # A view that answers 404 for an object the user may not see (here: a user id that does not exist).
    assert client.get("/admin/auth/user/999999/change/").status_code in (302, 404)
    client.get("/admin/r/999/999/")  # shortcut view: raises Http404 for a missing content type
    assert SecurityEvent.objects.filter(kind="not_found", user=admin).exists()


def test_the_security_log_is_in_the_managers_navigation_only(client, manager, chair):
    assert f'href="{URL}"' in client_for(client, manager).get("/dashboard/").content.decode()
    client.logout()
    assert f'href="{URL}"' not in client_for(client, chair).get("/dashboard/").content.decode()


def test_the_recorder_imports_no_app_models():
    import ast
    from pathlib import Path

    source = Path(__file__).resolve().parents[2] / "platform" / "security" / "__init__.py"
    imported = {node.module for node in ast.walk(ast.parse(source.read_text())) if isinstance(node, ast.ImportFrom)}
    app_models = {m for m in imported if m.split(".")[0] in {"reviews", "actions", "assurance"}}
    assert not app_models and not imported & {"lscb.platform.models"}


@pytest.mark.parametrize(
    "behind_proxy, forwarded, expected",
    [(False, "198.51.100.1", "127.0.0.1"), (True, "198.51.100.1, 203.0.113.5", "203.0.113.5"), (True, "", "127.0.0.1")],
)
def test_the_source_address_trusts_only_our_own_proxy(rf, settings, behind_proxy, forwarded, expected):
    from lscb.platform.security import client_ip

    settings.LSCB_BEHIND_PROXY = behind_proxy
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected

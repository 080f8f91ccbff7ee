"""Personal API tokens (DESIGN.md §14, issue 17): made and revoked by their owner on their own page,
shown once, kept only as a digest, expiring; every use and every refusal in the security log."""

import datetime
import hashlib

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from lscb.platform.models import ApiToken, SecurityEvent
from lscb.platform.security import EventKind

pytestmark = pytest.mark.django_db


def days(n: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def make_token(client, user, name: str = "Power BI board report", expires_on: str | None = None) -> str:
    """Make a token on the person's page, as they would; the token as the page shows it, once."""
    client_for(client, user)
    response = client.post(reverse("api-tokens"), {"name": name, "expires_on": expires_on or days(30)})
    assert response.status_code == 302, response.context["form"].errors
    return client.get(reverse("api-tokens")).context["new_token"]["token"]


def api(raw: str, url: str = "/api/v1/actions/"):
    """A reporting tool's request: no session, the token in the Authorization header."""
    return Client().get(url, HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_a_new_token_is_shown_once_and_kept_only_as_its_digest(client, lead_a):
    raw = make_token(client, lead_a)
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.expires_on.isoformat()) == (lead_a, "Power BI board report", days(30))
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(token.prefix) and len(raw) > len(token.prefix) + 30
    assert not any(raw in str(value) for value in ApiToken.objects.values_list().get())
    page = client.get(reverse("api-tokens")).content.decode()
    assert raw not in page and token.prefix in page and "Power BI board report" in page
    created = SecurityEvent.objects.get(kind=EventKind.API_TOKEN_CREATED)
    assert created.user == lead_a and raw not in str(created.details)


def test_a_token_reads_the_api_as_its_owner_and_every_use_is_logged(client, lead_a, action_a, action_b):
    raw = make_token(client, lead_a)
    for _ in range(2):
        response = api(raw)
        assert response.status_code == 200
        assert [row["id"] for row in response.json()["results"]] == [action_a.pk]  # agency A's only
    token = ApiToken.objects.get()
    assert token.last_used_at is not None
    uses = SecurityEvent.objects.filter(kind=EventKind.API_TOKEN_USED)
    assert uses.count() == 2
    assert {(use.user_id, use.details["token"], use.path) for use in uses} == {
        (lead_a.pk, token.pk, "/api/v1/actions/")
    }


def test_a_revoked_token_answers_401_and_the_refusal_is_logged(client, lead_a, action_a):
    raw = make_token(client, lead_a)
    token = ApiToken.objects.get()
    response = client.post(reverse("api-token-revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert SecurityEvent.objects.filter(kind=EventKind.API_TOKEN_REVOKED, user=lead_a).exists()
    response = api(raw)
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]
    refused = SecurityEvent.objects.get(kind=EventKind.API_TOKEN_REFUSED)
    assert (refused.user, refused.details["token"]) == (lead_a, token.pk)
    assert not SecurityEvent.objects.filter(kind=EventKind.API_TOKEN_USED).exists()


def test_a_token_works_to_the_end_of_its_last_day_and_then_answers_401(client, lead_a):
    raw = make_token(client, lead_a, expires_on=days(0))
    assert api(raw).status_code == 200
    ApiToken.objects.update(expires_on=timezone.localdate() - datetime.timedelta(days=1))
    response = api(raw)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_a_deactivated_persons_token_answers_401(client, lead_a):
    raw = make_token(client, lead_a)
    lead_a.is_active = False
    lead_a.save()
    assert api(raw).status_code == 401


@pytest.mark.parametrize(
    "header",
    ["Bearer lscb_not-a-token-we-made", "Bearer somebody-elses-token", "Bearer", "Bearer a b", "Bearer " + "x" * 5000],
)
def test_an_unknown_or_malformed_token_answers_401(header, action_a):
    response = Client().get("/api/v1/actions/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_without_a_token_a_signed_in_session_browses_the_api(client, manager, action_a):
    client_for(client, manager)
    assert client.get("/api/v1/actions/", HTTP_ACCEPT="text/html").status_code == 200
    assert Client().get("/api/v1/actions/").status_code == 401


@pytest.mark.two_factor
def test_a_session_still_owes_its_second_factor_but_a_token_does_not(client, manager, action_a):
    client_for(client, manager)  # signed in with a password, no second factor yet
    assert client.get("/api/v1/actions/").status_code == 302
    ApiToken.objects.create(
        user=manager,
        name="Script",
        prefix="lscb_abc",
        digest=hashlib.sha256(b"lscb_abc123").hexdigest(),
        expires_on=timezone.localdate(),
    )
    assert api("lscb_abc123").status_code == 200


def test_nobody_else_may_revoke_a_token(client, lead_a, lead_b, manager):
    make_token(client, lead_a)
    token = ApiToken.objects.get()
    for user in (lead_b, manager):
        client_for(client, user)
        assert client.post(reverse("api-token-revoke", args=[token.pk])).status_code == 404
    assert client.get(reverse("api-token-revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize(
    "name, expires_on, message",
    [
        ("", days(30), "Enter a name for the token"),
        ("   ", days(30), "Enter a name for the token"),
        ("x" * 101, days(30), "The token&#x27;s name must be 100 characters or fewer"),
        ("Power BI", days(-1), "The last day it works must be today or in the future"),
        ("Power BI", days(367), "The last day it works must be on or before"),
        ("Power BI", "", "Enter the last day the token works"),
        ("Power BI", "31/02/2027", "Last day it works must be a real date"),
    ],
)
def test_a_bad_name_or_date_is_refused_in_words_and_makes_nothing(client, lead_a, name, expires_on, message):
    client_for(client, lead_a)
    response = client.post(reverse("api-tokens"), {"name": name, "expires_on": expires_on})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ApiToken.objects.exists()
    assert not SecurityEvent.objects.filter(kind=EventKind.API_TOKEN_CREATED).exists()


def test_ten_working_tokens_at_most(client, lead_a):
    for i in range(10):
        make_token(client, lead_a, name=f"Token {i}")
    response = client.post(reverse("api-tokens"), {"name": "One more", "expires_on": days(30)})
    assert "revoke one before you make another" in response.content.decode()
    assert ApiToken.objects.count() == 10


def test_each_token_has_its_own_rate_limit(client, lead_a, settings):
    settings.LSCB_API_RATE = "2/min"
    first, second = make_token(client, lead_a, name="First"), make_token(client, lead_a, name="Second")
    assert [api(first).status_code for _ in range(3)] == [200, 200, 429]
    assert api(second).status_code == 200


def test_the_token_page_runs_a_fixed_number_of_queries(client, lead_a, django_assert_num_queries):
    client_for(client, lead_a)
    for count in (1, 8):
        while ApiToken.objects.count() < count:
            ApiToken.objects.create(
                user=lead_a, name="T", prefix="lscb_x", digest=str(ApiToken.objects.count()), expires_on=days(5)
            )
        # The session, its user, the roles (the navigation), the tokens.
        with django_assert_num_queries(4):
            assert client.get(reverse("api-tokens")).status_code == 200


def test_only_the_swagger_page_allows_inline_styles(client, manager):
    client_for(client, manager)
    docs = client.get(reverse("api:schema-docs"))["Content-Security-Policy"]
    api_page = client.get("/api/v1/", HTTP_ACCEPT="text/html")["Content-Security-Policy"]
    # The header's directives come in no fixed order, so compare them by name.
    directives = dict(d.strip().split(" ", 1) for d in docs.split(";"))
    assert directives["style-src"] == "'self' 'unsafe-inline'"
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in api_page

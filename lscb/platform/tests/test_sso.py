"""Single sign-on without a browser: the configuration, the checks the backend makes on a provider's answer,
the local password refused where a provider is required, and each new page for every persona.

The whole flow against a real provider is in tests/browser/test_sso.py.
"""

import time
from unittest import mock
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse

from conftest import client_for
from lscb.env import sso_providers
from lscb.platform import sso
from lscb.platform.models import SecurityEvent
from lscb.platform.security import EventKind
from lscb.platform.sso.backend import PROVIDER_ATTRIBUTE, RESULT_ATTRIBUTE, ProviderBackend, Refusal
from lscb.platform.sso.views import SIGNED_OUT_KEY
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ISSUER = "https://login.council.example/tenant/v2.0"
COUNCIL = {
    "id": "council",
    "issuer": ISSUER,
    "client_id": "tracker",
    "client_secret": "secret",
    "name": "Northbridge Council",
    "domains": ["council.example"],
    "mfa_enforced": False,
    "required": False,
    "trust_email": False,
    "sign_algo": "RS256",
    "scopes": "openid email",
}
DISCOVERY = {
    "issuer": ISSUER,
    "authorization_endpoint": f"{ISSUER}/authorize",
    "token_endpoint": f"{ISSUER}/token",
    "jwks_uri": f"{ISSUER}/keys",
    "userinfo_endpoint": f"{ISSUER}/userinfo",
    "end_session_endpoint": f"{ISSUER}/logout",
}
PERSONAS = ["manager", "chair", "lead_a", "lead_b", "outsider", "anonymous"]


@pytest.fixture
def council(settings):
    settings.LSCB_SSO_PROVIDERS = [COUNCIL]
    with mock.patch("lscb.platform.sso.fetch_discovery", return_value=DISCOVERY) as fetch:
        yield fetch


@pytest.fixture
def sam(db):
    return UserFactory(username="sam", email="Sam.Lead@council.example")


# --- Configuration from the environment ----------------------------------------------------------------------


def configure(monkeypatch, **values):
    monkeypatch.setenv("LSCB_SSO_PROVIDERS", "council")
    base = {"ISSUER": ISSUER, "CLIENT_ID": "tracker", "CLIENT_SECRET": "s", "NAME": "Northbridge Council"}
    for key, value in {**base, "DOMAINS": "council.example", **values}.items():
        monkeypatch.setenv(f"LSCB_SSO_COUNCIL_{key}", value)


def test_a_provider_is_read_from_the_environment(monkeypatch):
    configure(monkeypatch, DOMAINS="Council.example, schools.council.example", MFA_ENFORCED="1", REQUIRED="yes")
    (provider,) = sso_providers()
    assert provider["domains"] == ["council.example", "schools.council.example"]
    assert provider["mfa_enforced"] and provider["required"] and not provider["trust_email"]
    assert provider["sign_algo"] == "RS256"


@pytest.mark.parametrize(
    "values, complaint",
    [
        ({"CLIENT_ID": ""}, "LSCB_SSO_COUNCIL_CLIENT_ID is needed"),
        ({"DOMAINS": ""}, "LSCB_SSO_COUNCIL_DOMAINS is needed"),
        ({"ISSUER": "http://login.council.example"}, "must be an https:// URL"),
        ({"DOMAINS": "not a domain"}, "is not an e-mail domain"),
        ({"SIGN_ALGO": "HS256"}, "asymmetric"),
        ({"MFA_ENFORCED": "perhaps"}, "must be true or false"),
    ],
)
def test_a_bad_provider_configuration_stops_start_up_saying_what_is_wrong(monkeypatch, values, complaint):
    configure(monkeypatch, **values)
    with pytest.raises(ImproperlyConfigured, match=complaint):
        sso_providers()


def test_one_domain_cannot_have_two_providers(monkeypatch):
    configure(monkeypatch)
    monkeypatch.setenv("LSCB_SSO_PROVIDERS", "council,other")
    for key, value in {"ISSUER": ISSUER, "CLIENT_ID": "t", "CLIENT_SECRET": "s", "NAME": "Other"}.items():
        monkeypatch.setenv(f"LSCB_SSO_OTHER_{key}", value)
    monkeypatch.setenv("LSCB_SSO_OTHER_DOMAINS", "council.example")
    with pytest.raises(ImproperlyConfigured, match="served by both council and other"):
        sso_providers()


def test_a_discovery_document_naming_another_issuer_is_not_used(settings):
    settings.LSCB_SSO_PROVIDERS = [COUNCIL]
    response = mock.Mock(status_code=200, json=lambda: {**DISCOVERY, "issuer": "https://evil.example"})
    with mock.patch("requests.get", return_value=response), pytest.raises(sso.ProviderUnavailable):
        sso.get_provider("council").discovery()


# --- The backend's checks on a provider's answer -------------------------------------------------------------


def backend_for(provider_settings=COUNCIL) -> ProviderBackend:
    backend = ProviderBackend()
    backend.provider = sso.Provider(**{**provider_settings, "domains": tuple(provider_settings["domains"])})
    backend.request = RequestFactory().get("/accounts/sso/callback/")
    return backend


def signed_in_as(backend, userinfo, **id_token):
    payload = {"sub": "abc", "amr": ["pwd", "mfa"], **id_token}
    with mock.patch.object(ProviderBackend, "get_userinfo", return_value={"sub": "abc", **userinfo}):
        return backend.get_or_create_user("access", "id-token", payload)


def refusal_of(backend, userinfo, **id_token) -> tuple[str, str]:
    with pytest.raises(Refusal) as refused:
        signed_in_as(backend, userinfo, **id_token)
    return refused.value.reason, refused.value.email


def test_a_verified_address_signs_in_its_one_account_whatever_the_case(sam):
    backend = backend_for()
    assert signed_in_as(backend, {"email": "sam.lead@COUNCIL.example", "email_verified": True}) == sam
    assert getattr(backend.request, RESULT_ATTRIBUTE) == {"amr": ["pwd", "mfa"], "id_token": "id-token"}


def test_an_address_with_no_account_is_refused_and_nothing_is_created(sam, django_user_model):
    answer = {"email": "new.starter@council.example", "email_verified": True}
    assert refusal_of(backend_for(), answer) == ("unknown", "new.starter@council.example")
    assert django_user_model.objects.count() == 1


def test_a_deactivated_account_is_not_signed_in(sam):
    sam.is_active = False
    sam.save()
    assert refusal_of(backend_for(), {"email": sam.email, "email_verified": True})[0] == "unknown"


def test_an_unverified_address_is_refused_unless_the_provider_is_trusted_for_its_addresses(sam):
    assert refusal_of(backend_for(), {"email": sam.email, "email_verified": False})[0] == "unverified"
    assert refusal_of(backend_for(), {"email": sam.email})[0] == "unverified"
    assert signed_in_as(backend_for({**COUNCIL, "trust_email": True}), {"email": sam.email}) == sam


def test_a_provider_cannot_vouch_for_another_organisations_address(sam):
    UserFactory(username="nhs", email="pat@nhs.example")
    assert refusal_of(backend_for(), {"email": "pat@nhs.example", "email_verified": True}) == (
        "other_domain",
        "pat@nhs.example",
    )


def test_two_accounts_with_one_address_are_refused(sam):
    UserFactory(username="sam2", email="sam.lead@council.example")
    assert refusal_of(backend_for(), {"email": sam.email, "email_verified": True})[0] == "ambiguous"


def test_userinfo_about_another_subject_is_refused(sam):
    with pytest.raises(Refusal, match="token"):
        signed_in_as(backend_for(), {"email": sam.email, "email_verified": True, "sub": "someone-else"})


@pytest.fixture(scope="module")
def signing_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def id_token(key, **changes) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": "tracker", "sub": "abc", "iat": now, "exp": now + 600, "nonce": "n"}
    return jwt.encode({**claims, **changes}, key, algorithm="RS256")


def test_a_good_id_token_is_accepted(signing_key):
    claims = backend_for()._verify_jws(id_token(signing_key), signing_key.public_key())
    assert claims["sub"] == "abc"


@pytest.mark.parametrize(
    "changes, reason",
    [
        ({"iss": "https://another.example"}, "token"),
        ({"aud": "another-client"}, "token"),
        ({"aud": ["tracker", "another-client"], "azp": "another-client"}, "token"),
        ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 4200}, "expired"),
        ({"iat": int(time.time()) + 3600}, "token"),
    ],
)
def test_an_id_token_from_the_wrong_issuer_for_another_client_or_expired_is_refused(signing_key, changes, reason):
    with pytest.raises(Refusal) as refused:
        backend_for()._verify_jws(id_token(signing_key, **changes), signing_key.public_key())
    assert refused.value.reason == reason


def test_an_id_token_signed_by_another_key_is_refused(signing_key):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(Refusal, match="token"):
        backend_for()._verify_jws(id_token(other), signing_key.public_key())


def test_a_provider_that_stops_answering_after_the_redirect_is_refused_as_unavailable(settings, sam):
    closed = "http://127.0.0.1:9"  # the discard port: nothing listens there on a test machine
    settings.LSCB_SSO_PROVIDERS = [{**COUNCIL, "issuer": closed}]
    endpoints = {**DISCOVERY, "issuer": closed, "token_endpoint": f"{closed}/token"}
    request = RequestFactory().get("/accounts/sso/callback/", {"code": "c", "state": "s"})
    SessionMiddleware(lambda r: None).process_request(request)
    setattr(request, PROVIDER_ATTRIBUTE, sso.get_provider("council"))
    with mock.patch("lscb.platform.sso.fetch_discovery", return_value=endpoints):
        with pytest.raises(Refusal, match="unavailable"):
            ProviderBackend().authenticate(request, nonce="n", code_verifier="v" * 64)


def test_a_session_signed_in_by_a_provider_ends_when_the_account_is_deactivated(client, sam):
    client.force_login(sam, backend="lscb.platform.sso.backend.ProviderBackend")
    assert client.get(reverse("sso-signed-out")).wsgi_request.user == sam
    type(sam).objects.filter(pk=sam.pk).update(is_active=False)  # even if the session were not deleted
    assert not client.get(reverse("sso-signed-out")).wsgi_request.user.is_authenticated


def test_the_backend_leaves_password_sign_ins_alone(council, sam):
    request = RequestFactory().post("/accounts/login/")
    assert ProviderBackend().authenticate(request, username="sam", password="correct-horse-battery") is None


# --- A provider required for its own domains -------------------------------------------------------------------


def test_a_required_provider_refuses_its_peoples_passwords_with_the_way_in(settings, client, sam):
    settings.LSCB_SSO_PROVIDERS = [{**COUNCIL, "required": True}]
    response = client.post(reverse("login"), {"username": "sam", "password": "correct-horse-battery"})
    assert response.status_code == 200
    assert "use “Sign in with Northbridge Council”" in response.content.decode()
    assert "Enter a correct username and password" not in response.content.decode()
    assert "_auth_user_id" not in client.session
    event = SecurityEvent.objects.get(kind=EventKind.SIGN_IN_FAILED)
    assert (event.user, event.details) == (sam, {"reason": "sso_required", "provider": "council"})


def test_a_wrong_password_gets_the_usual_message_even_where_a_provider_is_required(settings, client, sam):
    settings.LSCB_SSO_PROVIDERS = [{**COUNCIL, "required": True}]
    response = client.post(reverse("login"), {"username": "sam", "password": "wrong-password"})
    assert "Enter a correct username and password" in response.content.decode()
    assert "Sign in with Northbridge Council”" not in response.content.decode().split("There is a problem")[1][:400]


def test_people_of_other_domains_and_optional_providers_still_sign_in_with_a_password(settings, client, sam):
    settings.LSCB_SSO_PROVIDERS = [{**COUNCIL, "required": True, "domains": ["other.example"]}]
    assert client.post(reverse("login"), {"username": "sam", "password": "correct-horse-battery"}).status_code == 302
    client.logout()
    settings.LSCB_SSO_PROVIDERS = [COUNCIL]
    assert client.post(reverse("login"), {"username": "sam", "password": "correct-horse-battery"}).status_code == 302


# --- Each new page, for every persona ----------------------------------------------------------------------


def test_the_sign_in_page_offers_each_provider_beside_the_local_form(client, council):
    page = client.get(reverse("login") + "?next=/actions/").content.decode()
    assert 'href="/accounts/sso/start/?provider=council&amp;next=/actions/"' in page
    assert "Sign in with Northbridge Council" in page and 'name="password"' in page


def test_without_providers_the_sign_in_page_is_as_before(client, settings):
    settings.LSCB_SSO_PROVIDERS = []
    page = client.get(reverse("login")).content.decode()
    assert "organisation's account" not in page and 'name="password"' in page


@pytest.mark.parametrize("persona", PERSONAS)
def test_start_sends_anyone_to_the_provider_with_pkce_state_and_nonce(client, personas, persona, council):
    client = client_for(client, personas[persona])
    response = client.get(reverse("sso-start"), {"provider": "council", "next": "/actions/"})
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == DISCOVERY["authorization_endpoint"]
    query = {key: value[0] for key, value in parse_qs(location.query).items()}
    assert query["client_id"] == "tracker" and query["code_challenge_method"] == "S256"
    assert query["redirect_uri"] == "http://testserver/accounts/sso/callback/"
    started = client.session["oidc_states"][query["state"]]
    assert started["provider"] == "council" and started["nonce"] == query["nonce"]
    assert started["code_verifier"] and started["code_verifier"] != query["code_challenge"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_start_for_a_provider_not_configured_is_404(client, personas, persona, council):
    assert client_for(client, personas[persona]).get(reverse("sso-start"), {"provider": "nhsmail"}).status_code == 404


def test_start_with_the_provider_down_goes_back_to_sign_in_with_a_message(client, settings):
    settings.LSCB_SSO_PROVIDERS = [{**COUNCIL, "issuer": "http://127.0.0.1:9"}]
    response = client.get(reverse("sso-start"), {"provider": "council"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "could not reach Northbridge Council&#x27;s sign-in service" in response.content.decode()
    assert SecurityEvent.objects.get(kind=EventKind.SSO_REFUSED).details == {
        "provider": "council",
        "reason": "unavailable",
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_callback_no_sign_in_started_is_refused_and_logged(client, personas, persona, council):
    response = client_for(client, personas[persona]).get(reverse("sso-callback"), {"code": "c", "state": "forged"})
    assert response.status_code == 403
    assert "does not match a sign-in started in this browser" in response.content.decode()
    assert SecurityEvent.objects.filter(kind=EventKind.SSO_REFUSED, details__reason="state").count() == 1


def test_a_callback_with_the_providers_error_forgets_the_state(client, council):
    start = client.get(reverse("sso-start"), {"provider": "council"})
    state = parse_qs(urlparse(start["Location"]).query)["state"][0]
    response = client.get(reverse("sso-callback"), {"error": "access_denied", "state": state})
    assert response.status_code == 403 and "Northbridge Council did not sign you in" in response.content.decode()
    assert state not in client.session["oidc_states"]
    again = client.get(reverse("sso-callback"), {"code": "c", "state": state})
    assert "does not match a sign-in started in this browser" in again.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_signed_out_without_a_providers_session_goes_to_sign_in(client, personas, persona):
    response = client_for(client, personas[persona]).get(reverse("sso-signed-out"))
    assert response.status_code == 302 and response["Location"] == reverse("login")


def test_signing_out_after_a_providers_sign_in_offers_its_sign_out_once(client, sam, council):
    client.force_login(sam)
    session = client.session
    session[sso.SESSION_KEY] = {"provider": "council", "id_token": "the-id-token"}
    session.save()
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("sso-signed-out")
    assert "_auth_user_id" not in client.session
    page = client.get(reverse("sso-signed-out"))
    assert page.status_code == 200
    link = urlparse(page.context["offer"]["url"])
    query = {key: value[0] for key, value in parse_qs(link.query).items()}
    assert f"{link.scheme}://{link.netloc}{link.path}" == DISCOVERY["end_session_endpoint"]
    assert query == {
        "client_id": "tracker",
        "id_token_hint": "the-id-token",
        "post_logout_redirect_uri": "http://testserver/accounts/login/",
    }
    assert SIGNED_OUT_KEY not in client.session
    assert client.get(reverse("sso-signed-out"))["Location"] == reverse("login")


def test_signing_out_after_a_password_sign_in_is_as_before(client, sam, council):
    client.force_login(sam)
    assert client.post(reverse("logout"))["Location"] == reverse("login")

"""Single sign-on against a real OpenID Connect provider (tests/oidc/provider.mjs, node-oidc-provider) on
loopback, in real Chromium: redirect, the provider's sign-in and consent, the callback, signed in; and the
failures: a wrong state, a replayed code, an expired ID token, an unknown or unconfirmed address, a provider
that is down. The suite starts the provider itself, once per test worker.
"""

from urllib.parse import parse_qs, urlencode, urljoin, urlparse

import pytest
from playwright.sync_api import expect

from lscb.platform.models import SecurityEvent
from lscb.platform.security import EventKind
from reviews import roles
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.factories import UserFactory
from tests.oidc import server
from tests.oidc.server import DIRECTORY_PASSWORD

SAM = "sam.lead@council.example"


@pytest.fixture(scope="session")
def oidc_provider(live_server, tmp_path_factory):
    provider = server.start(tmp_path_factory.mktemp("oidc"), live_server.url)
    yield provider
    server.stop(provider)


@pytest.fixture
def council(oidc_provider, settings, transactional_db):
    """The tracker knows two providers: the council's (real, on loopback) and one whose server is down."""
    down = oidc_provider.settings(
        id="down", issuer=f"http://127.0.0.1:{server.free_port()}", name="Eastshire NHS Trust", domains=["nhs.example"]
    )
    settings.LSCB_SSO_PROVIDERS = [oidc_provider.settings(), down]
    oidc_provider.set_token_clock(0)
    yield oidc_provider
    oidc_provider.set_token_clock(0)


@pytest.fixture
def sam(transactional_db):
    """An agency lead whose account in the tracker has the council address."""
    return UserFactory(username="sam", first_name="Sam", email=SAM.upper(), role=roles.BUSINESS_MANAGER)


def sign_in_at_provider(page, email: str, *, mfa: bool = False, consent: bool = True) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with Northbridge Council").click()
    page.wait_for_url("**/interaction/**")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Directory password").fill(DIRECTORY_PASSWORD)
    if mfa:
        page.get_by_label("I approved the sign-in on my phone (MFA)").check()
    page.get_by_role("button", name="Sign in to directory").click()
    if consent:
        page.get_by_role("button", name="Allow").click()


def on_the_way_to_the_callback(page, pattern: str, change=lambda url: url) -> list[str]:
    """Change the provider's answer (the callback URL) on its way back to the tracker.

    Playwright routes only the first request of a redirect chain, so the request matching `pattern` is sent
    here and its redirects followed by hand (the cookies are the browser's own) until one points at the
    callback: the browser is sent there with `change(url)`. Returns the callback URLs seen.
    """
    seen = []

    def handle(route):
        response = route.fetch(max_redirects=0)
        while response.status in (301, 302, 303, 307):
            location = urljoin(response.url, response.headers["location"])
            if "/accounts/sso/callback/" in location:
                seen.append(location)
                return route.fulfill(status=303, headers={"location": change(location)})
            response = page.request.get(location, max_redirects=0)
        return route.fulfill(response=response)

    page.route(pattern, handle)
    return seen


def with_query(url: str, **changes) -> str:
    parts = urlparse(url)
    return parts._replace(query=urlencode({**{k: v[0] for k, v in parse_qs(parts.query).items()}, **changes})).geturl()


def refusals(reason: str):
    return SecurityEvent.objects.filter(kind=EventKind.SSO_REFUSED, details__reason=reason)


@pytest.mark.two_factor
def test_signing_in_with_the_council_account_and_its_mfa_reaches_the_dashboard(council, sam, page):
    page.goto("/accounts/login/")
    expect(page.get_by_role("button", name="Sign in with Northbridge Council")).to_be_visible()
    expect(page.get_by_role("button", name="Sign in with Eastshire NHS Trust")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "sso-sign-in")
    page.set_viewport_size({"width": 320, "height": 800})
    screenshot(page, "sso-sign-in-320")
    page.set_viewport_size({"width": 1280, "height": 900})

    with page.expect_request(lambda request: request.url.startswith(f"{council.issuer}/auth?")) as authorization:
        page.get_by_role("button", name="Sign in with Northbridge Council").click()
    page.wait_for_url(f"{council.issuer}/interaction/**")
    query = parse_qs(urlparse(authorization.value.url).query)
    assert query["response_type"] == ["code"] and query["code_challenge_method"] == ["S256"]
    assert {"state", "nonce", "code_challenge"} <= set(query)
    page.get_by_label("Email address").fill(SAM)
    page.get_by_label("Directory password").fill(DIRECTORY_PASSWORD)
    page.get_by_label("I approved the sign-in on my phone (MFA)").check()
    page.get_by_role("button", name="Sign in to directory").click()
    assert "Action tracker would like your" in page.content()
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url("**/dashboard/")
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard"

    sign_in_event = SecurityEvent.objects.get(kind=EventKind.SIGN_IN)
    assert (sign_in_event.user, sign_in_event.details) == (sam, {"provider": "council"})
    verified = SecurityEvent.objects.get(kind=EventKind.TWO_FACTOR_VERIFIED)
    assert verified.details == {"device": "SingleSignOnDevice", "provider": "council", "why": "amr"}
    sam.refresh_from_db()
    assert roles.role_names(sam) == {roles.BUSINESS_MANAGER}, "no role was granted"


@pytest.mark.two_factor
def test_without_the_providers_mfa_the_tracker_still_asks_for_its_own_second_factor(council, sam, page):
    sign_in_at_provider(page, SAM, mfa=False)
    page.wait_for_url("**/accounts/two-factor/set-up/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Set up two-factor sign-in"
    assert not SecurityEvent.objects.filter(kind=EventKind.TWO_FACTOR_VERIFIED).exists()


@pytest.mark.two_factor
def test_a_provider_declared_to_enforce_mfa_counts_as_the_second_factor(council, sam, page, settings):
    settings.LSCB_SSO_PROVIDERS = [council.settings(mfa_enforced=True)]
    sign_in_at_provider(page, SAM, mfa=False)
    page.wait_for_url("**/dashboard/")
    assert SecurityEvent.objects.get(kind=EventKind.TWO_FACTOR_VERIFIED).details["why"] == "declared"


def test_an_address_with_no_account_gets_a_page_saying_whom_to_ask(council, sam, page, django_user_model):
    sign_in_at_provider(page, "new.starter@council.example")
    assert page.get_by_role("heading", level=1).inner_text() == "There is no account for this e-mail address"
    assert "Ask the partnership's business manager to add you" in page.content()
    assert "new.starter@council.example" in page.content()
    assert axe_violations(page) == []
    screenshot(page, "sso-unknown-address")
    page.set_viewport_size({"width": 320, "height": 800})
    screenshot(page, "sso-unknown-address-320")
    assert refusals("unknown").get().username == "new.starter@council.example"
    assert django_user_model.objects.count() == 1, "no account is created"
    page.goto("/dashboard/")
    page.wait_for_url("**/accounts/login/**")


def test_an_unconfirmed_address_is_refused(council, sam, page):
    sam.email = "unconfirmed@council.example"
    sam.save()
    sign_in_at_provider(page, "unconfirmed@council.example")
    assert page.get_by_role("heading", level=1).inner_text() == "Your e-mail address was not confirmed"
    assert refusals("unverified").count() == 1


def test_a_wrong_state_is_refused(council, sam, page):
    on_the_way_to_the_callback(page, "**/interaction/*/confirm", lambda url: with_query(url, state="not-ours"))
    sign_in_at_provider(page, SAM)
    assert page.get_by_role("heading", level=1).inner_text() == "Sign-in did not complete"
    assert "does not match a sign-in started in this browser" in page.content()
    assert axe_violations(page) == []
    assert refusals("state").count() == 1
    assert not SecurityEvent.objects.filter(kind=EventKind.SIGN_IN).exists()


def test_a_replayed_code_is_refused_by_the_provider(council, sam, page):
    first = on_the_way_to_the_callback(page, "**/interaction/*/confirm")
    sign_in_at_provider(page, SAM)
    page.wait_for_url("**/dashboard/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/sso/signed-out/")
    used_code = parse_qs(urlparse(first[0]).query)["code"][0]

    # A new sign-in (its own state, nonce and PKCE verifier) that brings back the code already used.
    on_the_way_to_the_callback(
        page, "**/accounts/sso/start/?provider=council", lambda url: with_query(url, code=used_code)
    )
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with Northbridge Council").click()  # the provider remembers Sam
    assert page.get_by_role("heading", level=1).inner_text() == "Sign-in did not complete"
    assert "had been used already" in page.content()
    assert refusals("exchange").count() == 1


def test_an_expired_id_token_is_refused(council, sam, page):
    council.set_token_clock(-3600)
    sign_in_at_provider(page, SAM)
    assert page.get_by_role("heading", level=1).inner_text() == "Sign-in did not complete"
    assert "had already expired" in page.content()
    assert refusals("expired").count() == 1
    page.goto("/dashboard/")
    page.wait_for_url("**/accounts/login/**")


def test_a_provider_that_is_down_gets_a_clear_message_and_local_sign_in_still_works(council, sam, page):
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with Eastshire NHS Trust").click()
    page.wait_for_url("**/accounts/login/**")
    expect(page.get_by_text("could not reach Eastshire NHS Trust's sign-in service")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "sso-provider-down")
    assert refusals("unavailable").get().details["provider"] == "down"
    sign_in(page, "sam", "correct-horse-battery")
    page.wait_for_url("**/dashboard/")


def test_signing_out_offers_the_providers_sign_out_too(council, sam, page):
    sign_in_at_provider(page, SAM)
    page.wait_for_url("**/dashboard/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/sso/signed-out/")
    assert page.get_by_role("heading", level=1).inner_text() == "You have signed out of the action tracker"
    assert axe_violations(page) == []
    screenshot(page, "sso-signed-out")
    page.get_by_role("button", name="Sign out of Northbridge Council too").click()
    page.wait_for_url(f"{council.issuer}/session/end**")
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url("**/accounts/login/")
    # Signed out at the provider as well: the next sign-in asks for the directory password again.
    page.get_by_role("button", name="Sign in with Northbridge Council").click()
    page.wait_for_url(f"{council.issuer}/interaction/**")
    expect(page.get_by_label("Email address")).to_be_visible()

"""The exact security headers on a page, a download and each error page, and the error pages themselves.

The download is a plain FileResponse test view (lscb/tests/security_urls.py) standing in for the evidence
download, which arrives with the assurance pages; after the merge the permission matrix covers the real one.
"""

import re
from pathlib import Path

import pytest
from django.test import RequestFactory

from lscb.platform.errors import server_error

pytestmark = [pytest.mark.django_db, pytest.mark.urls("lscb.platform.tests.security_urls")]

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
STATIC = Path(__file__).resolve().parents[3] / "static"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'"
)
EXPECTED = {
    "Content-Security-Policy": CSP,
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cache-Control": "no-store, private",
}


@pytest.fixture
def production(settings, client):
    """The HTTPS settings that LSCB_HTTPS=1 turns on, with a client that speaks HTTPS."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    client.defaults["wsgi.url_scheme"] = "https"
    return client


def directives(csp: str) -> dict[str, str]:
    """django-csp does not keep the directives in order, so compare them as a mapping: exact, but unordered."""
    return dict(part.strip().split(" ", 1) for part in csp.split(";"))


def assert_security_headers(response):
    for header, value in EXPECTED.items():
        if header == "Content-Security-Policy":
            assert directives(response[header]) == directives(value)
        elif header == "Cache-Control" and response[header] != value:
            # never_cache views (sign-in, healthz) send Django's longer form, which also forbids storing.
            assert response[header] == "max-age=0, no-cache, no-store, must-revalidate, private"
        else:
            assert response.get(header) == value, f"{header}: {response.get(header)!r}"


def test_a_page_carries_every_security_header(production, manager):
    production.force_login(manager)
    response = production.get("/dashboard/", secure=True)
    assert response.status_code == 200
    assert_security_headers(response)


def test_the_sign_in_page_sets_secure_httponly_samesite_cookies(production):
    response = production.get("/accounts/login/", secure=True)
    assert_security_headers(response)
    csrf = response.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"


def test_the_session_cookie_is_secure_httponly_samesite(production, manager):
    response = production.post(
        "/accounts/login/", {"username": "manager", "password": "correct-horse-battery"}, secure=True
    )
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"


def test_plain_http_is_redirected_to_https(production):
    response = production.get("/accounts/login/", secure=False)
    assert response.status_code == 301 and response["Location"].startswith("https://")


@pytest.mark.django_db
def test_load_balancers_may_probe_healthz_over_plain_http_and_with_head(production):
    assert production.get("/healthz", secure=False).status_code == 200
    head = production.head("/healthz", secure=False)
    assert head.status_code == 200 and head.content == b""
    assert production.post("/healthz").status_code == 405


def test_a_download_carries_every_security_header(production, manager):
    production.force_login(manager)
    response = production.get("/test/download/", secure=True)
    assert response.status_code == 200 and response["Content-Disposition"] == 'attachment; filename="audit.pdf"'
    assert_security_headers(response)


@pytest.mark.parametrize(
    "path, status, heading",
    [
        ("/no-such-page/", 404, "Page not found"),
        ("/test/forbidden/", 403, "You do not have permission to do that"),
        ("/test/bad/", 400, "Sorry, there is a problem with the request"),
        ("/test/boom/", 500, "Sorry, there is a problem with the service"),
        ("/test/database-down/", 503, "Sorry, the service is unavailable"),
    ],
)
def test_error_pages_are_generic_and_carry_every_security_header(production, manager, path, status, heading):
    production.force_login(manager)
    production.raise_request_exception = False
    response = production.get(path, secure=True)
    assert response.status_code == status
    assert_security_headers(response)
    html = response.content.decode()
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in html
    # No stack trace, no exception text, no user (name or sign-out button), no echo of the path.
    leaks = ("Traceback", "Child Q", "RuntimeError", "OperationalError", "5432", "tampered", "Morgan", "Sign out")
    for leak in (*leaks, path.strip("/")):
        assert leak not in html, leak


def test_the_500_handler_touches_no_database(django_assert_num_queries, manager):
    request = RequestFactory().get("/")
    request.user = manager
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    assert "Northbridge Safeguarding Children Partnership" in response.content.decode()


def test_the_database_being_down_answers_503_with_a_retry_time(production, manager):
    production.force_login(manager)
    production.raise_request_exception = False
    response = production.get("/test/database-down/", secure=True)
    assert response.status_code == 503 and response["Retry-After"] == "30"


def test_no_template_has_inline_script_or_style():
    for template in TEMPLATES.rglob("*.html"):
        html = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), f"inline script in {template}"
        assert not re.search(r"\son[a-z]+\s*=", html), f"inline event handler in {template}"
        assert "<style" not in html and 'style="' not in html, f"inline style in {template}"
        assert "javascript:" not in html, template

import pytest
from django.urls import reverse

from conftest import client_for
from reviews.models import Agency


@pytest.mark.django_db
def test_healthz_answers_ok_without_sign_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise RuntimeError("database is down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    assert client.get("/healthz").status_code == 503


@pytest.mark.django_db
def test_signed_out_visitor_is_sent_to_sign_in(client):
    for path in ["/", "/dashboard/", "/admin/"]:
        response = client.get(path)
        assert response.status_code == 302
        assert "/login/" in response["Location"]


@pytest.mark.django_db
def test_root_redirects_a_signed_in_user_to_the_dashboard(client, manager):
    response = client_for(client, manager).get("/")
    assert response.status_code == 302 and response["Location"] == reverse("board:dashboard")


@pytest.mark.django_db
def test_an_agency_lead_lands_on_their_own_work_queue_and_the_chair_on_the_dashboard(client, lead_a, chair):
    response = client.post(reverse("login"), {"username": "lead_a", "password": "correct-horse-battery"}, follow=True)
    assert [url for url, _ in response.redirect_chain] == [reverse("board:root"), reverse("assurance:lead-home")]
    client.logout()
    response = client_for(client, chair).get("/")
    assert response["Location"] == reverse("board:dashboard")


@pytest.mark.parametrize(
    "persona, shows",
    [
        ("manager", "Business manager"),
        ("chair", "Subgroup chair"),
        ("lead_a", "Agency A (Children"),
        ("lead_b", "Agency B (Police)"),
        ("outsider", "You have no role on this board yet"),
    ],
)
def test_each_persona_sees_the_home_page(client, personas, persona, shows):
    response = client_for(client, personas[persona]).get("/dashboard/")
    assert response.status_code == 200
    assert shows in response.content.decode()


@pytest.mark.django_db
def test_login_page_names_the_board_and_has_no_crown(client, settings):
    settings.BOARD_NAME = "Southport Safeguarding Children Partnership"
    html = client.get("/accounts/login/").content.decode()
    assert "Southport Safeguarding Children Partnership" in html
    assert "crown" not in html.lower() and "GDS Transport" not in html


@pytest.mark.django_db
def test_sign_in_with_a_wrong_password_fails_generically(client, manager):
    response = client.post("/accounts/login/", {"username": "manager", "password": "wrong"})
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()


@pytest.mark.django_db
def test_logout_is_post_only_and_ends_the_session(client, manager):
    client_for(client, manager)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/dashboard/").status_code == 302


@pytest.mark.django_db
def test_a_change_through_a_view_writes_one_history_row_with_its_user(client, django_user_model):
    admin = django_user_model.objects.create_superuser("boardadmin", "a@example.org", "pw-for-tests-only")
    agency = Agency.objects.create(name="Cafcass", short_name="Cafcass")
    client.force_login(admin)
    before = agency.history.count()
    response = client.post(
        reverse("admin:reviews_agency_change", args=[agency.pk]),
        {"name": "Cafcass", "short_name": "CAF", "sector": "legal", "active": "on"},
    )
    assert response.status_code == 302
    assert agency.history.count() == before + 1
    latest = agency.history.first()
    assert latest.history_user == admin and latest.short_name == "CAF"


@pytest.mark.django_db
def test_pages_carry_the_security_headers(client):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
    ]:
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"

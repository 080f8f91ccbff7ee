"""Two-factor sign-in: set-up on first sign-in, verify on each, backup codes, and the admin."""

import base64
import re

import pytest
from django.contrib.admin import site as admin_site
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lscb.platform import two_factor
from lscb.platform.models import SecurityEvent

pytestmark = [pytest.mark.django_db, pytest.mark.two_factor]

PASSWORD = "correct-horse-battery"


def sign_in_with_password(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def code_from_page(html: str) -> str:
    """What a person does: read the secret off the page and let the app compute the current code."""
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    return f"{totp(base64.b32decode(secret)):06d}"


def confirmed_authenticator(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def test_two_factor_is_required_by_default_in_settings():
    from lscb import settings as project_settings

    # The production default; the test-suite fixture turns it off for the other tests only.
    assert project_settings.LSCB_REQUIRE_2FA is True


@pytest.mark.parametrize(
    "path",
    ["/", "/dashboard/", "/audit/security/", "/admin/", "/admin/auth/user/", "/accounts/two-factor/backup-codes/"],
)
def test_a_user_without_a_device_reaches_only_set_up(client, manager, path):
    sign_in_with_password(client, manager)
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("two-factor-setup") + "?next=")


def test_sign_in_sends_a_user_without_a_device_to_set_up_then_verifies(client, manager):
    response = client.post(reverse("login"), {"username": "manager", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("two-factor-setup"))
    html = response.content.decode()
    assert '<img src="data:image/svg+xml;base64,' in html and 'id="totp-secret"' in html
    response = client.post(reverse("two-factor-setup"), {"code": code_from_page(html), "next": "/dashboard/"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("two-factor-backup-codes"))
    device = TOTPDevice.objects.get(user=manager)
    assert device.confirmed
    codes_page = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", codes_page)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/dashboard/").status_code == 200
    # Shown once: a second visit lists no codes.
    assert re.findall(r"<li><code>", client.get(reverse("two-factor-backup-codes")).content.decode()) == []
    kinds = list(SecurityEvent.objects.filter(user=manager).values_list("kind", flat=True))
    assert {"sign_in", "two_factor_set_up", "backup_codes_created"} <= set(kinds)


def test_set_up_refuses_a_wrong_code_and_keeps_the_device_unconfirmed(client, manager):
    sign_in_with_password(client, manager)
    client.get(reverse("two-factor-setup"))
    response = client.post(reverse("two-factor-setup"), {"code": "000000"})
    assert response.status_code == 200
    assert "The code is not right" in response.content.decode()
    assert not TOTPDevice.objects.get(user=manager).confirmed
    assert client.get("/dashboard/").status_code == 302
    assert SecurityEvent.objects.filter(kind="two_factor_failed", user=manager).exists()


def test_a_user_with_a_device_must_verify_and_cannot_set_up_another(client, manager):
    device = confirmed_authenticator(manager)
    sign_in_with_password(client, manager)
    response = client.get("/dashboard/")
    assert response["Location"].startswith(reverse("two-factor-verify"))
    # A password alone must not add a second authenticator.
    assert client.get(reverse("two-factor-setup"))["Location"].startswith(reverse("two-factor-verify"))
    assert client.post(reverse("two-factor-setup"), {"code": "123456"}).status_code == 302
    assert TOTPDevice.objects.filter(user=manager).count() == 1
    key_before = client.session.session_key
    response = client.post(reverse("two-factor-verify"), {"code": current_code(device), "next": "/dashboard/"})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    assert client.session.session_key != key_before, "verifying raises privileges, so the session key changes"
    assert client.get("/dashboard/").status_code == 200


def test_a_wrong_verify_code_is_refused_and_logged(client, manager):
    confirmed_authenticator(manager)
    sign_in_with_password(client, manager)
    response = client.post(reverse("two-factor-verify"), {"code": "999999"})
    assert response.status_code == 200 and "The code is not right" in response.content.decode()
    assert client.get("/dashboard/").status_code == 302
    assert SecurityEvent.objects.filter(kind="two_factor_failed", user=manager).count() == 1


def seconds_to_wait_on(html: str) -> int:
    return int(re.search(r"Too many wrong codes: wait (\d+) seconds?, then enter the code", html).group(1))


def test_a_throttled_authenticator_says_so_and_how_long_to_wait_even_for_the_right_code(client, manager):
    device = confirmed_authenticator(manager)
    device.throttling_failure_count, device.throttling_failure_timestamp = 5, timezone.now()  # locked for 16 s
    device.save()
    sign_in_with_password(client, manager)
    response = client.post(reverse("two-factor-verify"), {"code": current_code(device)})
    html = response.content.decode()
    assert response.status_code == 200 and "The code is not right" not in html
    assert 1 <= seconds_to_wait_on(html) <= 16
    assert client.get("/dashboard/").status_code == 302


def test_a_throttled_authenticator_being_set_up_says_how_long_to_wait(client, manager):
    sign_in_with_password(client, manager)
    code = code_from_page(client.get(reverse("two-factor-setup")).content.decode())
    locked = {"throttling_failure_count": 5, "throttling_failure_timestamp": timezone.now()}  # 16 s
    TOTPDevice.objects.filter(user=manager).update(**locked)
    html = client.post(reverse("two-factor-setup"), {"code": code}).content.decode()
    assert 1 <= seconds_to_wait_on(html) <= 16
    assert not TOTPDevice.objects.filter(user=manager, confirmed=True).exists()


def test_a_backup_code_works_once(client, manager):
    confirmed_authenticator(manager)
    codes = two_factor.new_backup_codes(manager)
    sign_in_with_password(client, manager)
    response = client.post(reverse("two-factor-verify"), {"code": codes[0].upper(), "next": "/dashboard/"})
    assert response.status_code == 302 and client.get("/dashboard/").status_code == 200
    assert StaticToken.objects.filter(device__user=manager).count() == 9
    client.post(reverse("logout"))
    sign_in_with_password(client, manager)
    response = client.post(reverse("two-factor-verify"), {"code": codes[0]})
    assert response.status_code == 200, "a used backup code is refused"
    assert client.get("/dashboard/").status_code == 302


def test_new_backup_codes_need_a_verified_session_and_replace_the_old(client, manager):
    device = confirmed_authenticator(manager)
    old = set(two_factor.new_backup_codes(manager))
    sign_in_with_password(client, manager)
    client.post(reverse("two-factor-backup-codes"))
    assert set(StaticToken.objects.values_list("token", flat=True)) == old
    client.post(reverse("two-factor-verify"), {"code": current_code(device)})
    assert client.post(reverse("two-factor-backup-codes")).status_code == 302
    new = set(StaticToken.objects.values_list("token", flat=True))
    assert len(new) == 10 and not new & old


def test_the_admin_requires_a_verified_second_factor(client, django_user_model):
    admin = django_user_model.objects.create_superuser("boardadmin", "a@example.org", PASSWORD)
    sign_in_with_password(client, admin)
    assert client.get("/admin/")["Location"].startswith(reverse("two-factor-setup"))
    # The admin site checks for itself too, whatever the middleware does.
    request = RequestFactory().get("/admin/")
    request.user = admin
    admin.is_verified = lambda: False
    assert admin_site.has_permission(request) is False
    admin.is_verified = lambda: True
    assert admin_site.has_permission(request) is True


def test_the_admin_opens_after_verifying(client, django_user_model):
    admin = django_user_model.objects.create_superuser("boardadmin", "a@example.org", PASSWORD)
    device = confirmed_authenticator(admin)
    sign_in_with_password(client, admin)
    client.post(reverse("two-factor-verify"), {"code": current_code(device)})
    assert client.get("/admin/").status_code == 200


def test_the_admin_has_no_sign_in_page_of_its_own(client, manager, settings):
    response = client.get("/admin/login/?next=/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert response.templates[0].name == "registration/login.html"
    client.force_login(manager)
    assert client.get("/admin/login/?next=/admin/")["Location"].startswith(reverse("two-factor-setup"))
    settings.LSCB_REQUIRE_2FA = False  # signed in, not staff: refused rather than sent round in a loop
    assert client.get("/admin/login/?next=/admin/").status_code == 403


def test_healthz_and_sign_out_stay_open_to_an_unverified_session(client, manager):
    sign_in_with_password(client, manager)
    assert client.get("/healthz").status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_with_two_factor_off_pages_say_so(client, manager, settings):
    settings.LSCB_REQUIRE_2FA = False
    client.force_login(manager)
    html = client.get("/dashboard/").content.decode()
    assert "Two-factor sign-in is switched off (demo)" in html
    settings.LSCB_REQUIRE_2FA = True
    assert client.get(reverse("login")).status_code == 302  # signed in: sent on, and no banner anywhere
    assert "switched off" not in client.get(reverse("two-factor-setup")).content.decode()

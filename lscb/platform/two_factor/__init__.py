"""Two-factor sign-in with django-otp: an authenticator app (TOTP) plus ten single-use backup codes.

When LSCB_REQUIRE_2FA is on (the production default) a signed-in user whose
session has not passed a second factor reaches only the set-up, verify and
sign-out pages; the middleware below sends every other request there.
"""

import base64
import io
import math
import re
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lscb.platform import sessions

BACKUP_CODE_COUNT = 10
NEW_CODES_SESSION_KEY = "_lscb_new_backup_codes"
# Pages a signed-in but unverified user may reach. Static files never get this far (whitenoise answers first).
OPEN_URL_NAMES = frozenset({"login", "logout", "healthz", "two-factor-setup", "two-factor-verify"})
TOTP_CODE = re.compile(r"^\d{6}$")


class TwoFactorRequiredMiddleware:
    """Sends an unverified session to verify (or to set-up, when the user has no authenticator yet)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.LSCB_REQUIRE_2FA or not request.user.is_authenticated or request.user.is_verified():
            return None
        if request.resolver_match and request.resolver_match.view_name in OPEN_URL_NAMES:
            return None
        target = "two-factor-verify" if has_authenticator(request.user) else "two-factor-setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_authenticator(user) -> TOTPDevice:
    """The user's unconfirmed authenticator, made once so the QR code stays the same across reloads."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def secret_for_display(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, as authenticator apps accept it typed in."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URL as an SVG QR code in a data: URI (the CSP allows data: images, not inline markup styles)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage, border=4)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def verify_code(user, code: str):
    """The device that accepts `code`, or None. Six digits go to the authenticator, anything else to backup codes.

    Checking one kind of device only keeps django-otp's per-device throttling honest.
    """
    code = re.sub(r"\s+", "", code or "").lower()
    if not code:
        return None
    model = TOTPDevice if TOTP_CODE.match(code) else StaticDevice
    with transaction.atomic():
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            if device.verify_token(code):
                return device
    return None


def seconds_to_wait(user, code: str, pending: TOTPDevice | None = None) -> int:
    """How long django-otp's throttling still refuses every code after wrong ones (0: not throttled).

    A throttled device answers even the right code with a refusal, so the page must say "wait", not "wrong".
    `pending` is the authenticator being set up; otherwise the user's devices of the code's kind are asked.
    """
    if pending is not None:
        devices = [pending]
    else:
        code = re.sub(r"\s+", "", code or "").lower()
        model = TOTPDevice if TOTP_CODE.match(code) else StaticDevice
        devices = list(model.objects.devices_for_user(user, confirmed=True))
    locks = []
    for device in devices:
        allowed, details = device.verify_is_allowed()
        if allowed or not (details or {}).get("locked_until"):
            return 0
        locks.append(details["locked_until"])
    if not locks:
        return 0
    return max(1, math.ceil((min(locks) - timezone.now()).total_seconds()))


def wait_message(seconds: int) -> str:
    unit = "second" if seconds == 1 else "seconds"
    return f"Too many wrong codes: wait {seconds} {unit}, then enter the code your app shows at that time"


@transaction.atomic
def confirm_authenticator(request, device: TOTPDevice, code: str) -> bool:
    """Confirm a pending authenticator with its first code; on success the session is verified."""
    if not TOTP_CODE.match(code) or not device.verify_token(code):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    mark_verified(request, device)
    return True


def mark_verified(request, device) -> None:
    """The session passed its second factor: give it a new key (its privileges grew) and remember the device."""
    sessions.cycle_key(request)
    otp_login(request, device)


@transaction.atomic
def new_backup_codes(user) -> list[str]:
    """Replace the user's backup codes with BACKUP_CODE_COUNT new single-use ones."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Backup codes", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def safe_next(request, default: str = "board:dashboard") -> str:
    """The `next` parameter when it points back into this site, otherwise the default page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(default)

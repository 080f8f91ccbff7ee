"""Pages for two-factor sign-in: set up an authenticator, verify a session, see backup codes."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views import View

from lscb.platform import two_factor
from lscb.platform.security import EventKind, record_event


class CodeForm(forms.Form):
    """Each sign-in's code: from the authenticator app, or a backup code."""

    code = forms.CharField(
        label="Sign-in code",
        help_text="The 6-digit code from your app, or one of your backup codes if you do not have your phone.",
        max_length=32,
        error_messages={"required": "Enter the code"},
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-10", "autocomplete": "one-time-code", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).lower()


class SetupCodeForm(CodeForm):
    """The first code, which confirms the authenticator app is set up."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = "Code from your authenticator app"
        self.fields["code"].help_text = "The 6-digit code, for example 123456. It changes every 30 seconds."


class SetUpView(View):
    """First sign-in: scan the QR code (or type the secret) and confirm with a code from the app."""

    template_name = "two_factor/setup.html"

    def dispatch(self, request, *args, **kwargs):
        # Someone holding only the password must not be able to add their own authenticator.
        if two_factor.has_authenticator(request.user):
            if request.user.is_verified():
                return redirect("two-factor-backup-codes")
            return redirect(f"{_url('two-factor-verify')}?{request.GET.urlencode()}")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.show(request, SetupCodeForm())

    def post(self, request):
        form = SetupCodeForm(request.POST)
        device = two_factor.pending_authenticator(request.user)
        wait = two_factor.seconds_to_wait(request.user, form.cleaned_data["code"], device) if form.is_valid() else 0
        if (
            form.is_valid()
            and not wait
            and two_factor.confirm_authenticator(request, device, form.cleaned_data["code"])
        ):
            record_event(request, EventKind.TWO_FACTOR_SET_UP)
            request.session[two_factor.NEW_CODES_SESSION_KEY] = two_factor.new_backup_codes(request.user)
            record_event(request, EventKind.BACKUP_CODES_CREATED)
            return redirect(f"{_url('two-factor-backup-codes')}?{urlencode({'next': two_factor.safe_next(request)})}")
        if form.is_valid():
            record_event(request, EventKind.TWO_FACTOR_FAILED, step="set-up")
            wrong = "The code is not right. Enter the 6-digit code your app shows now"
            form.add_error("code", two_factor.wait_message(wait) if wait else wrong)
        return self.show(request, form)

    def show(self, request, form):
        device = two_factor.pending_authenticator(request.user)
        context = {
            "form": form,
            "qr_code": two_factor.qr_code_data_uri(device),
            "secret": two_factor.secret_for_display(device),
            "next": two_factor.safe_next(request),
        }
        return render(request, self.template_name, context)


class VerifyView(View):
    """Each sign-in: a code from the authenticator app, or one backup code."""

    template_name = "two_factor/verify.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_verified():
            return redirect(two_factor.safe_next(request))
        if not two_factor.has_authenticator(request.user):
            return redirect(f"{_url('two-factor-setup')}?{request.GET.urlencode()}")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": CodeForm(), "next": two_factor.safe_next(request)})

    def post(self, request):
        form = CodeForm(request.POST)
        # A throttled authenticator refuses even the right code: say "wait", not "wrong" (checked before trying).
        wait = two_factor.seconds_to_wait(request.user, form.cleaned_data["code"]) if form.is_valid() else 0
        device = (
            two_factor.verify_code(request.user, form.cleaned_data["code"]) if form.is_valid() and not wait else None
        )
        if device is not None:
            two_factor.mark_verified(request, device)
            record_event(request, EventKind.TWO_FACTOR_VERIFIED, device=device.__class__.__name__)
            if device.__class__.__name__ == "StaticDevice":
                left = two_factor.backup_codes_left(request.user)
                messages.warning(request, f"You used a backup code. You have {left} left.")
            return redirect(two_factor.safe_next(request))
        if form.is_valid():
            record_event(request, EventKind.TWO_FACTOR_FAILED, step="verify")
            wrong = "The code is not right. Enter the code your app shows now, or an unused backup code"
            form.add_error("code", two_factor.wait_message(wait) if wait else wrong)
        context = {"form": form, "next": two_factor.safe_next(request)}
        return render(request, self.template_name, context)


class BackupCodesView(View):
    """New backup codes are shown once, straight after they are made; after that only how many are left."""

    template_name = "two_factor/backup_codes.html"

    def get(self, request):
        context = {
            "codes": request.session.pop(two_factor.NEW_CODES_SESSION_KEY, None),
            "left": two_factor.backup_codes_left(request.user),
            "has_authenticator": two_factor.has_authenticator(request.user),
            "next": two_factor.safe_next(request),
        }
        return render(request, self.template_name, context)

    def post(self, request):
        if not request.user.is_verified():
            # Without a verified session, new codes would let a password alone replace the second factor.
            messages.error(request, "Sign in with your authenticator app before you make new backup codes.")
            return redirect("two-factor-backup-codes")
        request.session[two_factor.NEW_CODES_SESSION_KEY] = two_factor.new_backup_codes(request.user)
        record_event(request, EventKind.BACKUP_CODES_CREATED)
        return redirect("two-factor-backup-codes")


def _url(name: str) -> str:
    return reverse(name)

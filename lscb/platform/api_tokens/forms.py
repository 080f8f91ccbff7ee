"""Making a personal API token: a name and the last day it works."""

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone

from lscb.platform.forms import DateField
from lscb.platform.limits import BoundedTextMixin
from lscb.platform.models import ApiToken

DEFAULT_DAYS = 90
# A person with this many live tokens revokes one before making another.
MAX_LIVE_TOKENS = 10


class ApiTokenForm(BoundedTextMixin, forms.Form):
    name = forms.CharField(
        label="Name",
        error_messages={"required": "Enter a name for the token"},
        help_text="What the token is for, so you can tell your tokens apart, e.g. “Power BI board report”.",
    )
    expires_on = DateField(label="Last day it works", error_messages={"required": "Enter the last day the token works"})
    text_limits = ApiToken.TEXT_LIMITS

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        today = timezone.localdate()
        self.latest = today + datetime.timedelta(days=settings.LSCB_API_TOKEN_MAX_DAYS)
        self.fields["expires_on"].initial = today + datetime.timedelta(days=DEFAULT_DAYS)
        self.fields["expires_on"].help_text = f"At the latest {self.latest:%-d %B %Y}. For example, 31 3 2027."

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Enter a name for the token")
        return name

    def clean_expires_on(self) -> datetime.date:
        expires_on = self.cleaned_data["expires_on"]
        if expires_on < timezone.localdate():
            raise forms.ValidationError("The last day it works must be today or in the future")
        if expires_on > self.latest:
            raise forms.ValidationError(f"The last day it works must be on or before {self.latest:%-d %B %Y}")
        return expires_on

    def clean(self):
        if ApiToken.objects.filter(user=self.user).live().count() >= MAX_LIVE_TOKENS:
            raise forms.ValidationError(
                f"You have {MAX_LIVE_TOKENS} tokens that work: revoke one before you make another"
            )
        return super().clean()

"""The person's own API tokens page: make one (shown once), see when each was last used, revoke one."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import FormView, View

from lscb.platform import api_tokens
from lscb.platform.api_tokens.forms import ApiTokenForm
from lscb.platform.models import ApiToken
from lscb.platform.permissions import PermissionRequiredMixin

# The new token waits here between the POST that made it and the page that shows it, once.
NEW_TOKEN_SESSION_KEY = "lscb_new_api_token"


class ApiTokensView(PermissionRequiredMixin, FormView):
    permission = "board.browse"
    template_name = "api_tokens/tokens.html"
    form_class = ApiTokenForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        token, raw = api_tokens.create_token(self.request, form.cleaned_data["name"], form.cleaned_data["expires_on"])
        self.request.session[NEW_TOKEN_SESSION_KEY] = {"pk": token.pk, "token": raw}
        return redirect("api-tokens")

    def get_context_data(self, **kwargs):
        new = self.request.session.pop(NEW_TOKEN_SESSION_KEY, None)
        return super().get_context_data(
            tokens=ApiToken.objects.filter(user=self.request.user),
            new_token=new,
            today=timezone.localdate(),
            **kwargs,
        )


class ApiTokenRevokeView(PermissionRequiredMixin, View):
    """POST only: the token stops working at once. Someone else's token answers 404."""

    permission = "board.browse"
    http_method_names = ["post"]

    def get_permission_object(self):
        self.token = get_object_or_404(ApiToken.objects.filter(user=self.request.user), pk=self.kwargs["pk"])
        return None

    def post(self, request, pk: int):
        api_tokens.revoke(request, self.token)
        messages.success(request, f"The token “{self.token.name}” has been revoked: it no longer works.")
        return redirect("api-tokens")

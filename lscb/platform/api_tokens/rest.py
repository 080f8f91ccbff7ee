"""What Django REST framework asks for, in the board's terms: who is asking, may they, how often, how much.

- TokenAuthentication: `Authorization: Bearer lscb_…`. A live token signs the request in as its owner
  and is logged (every use); an unknown, revoked or expired token answers 401 and is logged too. No
  header: the session's sign-in is tried next (browsing the API), then the request is anonymous (401).
- NamedPermission: views name a permission (`permission`, and `object_permission` for one record),
  asked through lscb.platform.permissions.may like every page; the scope is the view's own queryset.
- TokenRateThrottle: LSCB_API_RATE requests per token (per person when browsing with a session).
- BoundedPagination: page numbers, LSCB_API_PAGE_SIZE rows a page, `page_size` up to LSCB_API_MAX_PAGE_SIZE.
"""

from django.conf import settings
from django.utils import timezone
from rest_framework import authentication, exceptions, pagination, permissions, throttling

from lscb.platform import api_tokens
from lscb.platform.models import ApiToken
from lscb.platform.permissions import may
from lscb.platform.security import EventKind, record_event


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the token as “Authorization: Bearer <token>”.")
        try:
            raw = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("This is not an API token of this service.") from None
        token, refused = api_tokens.refusal(raw, timezone.localdate())
        if refused:
            record_event(
                request._request,
                EventKind.API_TOKEN_REFUSED,
                user=token.user if token else None,
                token=token.pk if token else None,
                reason=refused,
            )
            raise exceptions.AuthenticationFailed(refused)
        now = timezone.now()
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
        record_event(request._request, EventKind.API_TOKEN_USED, user=token.user, token=token.pk, method=request.method)
        return token.user, token

    def authenticate_header(self, request) -> str:
        # A 401 (not 403) for a request without credentials: DRF answers 401 only when this says how to sign in.
        return f'{self.keyword} realm="api"'


class NamedPermission(permissions.BasePermission):
    """The view's named permission (`permission`), then, for one record, `object_permission` on it.

    The record was fetched through the view's scoped queryset first, so out of scope is 404 before this.
    """

    def has_permission(self, request, view) -> bool:
        return may(request.user, view.permission)

    def has_object_permission(self, request, view, obj) -> bool:
        return may(request.user, getattr(view, "object_permission", view.permission), obj)


class TokenRateThrottle(throttling.SimpleRateThrottle):
    scope = "api_token"

    def get_rate(self) -> str:
        return settings.LSCB_API_RATE

    def get_cache_key(self, request, view) -> str:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class BoundedPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"

    @property
    def page_size(self) -> int:
        return settings.LSCB_API_PAGE_SIZE

    @property
    def max_page_size(self) -> int:
        return settings.LSCB_API_MAX_PAGE_SIZE

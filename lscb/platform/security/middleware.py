"""Records permission refusals in the security log."""

from lscb.platform.security import EventKind, record_event


class RefusalAuditMiddleware:
    """A 403, or a 404 from a view that found the object out of the user's scope, for a signed-in user.

    A 404 for a URL that matches no view is not a refusal (a typo), so only resolved views count.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        status = response.status_code
        if status in (403, 404) and request.user.is_authenticated:
            if status == 403:
                record_event(request, EventKind.PERMISSION_REFUSED, method=request.method)
            elif request.resolver_match is not None:
                record_event(request, EventKind.NOT_FOUND, method=request.method)
        return response


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not send.

    - Cache-Control: no-store on every page and download unless the view chose otherwise, so safeguarding
      details are not kept by browsers or shared caches (static files are answered before this by whitenoise);
    - Permissions-Policy: the tracker uses no camera, microphone, location or payment.
    """

    PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response:
            response["Cache-Control"] = "no-store, private"
        response.setdefault("Permissions-Policy", self.PERMISSIONS_POLICY)
        return response

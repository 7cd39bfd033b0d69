"""Project-wide middleware."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    """Send the site's Content-Security-Policy: no inline scripts or styles, nothing off-site."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


def host_header_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """A request without a Host header (HTTP/1.0 allows it) gets the host Django settled on
    (``get_host`` checks it against ALLOWED_HOSTS), for libraries that read
    ``request.META["HTTP_HOST"]`` directly: python3-saml, under allauth's SAML views, would
    fail with a server error."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if "HTTP_HOST" not in request.META:
            request.META["HTTP_HOST"] = request.get_host()
        return get_response(request)

    return middleware

"""Request-wide rules: private pages are never cached, pages are compressed; the client
address for login throttling."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_cache_control


class CompressMiddleware(GZipMiddleware):
    """Gzip for pages and fragments (a 1,000-step diagram shrinks about tenfold), not streams.

    Django's gzip holds back a stream's bytes until its buffer fills, which would
    delay every live-push event; downloads stream too and are compressed already.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if response.streaming:
            return response
        return super().process_response(request, response)


class PrivatePagesMiddleware:
    """`Cache-Control: private, no-store` on every response to a logged-in user.

    Workspace pages show data only members may see: no shared proxy may keep a
    copy, and the browser must not show it again from its cache after logout.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


def client_address(request: HttpRequest) -> str | None:
    """The client's address for login throttling, from `LOGIN_CLIENT_ADDRESS_HEADER`."""
    header: str = settings.LOGIN_CLIENT_ADDRESS_HEADER
    value = request.META.get(header) or request.META.get("REMOTE_ADDR")
    # X-Forwarded-For style headers list several addresses; the first is the client.
    return value.split(",")[0].strip() if isinstance(value, str) and value else None

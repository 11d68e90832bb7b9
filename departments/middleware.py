"""Request-wide rules: private pages are never cached, pages are compressed; the client
address for login throttling."""

from __future__ import annotations

import gzip
import secrets
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils.cache import patch_cache_control, patch_vary_headers

#: gzip's level for pages and fragments. Django's 6 costs about twice the CPU of
#: 4 for a tenth less size: a whole 1,000-step diagram (2.5 MB) takes some 30 ms
#: at 6 and 15 ms at 4, on the request the facilitator waits for.
COMPRESS_LEVEL = 4


def _gzip(content: bytes, max_random_bytes: int) -> bytes:
    """`content` gzipped at COMPRESS_LEVEL, with Django's defence against BREACH.

    As Django's `compress_string`: a random file name of random length in the
    header, so the compressed length gives nothing away about secrets on the page.
    """
    data = gzip.compress(content, compresslevel=COMPRESS_LEVEL, mtime=0)
    header = bytearray(data[:10])
    header[3] = gzip.FNAME
    name = b"a" * secrets.randbelow(max_random_bytes)
    return bytes(header) + name + b"\x00" + data[10:]


class CompressMiddleware(GZipMiddleware):
    """Gzip for pages and fragments (a 1,000-step diagram shrinks about tenfold), not streams.

    Django's gzip holds back a stream's bytes until its buffer fills, which would
    delay every live-push event; downloads stream too and are compressed already.
    Django's rules otherwise (short answers and encoded ones stay as they are,
    `Vary`, weak ETags), at a cheaper level (COMPRESS_LEVEL).
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if response.streaming or not isinstance(response, HttpResponse):
            return response
        if len(response.content) < 200 or response.has_header("Content-Encoding"):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if not re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            return response
        compressed = _gzip(response.content, self.max_random_bytes)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = "gzip"
        return response


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

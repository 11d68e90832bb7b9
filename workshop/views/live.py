"""The Server-Sent Events stream of a map, for members and for share links.

The stream is served only under ASGI on PostgreSQL. Anywhere else (SQLite,
`runserver`) it answers 204, which tells the browser's EventSource to stop,
and the page keeps polling.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.contrib.auth.decorators import login_not_required
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.views.decorators.http import require_GET

from valuestreams.access import get_map_for_user

from ..access import get_share_link
from ..live import live_push_available, map_events, release_connection


def _last_seen(request: HttpRequest) -> int | None:
    # A reconnecting browser sends the last event id; the first request says
    # which version the page was rendered at.
    raw = request.headers.get("Last-Event-ID") or request.GET.get("version", "")
    return int(raw) if raw.isdigit() else None


def _can_stream(request: HttpRequest) -> bool:
    return isinstance(request, ASGIRequest) and live_push_available()


def _stream(request: HttpRequest, map_id: int) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        map_events(map_id, _last_seen(request)), content_type="text/event-stream"
    )
    response["Cache-Control"] = "no-store"
    # Proxies (nginx) must pass events through at once, not buffer them.
    response["X-Accel-Buffering"] = "no"
    return response


def _member_map_id(request: HttpRequest, slug: str, map_id: int) -> int:
    return get_map_for_user(request, slug, map_id).pk


def _shared_map_id(token: str) -> int:
    return get_share_link(token).map_id


@require_GET
async def map_stream(request: HttpRequest, slug: str, map_id: int) -> HttpResponseBase:
    """Changes of a map the user is a member of, as they are committed."""
    found = await sync_to_async(_member_map_id)(request, slug, map_id)
    if not _can_stream(request):
        return HttpResponse(status=204)
    await sync_to_async(release_connection)()
    return _stream(request, found)


@login_not_required
@require_GET
async def share_stream(request: HttpRequest, token: str) -> HttpResponseBase:
    """Changes of a shared map; the link is checked again at every reconnect."""
    found = await sync_to_async(_shared_map_id)(token)
    if not _can_stream(request):
        return HttpResponse(status=204)
    await sync_to_async(release_connection)()
    response = _stream(request, found)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response

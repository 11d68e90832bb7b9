"""Live push: PostgreSQL LISTEN/NOTIFY fanned out to Server-Sent Event streams.

Every committed change of a map bumps its version, and a database trigger
(migration 0002) then NOTIFYs the map's channel with the new version. Presence,
votes and comments NOTIFY the same channel with `overlay`. Each web process
keeps one listening connection (`Hub`), LISTENs on the channels its open
streams need and wakes those streams. No broker of our own: any number of
processes on any number of machines see every change through the database.

A stream never queues events: a subscriber keeps only the newest version it has
not sent and whether the overlay changed, so a slow client costs no memory and
gets the current state when it catches up. A client that missed versions (a
reconnect, a dropped listening connection) is sent the current version and
fetches the current state; the version is the SSE event id, so a reconnect
with Last-Event-ID resumes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import psycopg
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection

from valuestreams.models import Map

log = logging.getLogger(__name__)

CHANNEL_PREFIX = "crosswalk_map_"
OVERLAY = "overlay"
_RESYNC = "resync"
#: Comment lines keep proxies from closing an idle stream and find dead clients.
KEEPALIVE_SECONDS = 15.0
#: A stream ends after this long; the browser reconnects at once (with
#: Last-Event-ID), so access is checked again at least this often.
STREAM_SECONDS = 120.0
#: How long the hub waits for notifications before it looks at new subscriptions.
_LISTEN_TICK = 0.1


def channel_for(map_id: int) -> str:
    """The NOTIFY channel of one map."""
    return f"{CHANNEL_PREFIX}{map_id}"


def live_push_available() -> bool:
    """True when this server can push: PostgreSQL as the bus and live push switched on."""
    return connection.vendor == "postgresql" and bool(getattr(settings, "LIVE_PUSH", True))


def notify_overlay(map_id: int) -> None:
    """Tell the map's streams that presence, votes or comments changed.

    Sent inside the caller's transaction, so PostgreSQL delivers it on commit only.
    On SQLite there is nobody listening: clients poll.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_notify(%s, %s)", [channel_for(map_id), OVERLAY])


@dataclass(eq=False)
class Subscriber:
    """One open stream's mailbox: only the newest unsent state, never a queue."""

    version: int | None = None
    overlay: bool = False
    resync: bool = False
    wake: asyncio.Event = field(default_factory=asyncio.Event)

    def deliver(self, payload: str) -> None:
        if payload == OVERLAY:
            self.overlay = True
        elif payload == _RESYNC:
            self.resync = True
        else:
            with contextlib.suppress(ValueError):
                self.version = max(int(payload), self.version or 0)
        self.wake.set()


def _conninfo() -> dict[str, Any]:
    db = settings.DATABASES["default"]
    params = {
        "dbname": db.get("NAME"),
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": str(db["PORT"]) if db.get("PORT") else None,
    }
    for key in ("sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout"):
        if key in db.get("OPTIONS", {}):
            params[key] = db["OPTIONS"][key]
    return {k: v for k, v in params.items() if v is not None}


class Hub:
    """The process's one LISTEN connection and the streams waiting on each channel."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.subscribers: dict[str, set[Subscriber]] = defaultdict(set)
        self.listening: set[str] = set()
        self.ready: dict[str, list[asyncio.Future[None]]] = defaultdict(list)
        self.task: asyncio.Task[None] | None = None

    async def subscribe(self, channel: str) -> Subscriber:
        """A new mailbox on `channel`; returns once the channel is LISTENed to."""
        sub = Subscriber()
        self.subscribers[channel].add(sub)
        if channel not in self.listening:
            future: asyncio.Future[None] = self.loop.create_future()
            self.ready[channel].append(future)
            self._start()
            await future
        return sub

    def unsubscribe(self, channel: str, sub: Subscriber) -> None:
        """Drop a mailbox; the channel is UNLISTENed at the next tick when it was the last."""
        subs = self.subscribers.get(channel)
        if subs is not None:
            subs.discard(sub)
            if not subs:
                del self.subscribers[channel]

    def _start(self) -> None:
        if self.task is None or self.task.done():
            self.task = self.loop.create_task(self._run())

    def _dispatch(self, channel: str, payload: str) -> None:
        for sub in self.subscribers.get(channel, ()):
            sub.deliver(payload)

    async def _sync_channels(self, conn: psycopg.AsyncConnection[Any]) -> None:
        wanted = set(self.subscribers) | set(self.ready)
        for channel in wanted - self.listening:
            await conn.execute(f'LISTEN "{channel}"')
            self.listening.add(channel)
        for channel in self.listening - wanted:
            await conn.execute(f'UNLISTEN "{channel}"')
            self.listening.discard(channel)
        for channel in list(self.ready):
            for future in self.ready.pop(channel):
                if not future.done():
                    future.set_result(None)

    async def _run(self) -> None:
        first = True
        while self.subscribers or self.ready:
            try:
                async with await psycopg.AsyncConnection.connect(
                    **_conninfo(), autocommit=True
                ) as conn:
                    self.listening = set()
                    if not first:
                        # Notifications may have been lost while reconnecting.
                        for channel in list(self.subscribers):
                            self._dispatch(channel, _RESYNC)
                    first = False
                    while self.subscribers or self.ready:
                        await self._sync_channels(conn)
                        async for note in conn.notifies(timeout=_LISTEN_TICK):
                            self._dispatch(note.channel, note.payload)
            except (psycopg.Error, OSError) as error:
                log.warning("live push: listening connection lost (%s); reconnecting", error)
                await asyncio.sleep(1.0)
        self.listening = set()


_hubs: dict[asyncio.AbstractEventLoop, Hub] = {}


def hub() -> Hub:
    """The hub of the running event loop (one per worker process)."""
    loop = asyncio.get_running_loop()
    found = _hubs.get(loop)
    if found is None:
        for old in [key for key in _hubs if key.is_closed()]:
            del _hubs[old]
        found = _hubs[loop] = Hub()
    return found


def sse(event: str, data: str, event_id: int | None = None) -> str:
    """One Server-Sent Event."""
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event}\ndata: {data}\n\n"


def release_connection() -> None:
    """Close this request's database connection; call it from the request's sync thread.

    Under ASGI every request runs its sync code in a thread of its own with its
    own connection, kept until the request ends. A stream lasts minutes, so it
    must hand its connection back, or 500 viewers would need 500 connections.
    """
    connection.close()


@sync_to_async
def _current_version(map_id: int) -> int | None:
    try:
        return Map.objects.filter(pk=map_id).values_list("version", flat=True).first()
    finally:
        release_connection()


async def map_events(map_id: int, last_seen: int | None) -> AsyncIterator[str]:
    """The stream of one map: its version now (unless the client has it), then every change.

    Events: `version` (id and data are the map's version: fetch the new state)
    and `overlay` (presence, votes or comments changed). Ends after
    STREAM_SECONDS or when the map is deleted; the browser reconnects.
    """
    channel = channel_for(map_id)
    the_hub = hub()
    sub = await the_hub.subscribe(channel)
    try:
        yield "retry: 1000\n\n"
        # Read after LISTEN is active, so no change can fall between the two.
        sent = await _current_version(map_id)
        if sent is None:
            return
        if sent != last_seen:
            yield sse("version", str(sent), sent)
        deadline = the_hub.loop.time() + STREAM_SECONDS
        while (left := deadline - the_hub.loop.time()) > 0:
            try:
                await asyncio.wait_for(sub.wake.wait(), timeout=min(KEEPALIVE_SECONDS, left))
            except TimeoutError:
                yield ": keepalive\n\n"
                continue
            sub.wake.clear()
            if sub.resync:
                sub.resync = False
                sub.version = await _current_version(map_id)
                if sub.version is None:
                    return
                sub.overlay = True
            if sub.version is not None and sub.version > sent:
                sent = sub.version
                yield sse("version", str(sent), sent)
            if sub.overlay:
                sub.overlay = False
                yield sse(OVERLAY, "{}")
    finally:
        the_hub.unsubscribe(channel, sub)

"""The poll gate: "nothing changed" answered before Django, in one query.

Every viewer of the editor or presentation mode asks every 2 s whether the
map changed (`valuestreams.views.editor.map_poll`, and for people watching
through a share link, `workshop.views.share.share_poll`). Nearly always it has not,
and Django's answer, a 204, costs the whole middleware stack, the session's
two queries, a thread hop and, under ASGI, a new database connection: about a
hundred answers a second on two cores. This small ASGI app sits in front of
Django (config/asgi.py) and answers only that 204 itself:

- only ``GET`` on the URL Django resolves to ``map_poll``, carrying a valid poll
  token (`valuestreams.polltoken`) for that map and for the session cookie the
  request sends, on an allowed host, over HTTPS when the site redirects to it;
- then one prepared query on a connection this process keeps (async psycopg)
  reads the map's version where the map's id and workspace slug both match the
  URL, the token's user is an active member of that workspace and the session
  is still open;
- or ``GET`` on the URL of ``share_poll``: one query reads the version of the map
  behind the link's token where the link is neither revoked nor expired (as
  `workshop.access.get_share_link`), and the 204 carries the share views' headers;
- 204 when that version is the one the client has.

Anything else, and any doubt (no or bad token, another version, not a member,
a database error), goes to Django unchanged, which stays the one place that
decides every other answer (the changed fragment, 404, the login redirect).
On SQLite or with sessions kept elsewhere than the database there is no gate.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl

import psycopg
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.handlers.asgi import get_script_prefix
from django.db import connection
from django.db.models import Field, Model
from django.http.cookie import parse_cookie
from django.http.request import split_domain_port, validate_host
from django.urls import Resolver404, resolve

from departments.models import Membership, Workspace, token_digest
from valuestreams.models import Map
from valuestreams.polltoken import read_poll_token

from .live import _conninfo
from .models import ShareLink

log = logging.getLogger(__name__)

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[Mapping[str, Any]]]
Send = Callable[[Mapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

POLL_URL_NAME = "map_poll"
SHARE_POLL_URL_NAME = "share_poll"
#: A query slower than this is given up (the poll goes to Django) and the connection renewed.
QUERY_SECONDS = 2.0
#: After a failed connection, polls go to Django this long before the next try.
RETRY_SECONDS = 1.0


#: Session engines that keep sessions in the database table the gate's query reads.
DB_SESSION_ENGINES = frozenset(
    {"django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"}
)


def poll_gate(app: ASGIApp) -> ASGIApp:
    """`app` behind the gate, or `app` itself where the gate cannot apply (SQLite…)."""
    if connection.vendor != "postgresql" or settings.SESSION_ENGINE not in DB_SESSION_ENGINES:
        return app
    return PollGate(app)


def _col(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, Field) and field.column
    return connection.ops.quote_name(field.column)


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def statement() -> str:
    """The gate's one query, named from the models (parameters: map, slug, user, session)."""
    user = get_user_model()
    m, w, ms, u, s = Map, Workspace, Membership, user, Session
    return (
        f"SELECT m.{_col(m, 'version')} FROM {_table(m)} m"
        f" JOIN {_table(w)} w ON w.{_col(w, 'id')} = m.{_col(m, 'workspace')}"
        f" JOIN {_table(ms)} ms ON ms.{_col(ms, 'workspace')} = m.{_col(m, 'workspace')}"
        f" JOIN {_table(u)} u ON u.{_col(u, 'id')} = ms.{_col(ms, 'user')}"
        f" WHERE m.{_col(m, 'id')} = %s AND w.{_col(w, 'slug')} = %s"
        f" AND ms.{_col(ms, 'user')} = %s AND u.{_col(u, 'is_active')}"
        f" AND EXISTS (SELECT 1 FROM {_table(s)} s WHERE s.{_col(s, 'session_key')} = %s"
        f" AND s.{_col(s, 'expire_date')} > now())"
    )


def share_statement() -> str:
    """The query of a share link's poll (parameter: the token's digest)."""
    m, link = Map, ShareLink
    return (
        f"SELECT m.{_col(m, 'version')} FROM {_table(link)} l"
        f" JOIN {_table(m)} m ON m.{_col(m, 'id')} = l.{_col(link, 'map')}"
        f" WHERE l.{_col(link, 'token_hash')} = %s AND l.{_col(link, 'revoked_at')} IS NULL"
        f" AND (l.{_col(link, 'expires_at')} IS NULL OR l.{_col(link, 'expires_at')} > now())"
    )


def poll_target(path_info: str) -> tuple[str, int] | str | None:
    """What `path_info` polls: (slug, map id) for the editor's poll, the link's token
    for a share link's poll (`share_poll`), else None.

    Resolved once a path; a map poll's answer is remembered (every viewer of a map
    asks the same path), a share poll's is not: its token is a secret, not kept in
    memory longer than its request.
    """
    found = _MAP_POLLS.get(path_info)
    if found is not None:
        return found
    try:
        match = resolve(path_info)
    except Resolver404:
        return None
    if match.url_name == SHARE_POLL_URL_NAME:
        return str(match.kwargs["token"])
    if match.url_name != POLL_URL_NAME:
        return None
    if len(_MAP_POLLS) >= 1024:
        _MAP_POLLS.clear()
    found = _MAP_POLLS[path_info] = (str(match.kwargs["slug"]), int(match.kwargs["map_id"]))
    return found


_MAP_POLLS: dict[str, tuple[str, int]] = {}


def _headers(scope: Scope) -> dict[bytes, bytes]:
    found: dict[bytes, bytes] = {}
    for name, value in scope.get("headers", ()):
        # A repeated header is a doubt, left to Django (it joins or picks).
        found[name] = value if name not in found else b""
    return found


class PollGate:
    """An ASGI app answering unchanged viewer polls itself; the rest goes to Django."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.sql = statement()
        self.share_sql = share_statement()
        self.session_cookie = settings.SESSION_COOKIE_NAME
        self.max_fields = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        hosts = list(settings.ALLOWED_HOSTS)
        if settings.DEBUG and not hosts:  # as Django's HttpRequest.get_host
            hosts = [".localhost", "127.0.0.1", "[::1]"]
        self.allowed_hosts = hosts
        self.answer_headers = self._answer_headers()
        # A share view's own headers (workshop.views.share._noindex) replace the common ones.
        share = {b"cache-control": b"private, no-store", b"referrer-policy": b"no-referrer"}
        self.share_answer_headers = [
            (name, share.get(name, value)) for name, value in self.answer_headers
        ] + [(b"x-robots-tag", b"noindex, nofollow")]
        if not settings.SECURE_REFERRER_POLICY:
            self.share_answer_headers.append((b"referrer-policy", b"no-referrer"))
        self.connections: dict[asyncio.AbstractEventLoop, _Connection] = {}

    @staticmethod
    def _answer_headers() -> list[tuple[bytes, bytes]]:
        # The headers of Django's 204 that mean something without a body: never
        # cached (PrivatePagesMiddleware), and what SecurityMiddleware and
        # XFrameOptionsMiddleware add. No Content-Language, CSP: there is no content.
        headers = [(b"cache-control", b"private, no-store"), (b"vary", b"Cookie")]
        if settings.SECURE_CONTENT_TYPE_NOSNIFF:
            headers.append((b"x-content-type-options", b"nosniff"))
        if settings.SECURE_REFERRER_POLICY:
            policy = settings.SECURE_REFERRER_POLICY
            value = policy if isinstance(policy, str) else ",".join(policy)
            headers.append((b"referrer-policy", value.encode()))
        if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
            headers.append(
                (b"cross-origin-opener-policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY.encode())
            )
        headers.append((b"x-frame-options", settings.X_FRAME_OPTIONS.upper().encode()))
        return headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        # One string test keeps the gate's cost off every other request.
        if scope.get("method") == "GET" and path.endswith("/poll/"):
            headers = _headers(scope)
            secure = self._secure(scope, headers)
            unchanged = await self._unchanged(scope, path, headers, secure)
            if unchanged:
                answer = list(
                    self.answer_headers if unchanged == "map" else self.share_answer_headers
                )
                if secure and settings.SECURE_HSTS_SECONDS:
                    answer.append((b"strict-transport-security", _hsts().encode()))
                await send({"type": "http.response.start", "status": 204, "headers": answer})
                await send({"type": "http.response.body", "body": b""})
                return
        await self.app(scope, receive, send)

    async def _unchanged(
        self, scope: Scope, path: str, headers: dict[bytes, bytes], secure: bool
    ) -> str:
        """Which poll ("map" or "share") is unchanged, only when every check passes and
        the stored version is the client's; "" otherwise."""
        target = poll_target(path.removeprefix(get_script_prefix(scope)))
        if target is None or not self._host_allowed(headers):
            return ""
        if settings.SECURE_SSL_REDIRECT and not secure:
            return ""
        query = self._query(scope)
        if isinstance(target, str):  # a share link's token
            version = query.get("version")
            stored = await self._fetch(self.share_sql, (token_digest(target),)) if version else None
            return "share" if stored is not None and version == str(stored) else ""
        cookies = parse_cookie(headers.get(b"cookie", b"").decode("latin-1"))
        session_key = cookies.get(self.session_cookie, "")
        version, token = query.get("version"), query.get("t")
        if not (version and token and session_key):
            return ""
        grant = read_poll_token(token, session_key=session_key)
        if grant is None or grant.map_id != target[1]:
            return ""
        slug, map_id = target
        stored = await self._fetch(self.sql, (map_id, slug, grant.user_id, session_key))
        return "map" if stored is not None and version == str(stored) else ""

    def _query(self, scope: Scope) -> dict[str, str]:
        raw = scope.get("query_string", b"").decode("latin-1")
        try:
            pairs = parse_qsl(raw, keep_blank_values=True, max_num_fields=self.max_fields)
        except ValueError:
            return {}
        values: dict[str, str] = {}
        for name, value in pairs:
            # The same name twice: Django would take the last, the gate takes none.
            values[name] = value if name not in values else ""
        return values

    def _host_allowed(self, headers: dict[bytes, bytes]) -> bool:
        host = headers.get(b"host", b"")
        if settings.USE_X_FORWARDED_HOST and b"x-forwarded-host" in headers:
            host = headers[b"x-forwarded-host"]
        domain, _port = split_domain_port(host.decode("latin-1"))
        return bool(domain) and validate_host(domain, self.allowed_hosts)

    @staticmethod
    def _secure(scope: Scope, headers: dict[bytes, bytes]) -> bool:
        proxy = settings.SECURE_PROXY_SSL_HEADER
        if proxy:
            header, secure_value = proxy
            name = header.removeprefix("HTTP_").replace("_", "-").lower().encode()
            value = headers.get(name)
            if value is not None:
                return bool(value.decode("latin-1").split(",", 1)[0].strip() == secure_value)
        return bool(scope.get("scheme") == "https")

    async def _fetch(self, sql: str, params: tuple[Any, ...]) -> int | None:
        loop = asyncio.get_running_loop()
        conn = self.connections.get(loop)
        if conn is None:
            for old in [key for key in self.connections if key.is_closed()]:
                del self.connections[old]
            conn = self.connections[loop] = _Connection()
        return await conn.fetch_version(sql, params)


def _hsts() -> str:
    value = f"max-age={settings.SECURE_HSTS_SECONDS}"
    if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
        value += "; includeSubDomains"
    if settings.SECURE_HSTS_PRELOAD:
        value += "; preload"
    return value


class _Connection:
    """The event loop's one database connection for the gate, opened on first use.

    psycopg queues the loop's concurrent queries on it; each is a single
    indexed read, so one connection per worker process keeps up with more
    polls than the process can parse. Lost or failing: closed, and the polls
    go to Django until a new one is open.
    """

    def __init__(self) -> None:
        self.conn: psycopg.AsyncConnection[Any] | None = None
        self.opening = asyncio.Lock()
        self.retry_at = 0.0

    async def _open(self) -> psycopg.AsyncConnection[Any] | None:
        async with self.opening:
            if self.conn is not None and not self.conn.closed:
                return self.conn
            loop = asyncio.get_running_loop()
            if loop.time() < self.retry_at:
                return None
            options = settings.DATABASES["default"].get("OPTIONS", {})
            try:
                self.conn = await psycopg.AsyncConnection.connect(
                    **{"connect_timeout": 2, **_conninfo()},
                    autocommit=True,
                    # Prepared at once; a pooler that cannot keep prepared statements
                    # says so in the database OPTIONS (prepare_threshold None), as for Django.
                    prepare_threshold=options.get("prepare_threshold", 0),
                )
            except (psycopg.Error, OSError) as error:
                log.warning("poll gate: no database connection (%s); polls go to Django", error)
                self.retry_at = loop.time() + RETRY_SECONDS
                self.conn = None
            return self.conn

    async def fetch_version(self, sql: str, params: tuple[Any, ...]) -> int | None:
        """The version the query finds, or None (no such row, or any trouble)."""
        conn = self.conn if self.conn is not None and not self.conn.closed else await self._open()
        if conn is None:
            return None
        try:
            async with asyncio.timeout(QUERY_SECONDS):
                cursor = await conn.execute(sql, params)
                row = await cursor.fetchone()
        except (psycopg.Error, OSError, TimeoutError) as error:
            log.warning("poll gate: query failed (%s); renewing the connection", error)
            if conn is self.conn:
                self.conn = None
            await conn.close()
            return None
        return int(row[0]) if row is not None else None

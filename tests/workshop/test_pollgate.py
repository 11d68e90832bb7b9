"""The poll gate in front of Django (config/asgi.py), against the real ASGI server.

Which of the two answered is told by a header, not by timing: Django's stack
always says which language it answered in (Content-Language, LanguageMiddleware),
and the gate's 204 has no content to have a language.
"""

from __future__ import annotations

import asyncio
import html
import http.client
import re
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import signing
from django.db import connection
from django.test import Client
from django.urls import reverse

from departments.models import Membership, Role
from valuestreams.polltoken import MAX_AGE_SECONDS, SALT, poll_token
from valuestreams.services import map_touch
from workshop.pollgate import PollGate, poll_gate
from workshop.services import share_link_create, share_link_revoke
from workshop.testing import asgi_server, database_url

from ..factories import map_with_steps

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the poll gate reads PostgreSQL only"
)
HTMX = {"HX-Request": "true"}
#: Headers of Django's 204 that mean something without a body: the gate's must equal them.
SECURITY_HEADERS = [
    "cache-control",
    "x-content-type-options",
    "referrer-policy",
    "cross-origin-opener-policy",
    "x-frame-options",
    "strict-transport-security",
]


class Answer:
    """Status and headers (names in lower case) of one HTTP answer, redirects not followed."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def by_django(self) -> bool:
        return "content-language" in self.headers


def get(port: int, path: str, cookie: str = "", method: str = "GET", **headers: str) -> Answer:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        sent = {"Cookie": cookie, **headers} if cookie else headers
        conn.request(method, path, headers=sent)
        response = conn.getresponse()
        body = response.read()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
    finally:
        conn.close()


def login_cookie(client: Any, user: Any) -> str:
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def page_poll_url(port: int, cookie: str, map_obj: Any) -> str:
    """The poll URL the editor page served by this server carries (token included)."""
    page = get(port, reverse("map_editor", args=[map_obj.workspace.slug, map_obj.pk]), cookie)
    assert page.status == 200
    found = re.search(r'id="diagram"[^>]*?hx-get="([^"]+)"', page.body.decode(), re.S)
    assert found is not None
    poll = html.unescape(found.group(1))
    assert "&t=" in poll
    return poll


def with_token(path: str, token: str) -> str:
    return re.sub(r"&t=[^&]*", f"&t={token}", path)


def token_of(path: str) -> str:
    found = re.search(r"&t=([^&]*)", path)
    assert found is not None
    return found.group(1)


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_an_unchanged_poll_is_answered_by_the_gate_and_a_changed_one_by_django(
    client, workspace, viewer
) -> None:
    map_obj, _ = map_with_steps(workspace)
    cookie = login_cookie(client, viewer)

    with asgi_server() as (_host, port, _process):
        poll = page_poll_url(port, cookie, map_obj)
        fast = get(port, poll, cookie, **HTMX)
        again = get(port, poll, cookie, **HTMX)
        through_django = get(port, with_token(poll, ""), cookie, **HTMX)
        map_touch(map_id=map_obj.pk)
        changed = get(port, poll, cookie, **HTMX)

    assert (fast.status, fast.by_django, fast.body) == (204, False, b"")
    assert (again.status, again.by_django) == (204, False)
    assert (through_django.status, through_django.by_django) == (204, True)
    for name in SECURITY_HEADERS:
        assert fast.headers.get(name) == through_django.headers.get(name), name
    assert fast.headers["cache-control"] == "private, no-store"
    assert (changed.status, changed.by_django) == (200, True)
    assert b'id="diagram"' in changed.body
    assert f'data-version="{map_obj.version + 1}"'.encode() in changed.body


class _Past(signing.TimestampSigner):
    def timestamp(self) -> str:
        return signing.b62_encode(int(time.time()) - MAX_AGE_SECONDS - 60)


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_a_share_link_s_unchanged_poll_is_answered_by_the_gate_with_the_share_view_s_headers(
    client, workspace, facilitator
) -> None:
    """People watching through a share link poll too; only a usable link's is answered."""
    map_obj, _ = map_with_steps(workspace)
    link, token = share_link_create(map_obj=map_obj, days=None)
    _other, other_token = share_link_create(map_obj=map_obj, days=None)

    def share_poll(token: str, version: int | None = map_obj.version) -> str:
        url = reverse("share_poll", args=[token])
        return url if version is None else f"{url}?version={version}"

    by_django = client.get(share_poll(token))
    headers = {k.lower(): v for k, v in by_django.headers.items()}

    with asgi_server() as (_host, port, _process):
        fast = get(port, share_poll(token))
        unknown = get(port, share_poll(token[:-3] + "xyz"))
        no_version = get(port, share_poll(token, None))
        map_touch(map_id=map_obj.pk)
        changed = get(port, share_poll(token))
        current = get(port, share_poll(token, map_obj.version + 1))
        share_link_revoke(link=link)
        revoked = get(port, share_poll(token, map_obj.version + 1))
        other = get(port, share_poll(other_token, map_obj.version + 1))

    assert (by_django.status_code, fast.status, fast.by_django, fast.body) == (204, 204, False, b"")
    for name in [*SECURITY_HEADERS, "x-robots-tag"]:
        assert fast.headers.get(name) == headers.get(name), name
    assert fast.headers["x-robots-tag"] == "noindex, nofollow"
    assert fast.headers["referrer-policy"] == "no-referrer"
    assert (unknown.status, unknown.by_django) == (404, True)
    assert (no_version.status, no_version.by_django) == (200, True)
    assert (changed.status, changed.by_django) == (200, True)
    assert (current.status, current.by_django) == (204, False)
    assert (revoked.status, revoked.by_django) == (404, True)
    assert (other.status, other.by_django) == (204, False)


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_every_poll_the_gate_doubts_gets_django_s_own_answer(
    client, workspace, other_workspace, viewer, outsider
) -> None:
    map_obj, _ = map_with_steps(workspace)
    other_map, _ = map_with_steps(workspace)
    # A member of both workspaces: the slug of the one with the map id of the other.
    Membership.objects.create(workspace=other_workspace, user=viewer, role=Role.VIEWER)
    cookie = login_cookie(client, viewer)
    stranger = login_cookie(Client(), outsider)

    with asgi_server() as (_host, port, _process):
        poll = page_poll_url(port, cookie, map_obj)
        token = token_of(poll)
        value = token.rsplit(":", 2)[0]
        other_poll = page_poll_url(port, cookie, other_map)
        swapped_slug = poll.replace(f"/w/{workspace.slug}/", f"/w/{other_workspace.slug}/")
        answers = {
            "tampered": get(port, with_token(poll, token[:-2] + "xx"), cookie),
            "expired": get(port, with_token(poll, _Past(salt=SALT).sign(value)), cookie),
            "another map's token": get(port, with_token(poll, token_of(other_poll)), cookie),
            "another session": get(port, poll, stranger),
            "no session": get(port, poll),
            "another workspace's slug": get(port, swapped_slug, cookie),
            "not GET": get(port, poll, cookie, method="HEAD"),
        }
        assert get(port, poll, cookie).status == 204
        Membership.objects.filter(workspace=workspace, user=viewer).delete()
        revoked = get(port, poll, cookie)
        Membership.objects.create(workspace=workspace, user=viewer, role=Role.VIEWER)
        assert not get(port, poll, cookie).by_django
        Session.objects.all().delete()  # logged out, everywhere
        logged_out = get(port, poll, cookie)

    statuses = {name: (a.status, a.by_django) for name, a in answers.items()}
    assert statuses == {
        "tampered": (204, True),
        "expired": (204, True),
        "another map's token": (204, True),
        "another session": (404, True),
        "no session": (302, True),
        "another workspace's slug": (404, True),
        "not GET": (405, True),
    }
    assert (revoked.status, revoked.by_django) == (404, True)
    assert (logged_out.status, logged_out.by_django) == (302, True)
    assert logged_out.headers["location"].startswith(reverse("login"))


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_behind_a_tls_proxy_the_gate_keeps_hsts_and_leaves_redirects_and_bad_hosts_to_django(
    client, workspace, viewer
) -> None:
    map_obj, _ = map_with_steps(workspace)
    cookie = login_cookie(client, viewer)
    tls = {"X-Forwarded-Proto": "https"}
    env = {"SECURE_PROXY_SSL_HEADER": "true", "SECURE_SSL_REDIRECT": "true"}
    env |= {"SECURE_HSTS_SECONDS": "3600", "ALLOWED_HOSTS": "127.0.0.1"}

    with asgi_server(env=env) as (_host, port, _process):
        page = get(port, reverse("map_editor", args=[workspace.slug, map_obj.pk]), cookie, **tls)
        found = re.search(r'id="diagram"[^>]*?hx-get="([^"]+)"', page.body.decode(), re.S)
        assert found is not None
        poll = html.unescape(found.group(1))
        fast = get(port, poll, cookie, **tls)
        through_django = get(port, with_token(poll, ""), cookie, **tls)
        plain_http = get(port, poll, cookie)
        bad_host = get(port, poll, cookie, Host="evil.example", **tls)

    assert (fast.status, fast.by_django) == (204, False)
    assert (through_django.status, through_django.by_django) == (204, True)
    assert fast.headers["strict-transport-security"].startswith("max-age=3600")
    for name in SECURITY_HEADERS:
        assert fast.headers.get(name) == through_django.headers.get(name), name
    assert plain_http.status == 301
    assert plain_http.headers["location"].startswith("https://")
    assert bad_host.status == 400


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_a_lost_database_connection_sends_the_poll_to_django_and_the_next_one_reconnects(
    client, workspace, viewer
) -> None:
    map_obj, _ = map_with_steps(workspace)
    cookie = login_cookie(client, viewer)
    session = cookie.split("=", 1)[1]
    token = poll_token(user_id=viewer.pk, map_id=map_obj.pk, session_key=session)
    path = reverse("map_poll", args=[workspace.slug, map_obj.pk])
    scope = {
        "type": "http",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "root_path": "",
        "query_string": f"version={map_obj.version}&t={token}".encode(),
        "headers": [(b"host", b"127.0.0.1"), (b"cookie", cookie.encode())],
    }
    passed_on: list[str] = []

    async def behind(scope: Any, receive: Any, send: Any) -> None:
        """Stands in for Django: records that the gate passed the request on."""
        passed_on.append(scope["path"])

    async def status(gate: PollGate) -> int | None:
        sent: list[dict[str, Any]] = []

        async def send(message: Any) -> None:
            sent.append(message)

        await gate(scope, None, send)
        return int(sent[0]["status"]) if sent else None

    async def scenario() -> list[int | None]:
        gate = PollGate(behind)
        first = await status(gate)
        backend = gate.connections[asyncio.get_running_loop()].conn
        assert backend is not None
        with psycopg.connect(database_url(connection.settings_dict), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [backend.info.backend_pid])
        lost = await status(gate)
        reconnected = await status(gate)
        renewed = gate.connections[asyncio.get_running_loop()].conn
        assert renewed is not None and renewed is not backend
        await renewed.close()
        return [first, lost, reconnected]

    # In a thread of its own: Playwright's tests may leave a loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, scenario()).result() == [204, None, 204]
    assert passed_on == [path]


def test_there_is_no_gate_where_it_cannot_read_the_database() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        """Any ASGI app."""

    assert (poll_gate(app) is app) == (connection.vendor != "postgresql")

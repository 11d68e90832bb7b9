"""Live push over PostgreSQL LISTEN/NOTIFY: the trigger, the stream, two server processes."""

from __future__ import annotations

import asyncio
import importlib
import re
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
import pytest
from asgiref.sync import sync_to_async
from django.db import connection, connections, transaction
from django.test import AsyncClient
from django.urls import reverse

from valuestreams.services import map_touch, stage_create
from workshop import live
from workshop.live import channel_for, notify_overlay
from workshop.sse_client import open_stream
from workshop.testing import asgi_server, database_url

from ..factories import map_with_steps


def run_async(coroutine: Any) -> Any:
    """Run a coroutine in a thread of its own: Playwright's tests leave a loop in this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="live push needs PostgreSQL (SQLite polls)"
)


def test_the_trigger_and_the_code_use_the_same_channel_names() -> None:
    migration = importlib.import_module("workshop.migrations.0002_notify_map_changes")

    assert migration.CHANNEL_PREFIX == live.CHANNEL_PREFIX
    assert channel_for(7) == "crosswalk_map_7"


def _listen(channel: str) -> psycopg.Connection:
    conn = psycopg.connect(database_url(connection.settings_dict), autocommit=True)
    conn.execute(f'LISTEN "{channel}"')
    return conn


def _received(conn: psycopg.Connection) -> list[str]:
    return [n.payload for n in conn.notifies(timeout=0.5)]


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_a_committed_change_notifies_its_map_and_a_rolled_back_one_does_not(workspace) -> None:
    map_obj, _ = map_with_steps(workspace)
    listener = _listen(channel_for(map_obj.pk))
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            map_touch(map_id=map_obj.pk)
            raise RuntimeError("rolled back")
        assert _received(listener) == []

        stage_create(map_obj=map_obj, name="Check")

        map_obj.refresh_from_db()
        assert _received(listener) == [str(map_obj.version)]
        with transaction.atomic():
            notify_overlay(map_obj.pk)
        assert _received(listener) == ["overlay"]
    finally:
        listener.close()


async def _events(response, count: int) -> list[str]:
    chunks: list[str] = []
    iterator = aiter(response.streaming_content)
    while len(chunks) < count:
        chunk = (await anext(iterator)).decode()
        if chunk.startswith(("event", "id")):
            chunks.append(chunk)
    return chunks


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_the_stream_sends_the_version_now_then_every_committed_change(workspace, viewer) -> None:
    map_obj, _ = map_with_steps(workspace)
    client = AsyncClient()

    async def scenario() -> list[str]:
        await client.aforce_login(viewer)
        url = reverse("map_stream", args=[workspace.slug, map_obj.pk])
        response = await client.get(url, {"version": "0"})
        assert response.status_code == 200
        assert response["Content-Type"] == "text/event-stream"
        first = await _events(response, 1)
        threading.Thread(target=map_touch, kwargs={"map_id": map_obj.pk}).start()
        second = await _events(response, 1)
        # Close what this event loop opened: the hub's LISTEN connection and the
        # ORM connection of the async-to-sync thread.
        task = live.hub().task
        if task is not None:
            task.cancel()
        await sync_to_async(connections.close_all)()
        return first + second

    first, second = run_async(scenario())

    v = map_obj.version
    assert first == f"id: {v}\nevent: version\ndata: {v}\n\n"
    assert second == f"id: {v + 1}\nevent: version\ndata: {v + 1}\n\n"


def _cookie_and_csrf(client, host: str, port: int, path: str) -> tuple[str, str]:
    session = client.cookies["sessionid"].value
    request = urllib.request.Request(
        f"http://{host}:{port}{path}", headers={"Cookie": f"sessionid={session}"}
    )
    with urllib.request.urlopen(request) as response:
        body = response.read().decode()
        csrf_cookie = re.search(r"csrftoken=([^;]+)", response.headers["Set-Cookie"])[1]
    token = re.search(r'"X-CSRFToken": "([^"]+)"', body)[1]
    return f"sessionid={session}; csrftoken={csrf_cookie}", token


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_a_change_through_one_server_reaches_a_stream_served_by_another(
    client, workspace, editor
) -> None:
    map_obj, _ = map_with_steps(workspace)
    client.force_login(editor)
    stream_path = reverse("map_stream", args=[workspace.slug, map_obj.pk])
    editor_path = reverse("map_editor", args=[workspace.slug, map_obj.pk])

    with asgi_server() as (host, port_a, _a), asgi_server() as (_, port_b, _b):
        cookie, csrf = _cookie_and_csrf(client, host, port_a, editor_path)

        async def scenario() -> tuple[list, list]:
            stream = await open_stream(
                host, port_b, f"{stream_path}?version={map_obj.version}", cookie=cookie
            )
            assert stream.status == 200
            resumed = await open_stream(
                host, port_b, stream_path, cookie=cookie, last_event_id=str(map_obj.version - 1)
            )
            caught_up = await asyncio.wait_for(resumed.next_event(), 5)
            post = urllib.request.Request(
                f"http://{host}:{port_a}{reverse('stage_add', args=[workspace.slug, map_obj.pk])}",
                data=b"name=Review",
                headers={"Cookie": cookie, "X-CSRFToken": csrf, "HX-Request": "true"},
            )
            await asyncio.to_thread(urllib.request.urlopen, post)
            event = await asyncio.wait_for(stream.next_event(), 5)
            stream.close()
            resumed.close()
            return [caught_up], [event]

        (caught_up,), (event,) = run_async(scenario())

    map_obj.refresh_from_db()
    assert map_obj.stages.filter(name="Review").exists()
    assert (caught_up.event, caught_up.id) == ("version", str(map_obj.version - 1))
    assert (event.event, event.id, event.data) == (
        "version",
        str(map_obj.version),
        str(map_obj.version),
    )


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_a_stream_refuses_strangers_and_ends_for_a_deleted_map(client, workspace, outsider):
    map_obj, _ = map_with_steps(workspace)
    client.force_login(outsider)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    path = reverse("map_stream", args=[workspace.slug, map_obj.pk])

    with asgi_server() as (host, port, _):

        async def scenario() -> int:
            stream = await open_stream(host, port, path, cookie=cookie)
            stream.close()
            return stream.status

        assert run_async(scenario()) == 404

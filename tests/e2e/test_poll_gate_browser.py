"""A viewer's presentation mode under ASGI on PostgreSQL, polling (live push off).

The unchanged polls are answered by the poll gate (no Content-Language: Django's
stack always sends one), a change comes through Django, and the page follows it
and polls on with the fresh URL, again answered by the gate.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from playwright.sync_api import BrowserContext, Response, expect

from tests.factories import map_with_steps
from valuestreams.services import stage_create
from workshop.testing import asgi_server

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the gate reads PostgreSQL"),
]


def test_presentation_mode_polls_through_the_gate_and_follows_a_change(
    context: BrowserContext, workspace: Any, viewer: Any
) -> None:
    map_obj, _ = map_with_steps(workspace, name="Event permit")
    client = Client()
    client.force_login(viewer)
    polls: list[tuple[int, bool, int]] = []  # status, answered by Django, version asked

    def seen(response: Response) -> None:
        if "/poll/?" in response.url:
            version = int(response.url.split("version=")[1].split("&")[0])
            django = "content-language" in response.headers
            polls.append((response.status, django, version))

    with asgi_server(env={"LIVE_PUSH": "false"}) as (host, port, _process):
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": f"http://{host}:{port}",
                }
            ]
        )
        page = context.new_page()
        page.on("response", seen)
        page.goto(
            f"http://{host}:{port}{reverse('map_present', args=[workspace.slug, map_obj.pk])}"
        )
        old = map_obj.version
        page.wait_for_function("() => document.querySelectorAll('#diagram').length === 1")
        for _ in range(40):
            if sum(1 for p in polls if p == (204, False, old)) >= 2:
                break
            page.wait_for_timeout(250)

        stage_create(map_obj=map_obj, name="Review")
        expect(page.locator("#diagram")).to_contain_text("Review", timeout=15_000)
        map_obj.refresh_from_db()
        for _ in range(40):
            if (204, False, map_obj.version) in polls:
                break
            page.wait_for_timeout(250)
        page.goto("about:blank")

    assert sum(1 for p in polls if p == (204, False, old)) >= 2
    assert (200, True, old) in polls
    assert (204, False, map_obj.version) in polls
    assert all(not django for status, django, _v in polls if status == 204)

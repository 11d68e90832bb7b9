"""In Chromium, every figure's definition shows on keyboard focus and on hover."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from tests.e2e.test_editor_browser import editor_url, log_in
from tests.factories import map_with_steps
from valuestreams.analysis import DEFINITIONS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _definition(key: str) -> str:
    with translation.override("en"):
        return str(DEFINITIONS[key].text)


def test_definitions_show_on_focus_and_hover_on_the_map_page_and_in_the_editor(
    live_server: Any, page: Page, workspace: Any, owner: Any
) -> None:
    map_obj, _steps = map_with_steps(workspace)
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, live_server, owner)

    page.goto(live_server.url + reverse("map_detail", args=[workspace.slug, map_obj.pk]))
    tip = page.locator("#analysis-wait_time_minutes-def")
    expect(tip).to_be_hidden()
    page.locator("#analysis-wait_time_minutes .figure-help").focus()
    expect(tip).to_be_visible()
    expect(tip).to_have_text(_definition("wait_time_minutes"))
    page.keyboard.press("Tab")  # focus moves on: the definition goes
    expect(tip).to_be_hidden()
    expect(page.locator("#analysis-all_steps_wait_minutes-def")).to_be_visible()
    page.locator("#analysis-handoffs dt").hover()
    expect(page.locator("#analysis-handoffs-def")).to_be_visible()

    page.goto(editor_url(live_server, map_obj))
    button = page.locator("#metric-cross .figure-help")
    expect(button).to_have_attribute("aria-describedby", "metric-cross-def")
    button.focus()
    editor_tip = page.locator("#metric-cross-def")
    expect(editor_tip).to_be_visible()
    expect(editor_tip).to_have_text(_definition("cross_department_handoffs"))
    box = editor_tip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 1280

"""The Content-Security-Policy in Chromium: our pages need nothing it refuses, and it bites."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, map_with_steps

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_inline_script_is_refused_and_reported(
    live_server: Any, page: Page, workspace: Any, owner: Any, no_csp_violations: list[str]
) -> None:
    map_obj, _steps = map_with_steps(workspace)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", owner.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/login/).*$"))
    page.goto(live_server.url + reverse("map_editor", args=[workspace.slug, map_obj.pk]))
    expect(page.locator("#diagram svg")).to_be_visible()
    # The language menu still submits on change: its handler lives in a static file.
    assert page.evaluate("document.querySelector('[data-submit-on-change]') !== null")

    page.evaluate(
        """() => {
            const s = document.createElement("script");
            s.textContent = "window.injected = true";
            document.body.appendChild(s);
        }"""
    )
    page.wait_for_timeout(200)

    assert page.evaluate("window.injected === undefined")
    assert any("script-src" in v for v in no_csp_violations), no_csp_violations
    no_csp_violations.clear()  # this one was on purpose

"""Every browser test also checks that the Content-Security-Policy refused nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page


@pytest.fixture(autouse=True)
def no_csp_violations(
    browser: Browser, context: BrowserContext, monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[str]]:
    """Collect the console's CSP reports of every context a test opens; fail if any.

    Chromium reports each refused inline script, style or eval on the console
    ("Refused to … because it violates the following Content Security Policy
    directive"): a page that needs one would silently lose behaviour or looks.
    """
    violations: list[str] = []

    def watch(ctx: BrowserContext) -> BrowserContext:
        def on_console(message: ConsoleMessage) -> None:
            if "Content Security Policy" in message.text:
                violations.append(f"{message.location.get('url', '')}: {message.text}")

        ctx.on("console", on_console)
        return ctx

    watch(context)
    new_context = browser.new_context

    def watched_new_context(*args: Any, **kwargs: Any) -> BrowserContext:
        return watch(new_context(*args, **kwargs))

    monkeypatch.setattr(browser, "new_context", watched_new_context)
    yield violations
    assert not violations, "\n".join(violations)


@pytest.fixture
def quiet_page(page: Page) -> Iterator[Page]:
    """The page, left for a blank one after the test.

    The editor and presentation mode poll and hold a live stream: a request still
    running while the test database is flushed can deadlock the flush.
    """
    yield page
    page.goto("about:blank")
    page.wait_for_timeout(300)

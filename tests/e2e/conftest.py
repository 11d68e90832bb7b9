"""Every browser test also checks that the Content-Security-Policy refused nothing."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect
from playwright.sync_api import Error as PlaywrightError

# CI shares two cores between the live server, PostgreSQL and Chromium: an answer
# can take seconds there. Assertions wait up to 15 s (Playwright's default is 5 s);
# a test that is wrong still fails, only later.
expect.set_options(timeout=15_000)

# Requests the live server is answering now: the editor polls every 2 s, and a
# request still inside its transaction (a map row lock) while the test database is
# flushed deadlocks the flush, failing the next test. Counted from Django's signals.
_in_flight = 0
_in_flight_changed = threading.Condition()


def _request_started(**_kwargs: Any) -> None:
    global _in_flight
    with _in_flight_changed:
        _in_flight += 1


def _request_finished(**_kwargs: Any) -> None:
    global _in_flight
    with _in_flight_changed:
        _in_flight = max(0, _in_flight - 1)
        _in_flight_changed.notify_all()


request_started.connect(_request_started, dispatch_uid="e2e-in-flight-started")
request_finished.connect(_request_finished, dispatch_uid="e2e-in-flight-finished")


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


@pytest.fixture(autouse=True)
def _server_idle_before_flush(
    browser: Browser,
    no_csp_violations: list[str],
    live_server: Any,
    _django_db_helper: None,
) -> Iterator[None]:
    """After each browser test: every page left for a blank one, then no request running.

    Depends on the database fixture, so it runs before the flush: nothing polls
    any more, and the live server has answered what was already on its way.
    """
    yield
    for ctx in browser.contexts:
        for open_page in ctx.pages:
            # A page the test already closed or crashed polls nothing.
            with contextlib.suppress(PlaywrightError):
                open_page.goto("about:blank")
    deadline = time.monotonic() + 15
    with _in_flight_changed:
        while _in_flight and time.monotonic() < deadline:
            _in_flight_changed.wait(0.1)

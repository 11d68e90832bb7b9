"""Fixtures shared by every test: users with roles, a second workspace, Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from departments.models import Role
from valuestreams.mapdata import forget_kept
from valuestreams.views.editor_live import forget_drawings

from .factories import MembershipFactory, UserFactory, WorkspaceFactory

# Playwright's sync API runs an event loop in the main thread; the ORM in the same
# process must be allowed to run there for live_server tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.hookimpl(trylast=True)  # after pytest-django's own ordering
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests last.

    Playwright's sync API leaves an event loop running in the main thread, and
    Django refuses to call an async view synchronously from a thread with a
    running loop: tests of the (async) live stream must run before it starts.
    """
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium with the flags this closed network needs; never a downloaded browser."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Start every test with an empty cache.

    Analysis is cached by map id and version. Between tests SQLite rolls its id
    sequence back too, so a new map can get the id of an earlier test's map. The
    editor keeps the data of maps it drew by id and version too.
    """
    cache.clear()
    forget_kept()
    forget_drawings()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Leave the default language active after every test.

    A test client request in Dutch or German activates that language in the test's
    thread and nothing turns it back: tests that follow (say, a deck's texts) would
    read German.
    """
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def workspace(db: None) -> Any:
    return WorkspaceFactory(name="Town hall", slug="town-hall")


@pytest.fixture
def other_workspace(db: None) -> Any:
    return WorkspaceFactory(name="Elsewhere", slug="elsewhere")


def _member(workspace: Any, role: Role) -> Any:
    return MembershipFactory(
        workspace=workspace, role=role, user=UserFactory(username=role.value)
    ).user


@pytest.fixture
def owner(workspace: Any) -> Any:
    return _member(workspace, Role.OWNER)


@pytest.fixture
def facilitator(workspace: Any) -> Any:
    return _member(workspace, Role.FACILITATOR)


@pytest.fixture
def editor(workspace: Any) -> Any:
    return _member(workspace, Role.EDITOR)


@pytest.fixture
def viewer(workspace: Any) -> Any:
    return _member(workspace, Role.VIEWER)


@pytest.fixture
def outsider(other_workspace: Any) -> Any:
    """A user who belongs to another workspace only."""
    return _member(other_workspace, Role.OWNER)

"""axe-core 4.12 on every main page and editor state of the demo workspace.

Each page is checked as a person meets it: logged in as the workspace's owner, the
demo loaded, the editor with each of its side panels open, presentation mode. All
pages are visited before failing, so one run lists every violation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page, expect

from departments.models import Department, Role, SharedGoal, Workspace
from tests.e2e.axe import AXE_VERSION, axe_violations, describe
from tests.e2e.test_editor_browser import log_in
from tests.factories import MembershipFactory, UserFactory
from valuestreams.models import Map

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("quiet_page"),
]


@pytest.fixture
def demo(db: None) -> Workspace:
    call_command("load_demo", "--no-user", verbosity=0)
    return Workspace.objects.get(slug="demo")


def _owner(workspace: Workspace) -> Any:
    user = UserFactory(username="axe-owner")
    MembershipFactory(workspace=workspace, role=Role.OWNER, user=user)
    return user


def _onboarding(workspace: Workspace) -> Map:
    return Map.objects.filter(workspace=workspace, state="current").order_by("pk").first()


def test_the_vendored_axe_is_version_4_12(page: Page, live_server: Any) -> None:
    page.goto(f"{live_server.url}/login/")
    assert axe_violations(page) == []
    assert page.evaluate("window.axe.version") == AXE_VERSION


def test_axe_finds_a_violation_when_there_is_one(page: Page, live_server: Any) -> None:
    """The helper is not blind: a field without a name is reported."""
    page.goto(f"{live_server.url}/login/")
    page.locator("main form").evaluate(
        "f => f.appendChild(Object.assign(document.createElement('input'), {type: 'text'}))"
    )
    assert [v["id"] for v in axe_violations(page)] == ["label"]


def test_every_main_page_has_no_wcag_a_or_aa_violation(
    page: Page, live_server: Any, demo: Workspace
) -> None:
    owner = _owner(demo)
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, live_server, owner)
    found: list[str] = []

    def check(where: str) -> None:
        violations = axe_violations(page)
        if violations:
            found.append(describe(where, violations))

    def visit(name: str, *args: Any) -> None:
        page.goto(live_server.url + reverse(name, args=args))
        check(name)

    slug = demo.slug
    onboarding = _onboarding(demo)
    visit("home")
    visit("workspace_home", slug)
    visit("dashboard", slug)
    visit("map_list", slug)
    visit("map_detail", slug, onboarding.pk)
    visit("department_list", slug)
    visit("goal_list", slug)
    visit("improvement_list", slug)
    visit("eventlog_list", slug)
    visit("member_list", slug)
    visit("persona_list", slug)
    visit("decision_right_list", slug)
    visit("invite_list", slug)
    visit("map_create", slug)
    visit("improvement_create", slug)
    visit("department_detail", slug, Department.objects.filter(workspace=demo).first().pk)
    visit("goal_detail", slug, SharedGoal.objects.filter(workspace=demo).first().pk)
    visit("map_present", slug, onboarding.pk)
    _open_map_as_text(page)
    check("presentation, the map as text open")

    for map_obj in Map.objects.filter(workspace=demo).order_by("pk"):
        visit("map_editor", slug, map_obj.pk)
    visit("map_editor", slug, onboarding.pk)
    states: list[tuple[str, Callable[[], None], str]] = [
        ("step panel", lambda: _open_first_step(page), "#step_title"),
        ("add panel", lambda: _open_first_add(page), "#side-panel .add-form"),
        ("handoff panel", lambda: _open_first_handoff(page), "#side-panel [name=label]"),
        ("history panel", lambda: page.get_by_role("button", name="History").click(), "#history-h"),
    ]
    for where, open_panel, ready in states:
        open_panel()
        expect(page.locator(ready)).to_be_visible()
        check(f"editor, {where}")
    _open_map_as_text(page)
    page.locator("#diagram [tabindex='0']").focus()
    page.keyboard.press("c")
    expect(page.locator("#diagram .cw-handoff:focus")).to_have_count(1)
    check("editor, a handoff in focus and the map as text open")
    assert not found, "\n\n".join(found)


def _open_map_as_text(page: Page) -> None:
    summary = page.locator("details.map-as-text > summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator("details.map-as-text")).to_have_attribute("open", "")


def _open_first_step(page: Page) -> None:
    page.locator("#diagram .cw-step").first.focus()
    page.keyboard.press("Enter")


def _open_first_add(page: Page) -> None:
    page.locator("#diagram .cw-add").first.dispatch_event("click")


def _open_first_handoff(page: Page) -> None:
    page.locator("#diagram .cw-handoff").first.dispatch_event("click")

"""The swimlane editor in a real browser: building a map, conflicts, live viewers.

Screenshots land in test-artifacts/ (not committed) so a person can look at them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from departments.models import Role
from tests.factories import PASSWORD, MapFactory, MembershipFactory, UserFactory, map_with_steps
from tests.valuestreams.analysis.conftest import import_demo
from valuestreams.models import Handoff, Lane, Stage, Step

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"editor-{name}.png"), full_page=True)


def log_in(page: Page, live_server: Any, user: Any) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit], main input[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/login/).*$"))


def editor_url(live_server: Any, map_obj: Any) -> str:
    address: str = live_server.url
    return address + reverse("map_editor", args=[map_obj.workspace.slug, map_obj.pk])


def member(workspace: Any, role: Role, name: str) -> Any:
    return MembershipFactory(workspace=workspace, role=role, user=UserFactory(username=name)).user


def add_lane(page: Page, name: str, color: str) -> None:
    page.fill("#id_new_department", name)
    page.locator("#id_color").evaluate("(el, c) => { el.value = c; }", color)
    page.get_by_role("button", name="+ Add lane").click()
    expect(page.locator(".cw-lane-header", has_text=name)).to_be_visible()


def add_stage(page: Page, name: str) -> None:
    page.fill("#id_name", name)
    page.keyboard.press("Enter")
    expect(page.locator(".cw-stage-header", has_text=name)).to_be_visible()


def add_step(page: Page, lane: str, stage: str, title: str, *, keyboard: bool = False) -> None:
    spot = page.get_by_role("button", name=f"Add a step in {lane} × {stage}")
    if keyboard:
        spot.focus()
        page.keyboard.press("Enter")
    else:
        spot.click()
    # The previous add may already show this cell's form: typing before the one asked
    # for now arrives would go into a field about to be replaced (htmx marks the
    # asking element `htmx-request` from the moment it asks until the swap).
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    field = page.locator("#side-panel .add-form input[name=title]")
    expect(field).to_be_focused()
    page.keyboard.type(title)
    field.press("Enter")
    expect(page.locator(".cw-step", has_text=title)).to_be_visible()


def connect(page: Page, source: str, target: str) -> None:
    page.locator(".cw-step", has_text=source).click()
    expect(page.locator("#step_title")).to_have_value(source)
    page.select_option("#handoff_to_step", label=target)
    page.get_by_role("button", name="Connect", exact=True).click()
    expect(page.locator("#side-panel .handoff-list", has_text=target)).to_be_visible()


def test_a_facilitator_builds_a_map_moves_a_step_undoes_and_finds_it_saved(
    live_server: Any, page: Page, workspace: Any
) -> None:
    facilitator = member(workspace, Role.FACILITATOR, "fran")
    map_obj: Any = MapFactory(workspace=workspace, name="New hire laptop")
    page.set_viewport_size({"width": 1600, "height": 1000})
    log_in(page, live_server, facilitator)
    page.goto(editor_url(live_server, map_obj))
    shot(page, "1-empty")

    for name, color in [("HR", "#4c78a8"), ("IT", "#f58518"), ("Facilities", "#54a24b")]:
        add_lane(page, name, color)
    for name in ["Request", "Prepare", "Deliver"]:
        add_stage(page, name)

    add_step(page, "HR", "Request", "Sign contract")
    add_step(page, "HR", "Prepare", "Request laptop", keyboard=True)
    add_step(page, "IT", "Prepare", "Order laptop")
    add_step(page, "IT", "Deliver", "Install laptop", keyboard=True)
    add_step(page, "Facilities", "Prepare", "Book a desk")
    add_step(page, "Facilities", "Deliver", "Hand over badge")

    cross = page.locator("#metric-cross dd")
    expect(cross).to_have_text("0")
    connect(page, "Sign contract", "Request laptop")
    expect(cross).to_have_text("0")
    connect(page, "Request laptop", "Order laptop")
    expect(cross).to_have_text("1")
    connect(page, "Order laptop", "Install laptop")
    connect(page, "Sign contract", "Book a desk")
    expect(cross).to_have_text("2")

    # Numbers in the side panel, typed with the keyboard.
    page.locator(".cw-step", has_text="Order laptop").click()
    expect(page.locator("#step_title")).to_have_value("Order laptop")
    page.fill("#step_process_time_minutes", "30")
    page.fill("#step_lead_time_minutes", "4800")
    page.locator("#step_lead_time_minutes").press("Enter")
    expect(page.locator("#side-panel .flash.ok")).to_have_text(re.compile("Saved"))
    shot(page, "2-built")

    # Move "Order laptop" from IT up into HR with the keyboard (Alt+Up).
    order = page.locator(".cw-step", has_text="Order laptop")
    order.focus()
    page.keyboard.press("Alt+ArrowUp")
    hr_lane = Lane.objects.get(map=map_obj, department__name="HR")
    expect(page.locator(".cw-step", has_text="Order laptop")).to_have_attribute(
        "data-lane-id", str(hr_lane.pk)
    )
    # HR → HR now, but HR → IT for the install: still 2 crossings.
    expect(cross).to_have_text("2")
    shot(page, "3-moved")

    # Undo with the button: the step goes back to IT.
    page.get_by_role("button", name=re.compile(r"^Undo: Moved step")).click()
    it_lane = Lane.objects.get(map=map_obj, department__name="IT")
    expect(page.locator(".cw-step", has_text="Order laptop")).to_have_attribute(
        "data-lane-id", str(it_lane.pk)
    )

    # Drag "Book a desk" with the mouse into IT × Deliver, then undo with Ctrl+Z.
    desk = page.locator(".cw-step", has_text="Book a desk")
    target = page.locator(
        f'.cw-cell[data-lane-id="{it_lane.pk}"]'
        f'[data-stage-id="{Stage.objects.get(map=map_obj, name="Deliver").pk}"]'
    )
    box, goal = desk.bounding_box(), target.bounding_box()
    assert box is not None and goal is not None
    page.mouse.move(box["x"] + 40, box["y"] + 20)
    page.mouse.down()
    page.mouse.move(box["x"] + 80, box["y"] + 40, steps=4)
    page.mouse.move(goal["x"] + goal["width"] / 2, goal["y"] + goal["height"] - 10, steps=8)
    page.mouse.up()
    expect(page.locator(".cw-step", has_text="Book a desk")).to_have_attribute(
        "data-lane-id", str(it_lane.pk)
    )
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+z")
    facilities = Lane.objects.get(map=map_obj, department__name="Facilities")
    expect(page.locator(".cw-step", has_text="Book a desk")).to_have_attribute(
        "data-lane-id", str(facilities.pk)
    )

    page.reload()
    for title in ["Sign contract", "Request laptop", "Order laptop", "Install laptop"]:
        expect(page.locator(".cw-step", has_text=title)).to_be_visible()
    expect(page.locator("#metric-cross dd")).to_have_text("2")
    shot(page, "4-reloaded")
    assert Step.objects.filter(map=map_obj).count() == 6
    assert Handoff.objects.filter(map=map_obj).count() == 4
    order_step = Step.objects.get(map=map_obj, title="Order laptop")
    assert order_step.lane_id == it_lane.pk
    assert (order_step.process_time_minutes, order_step.lead_time_minutes) == (30, 4800)


def test_two_editors_change_the_same_step_and_the_second_sees_the_newer_value(
    live_server: Any, browser: Browser, workspace: Any
) -> None:
    map_obj, (first, _second) = map_with_steps(workspace, name="Permit")
    people = [member(workspace, Role.EDITOR, "ann"), member(workspace, Role.EDITOR, "bob")]
    pages = []
    for person in people:
        context = browser.new_context(viewport={"width": 1500, "height": 950})
        page = context.new_page()
        log_in(page, live_server, person)
        page.goto(editor_url(live_server, map_obj))
        page.locator(f"#step-{first.pk}").click()
        expect(page.locator("#step_title")).to_have_value("Ask for it")
        pages.append(page)
    ann, bob = pages

    ann.fill("#step_title", "Ask for the permit")
    ann.get_by_role("button", name="Save step").click()
    expect(ann.locator("#side-panel .flash.ok")).to_be_visible()

    bob.fill("#step_title", "Ask by phone")
    bob.get_by_role("button", name="Save step").click()
    conflict = bob.locator("#conflict")
    expect(conflict).to_contain_text("Someone else changed this step")
    expect(conflict.locator("td.theirs")).to_have_text("Ask for the permit")
    expect(conflict.locator("td.mine")).to_have_text("Ask by phone")
    shot(bob, "5-conflict")
    assert Step.objects.get(pk=first.pk).title == "Ask for the permit"

    bob.get_by_role("button", name="Apply mine on top").click()
    expect(bob.locator("#side-panel .flash.ok")).to_be_visible()
    assert Step.objects.get(pk=first.pk).title == "Ask by phone"
    # Ann's diagram follows within the polling interval.
    expect(ann.locator(f"#step-{first.pk}")).to_contain_text("Ask by phone", timeout=3000)


def test_a_viewer_sees_the_facilitators_change_within_three_seconds_without_controls(
    live_server: Any, browser: Browser, workspace: Any
) -> None:
    map_obj, (first, _second) = map_with_steps(workspace, name="Permit")
    facilitator = member(workspace, Role.FACILITATOR, "fran")
    viewer = member(workspace, Role.VIEWER, "vic")

    watch = browser.new_context(viewport={"width": 1500, "height": 950}).new_page()
    log_in(watch, live_server, viewer)
    watch.goto(editor_url(live_server, map_obj))
    expect(watch.locator(f"#step-{first.pk}")).to_be_visible()
    assert watch.locator("#side-panel").count() == 0
    assert watch.locator(".cw-add").count() == 0
    assert watch.get_by_role("button", name=re.compile("Undo|Redo|Delete")).count() == 0

    edit = browser.new_context(viewport={"width": 1500, "height": 950}).new_page()
    log_in(edit, live_server, facilitator)
    edit.goto(editor_url(live_server, map_obj))
    edit.locator(f"#step-{first.pk}").click()
    edit.fill("#step_title", "Apply online")
    edit.get_by_role("button", name="Save step").click()
    expect(edit.locator("#side-panel .flash.ok")).to_be_visible()

    expect(watch.locator(f"#step-{first.pk}")).to_contain_text("Apply online", timeout=3000)
    # Clicking a step as a viewer opens nothing.
    watch.locator(f"#step-{first.pk}").click()
    assert watch.locator("#side-panel").count() == 0
    shot(watch, "6-viewer")

    present = watch.context.new_page()
    present.goto(live_server.url + reverse("map_present", args=[workspace.slug, map_obj.pk]))
    expect(present.locator(f"#step-{first.pk}")).to_contain_text("Apply online")
    shot(present, "7-present")


def test_a_hotspots_reasons_stay_over_the_diagram_not_the_side_panel(
    live_server: Any, page: Page, workspace: Any
) -> None:
    """At 1280×800 the onboarding map's hotspots at the diagram's visible right edge
    gave their reasons over the side panel's fields."""
    onboarding = import_demo(workspace, "onboarding_current")
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, live_server, member(workspace, Role.FACILITATOR, "fran"))
    page.goto(editor_url(live_server, onboarding))
    hotspots = page.locator("#diagram .cw-hotspot")
    assert hotspots.count() >= 2
    tooltip = page.locator("#cw-tooltip")
    shown = 0
    for i in range(hotspots.count()):
        card = hotspots.nth(i)
        card.scroll_into_view_if_needed()
        # Read after scrolling: the boxes are where the screen shows them now.
        box = card.bounding_box()
        wrap = page.locator("#diagram").bounding_box()
        panel = page.locator("#side-panel").bounding_box()
        assert box is not None and wrap is not None and panel is not None
        if box["x"] + box["width"] > wrap["x"] + wrap["width"]:
            continue  # only partly in view: the pointer cannot rest on all of it
        card.locator("rect.cw-card").hover()
        expect(tooltip).to_be_visible()
        reasons = card.locator("desc").text_content() or ""
        expect(tooltip).to_have_text(reasons)
        tip = tooltip.bounding_box()
        assert tip is not None
        assert tip["x"] >= wrap["x"] and tip["x"] + tip["width"] <= wrap["x"] + wrap["width"]
        assert tip["x"] + tip["width"] <= panel["x"], "the reasons cover the side panel"
        assert tip["y"] + tip["height"] <= 800
        shown += 1
        page.mouse.move(0, 0)
        expect(tooltip).to_be_hidden()
    assert shown >= 2

"""The editor and presentation mode by keyboard alone, and how they fit the screen.

No test here clicks: focus moves with Tab and the arrow keys, choices are made with
Enter and typing, as a keyboard or switch user works. Screenshots land in
test-artifacts/ (not committed) so a person can look at them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from departments.models import Role
from tests.e2e.axe import assert_accessible
from tests.e2e.test_editor_browser import editor_url, log_in, member
from tests.factories import MapFactory
from tests.valuestreams.analysis.conftest import import_demo
from valuestreams.models import Handoff, Lane, Stage, Step

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("quiet_page"),
]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TAB_STOP = "#diagram [tabindex='0']"


def shot(page: Page, name: str, full_page: bool = False) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"keyboard-{name}.png"), full_page=full_page)


def focused(page: Page, selector: str) -> bool:
    return bool(page.evaluate("s => document.activeElement?.matches(s) ?? false", selector))


def tab_to(page: Page, selector: str, limit: int = 200) -> None:
    """Press Tab until the element in focus matches ``selector``."""
    for _ in range(limit):
        if focused(page, selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} not reached with {limit} Tabs")


def wait_focused(page: Page, selector: str) -> None:
    """Wait until ``selector`` has the focus (a live swap may hold it a moment)."""
    page.wait_for_function("s => document.activeElement?.matches(s) ?? false", arg=selector)


def active(page: Page, attribute: str) -> str | None:
    value: str | None = page.evaluate(
        "a => document.activeElement && document.activeElement.getAttribute(a)", attribute
    )
    return value


def go_to_cell(page: Page, lane: Lane, stage: Stage, stage_index: int) -> None:
    """From the diagram's Tab stop to the "+" of ``lane`` × ``stage`` by arrow keys.

    Tried again from the start when a swap (a poll, a settling panel) took the focus
    away mid-way, as a person would.
    """
    target = f'.cw-add[data-lane-id="{lane.pk}"][data-stage-id="{stage.pk}"]'
    for _attempt in range(3):
        tab_to(page, TAB_STOP)
        page.keyboard.press("Control+Home")
        for _ in range(stage_index):
            page.keyboard.press("ArrowRight")
        for _ in range(60):
            if focused(page, target) or not focused(page, "#diagram *"):
                break
            page.keyboard.press("ArrowDown")
        if focused(page, target):
            return
    raise AssertionError(f"the arrow keys did not reach {target}")


def add_step_by_keys(page: Page, lane: Lane, stage: Stage, stage_index: int, title: str) -> None:
    go_to_cell(page, lane, stage, stage_index)
    page.keyboard.press("Enter")
    # The panel of this cell: after a save, the next cell's panel is already open.
    form = (
        f"#side-panel .add-form:has(input[name=lane][value='{lane.pk}'])"
        f":has(input[name=stage][value='{stage.pk}'])"
    )
    title_field = f"{form} input[name=title]"
    expect(page.locator(title_field)).to_be_visible()
    if not focused(page, title_field):  # the panel's focus handling may differ; keys still reach it
        tab_to(page, title_field)
    page.keyboard.type(title)
    page.keyboard.press("Enter")
    expect(page.locator(".cw-step", has_text=title)).to_have_count(1)
    # The new step is in view inside the diagram's scroll box.
    page.wait_for_function(
        """t => { const s = [...document.querySelectorAll('#diagram .cw-step')]
            .find(g => g.textContent.includes(t));
          if (!s) return false;
          const r = s.getBoundingClientRect();
          const w = document.getElementById('diagram').getBoundingClientRect();
          return r.left >= w.left && r.right <= w.right
            && r.top >= w.top && r.bottom <= w.bottom; }""",
        arg=title,
    )


def connect_by_keys(page: Page, source: Step, target_title: str) -> None:
    tab_to(page, TAB_STOP)
    for _ in range(80):
        if active(page, "data-step-id") == str(source.pk):
            break
        page.keyboard.press("ArrowRight" if _ % 8 < 4 else "ArrowDown")
    if active(page, "data-step-id") != str(source.pk):
        # Walk every item of the grid in order: down each cell, then on to the next stage.
        page.keyboard.press("Control+Home")
        while active(page, "data-step-id") != str(source.pk):
            page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("#step_title")).to_have_value(source.title)
    tab_to(page, "#handoff_to_step")
    page.keyboard.type(target_title[:12])
    tab_to(page, "form:has(#handoff_to_step) button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#side-panel .handoff-list", has_text=target_title)).to_be_visible()


def test_a_facilitator_builds_a_twelve_step_map_across_four_departments_by_keyboard_alone(
    live_server: Any, page: Page, workspace: Any
) -> None:
    facilitator = member(workspace, Role.FACILITATOR, "kim")
    map_obj: Any = MapFactory(workspace=workspace, name="Keyboard onboarding")
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, live_server, facilitator)
    page.goto(editor_url(live_server, map_obj))

    for name in ["HR", "IT", "Facilities", "Service Desk"]:
        tab_to(page, "#id_new_department")
        page.keyboard.type(name)
        page.keyboard.press("Enter")
        expect(page.locator(".cw-lane-header", has_text=name)).to_be_visible()
    for name in ["Before", "Day one", "Week one"]:
        tab_to(page, "#id_name")
        page.keyboard.type(name)
        page.keyboard.press("Enter")
        expect(page.locator(".cw-stage-header", has_text=name)).to_be_visible()

    lanes = list(Lane.objects.filter(map=map_obj).order_by("position"))
    stages = list(Stage.objects.filter(map=map_obj).order_by("position"))
    plan = [
        (0, 0, "Sign contract"),
        (0, 0, "Register new hire"),
        (1, 0, "Create account"),
        (1, 0, "Prepare laptop"),
        (2, 0, "Assign desk"),
        (3, 0, "Check access request"),
        (0, 1, "Welcome talk"),
        (3, 1, "Hand out laptop"),
        (2, 1, "Hand over badge"),
        (1, 2, "Grant application access"),
        (3, 2, "Resolve first tickets"),
        (0, 2, "Check-in with manager"),
    ]
    for lane_index, stage_index, title in plan:
        add_step_by_keys(page, lanes[lane_index], stages[stage_index], stage_index, title)

    steps = {s.title: s for s in Step.objects.filter(map=map_obj)}
    assert len(steps) == 12
    assert len({s.lane_id for s in steps.values()}) == 4
    # Every step landed where the arrow keys said.
    for lane_index, stage_index, title in plan:
        step = steps[title]
        assert (step.lane_id, step.stage_id) == (lanes[lane_index].pk, stages[stage_index].pk)

    connect_by_keys(page, steps["Register new hire"], "Create account")
    connect_by_keys(page, steps["Create account"], "Prepare laptop")
    assert Handoff.objects.filter(map=map_obj).count() == 2

    # The diagram is one Tab stop, and its handoffs are reachable with C.
    tab_to(page, TAB_STOP)
    assert page.locator("#diagram [tabindex='0']").count() == 1
    page.keyboard.press("Control+Home")
    for _ in range(40):
        if active(page, "data-step-id") == str(steps["Create account"].pk):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("c")
    wait_focused(page, ".cw-handoff")
    first = active(page, "aria-label") or ""
    assert first.startswith("from “Create account” (IT) to “Prepare laptop” (IT)")
    page.keyboard.press("c")
    second = active(page, "aria-label") or ""
    assert second.startswith("from “Register new hire” (HR) to “Create account” (IT)")
    assert "across departments" in second
    shot(page, "handoff-in-focus")
    page.keyboard.press("Enter")
    expect(page.locator("#side-panel h2", has_text="Handoff")).to_be_visible()
    tab_to(page, TAB_STOP)
    # Back to the diagram: on the handoff, Escape returns to its step; the answer that
    # opened the panel may already have made the selected step the Tab stop.
    if focused(page, ".cw-handoff"):
        page.keyboard.press("Escape")
    wait_focused(page, f"#step-{steps['Create account'].pk}")
    # Tab leaves the diagram at once: it is a single stop.
    page.keyboard.press("Tab")
    assert not page.evaluate("!!document.activeElement.closest('#diagram')")
    shot(page, "built-by-keyboard", full_page=True)
    assert_accessible(page, "editor after building by keyboard")


@pytest.fixture
def onboarding(workspace: Any) -> Any:
    return import_demo(workspace, "onboarding_current")


def present_url(live_server: Any, map_obj: Any) -> str:
    address: str = live_server.url
    return address + reverse("map_present", args=[map_obj.workspace.slug, map_obj.pk])


def box(page: Page, selector: str) -> dict[str, float]:
    rect: dict[str, float] = page.locator(selector).first.evaluate(
        "el => { const r = el.getBoundingClientRect();"
        " return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; }"
    )
    return rect


def test_presentation_fits_1920_by_1080_and_zooms_by_keys(
    live_server: Any, page: Page, workspace: Any, onboarding: Any
) -> None:
    log_in(page, live_server, member(workspace, Role.VIEWER, "vera"))
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(present_url(live_server, onboarding))
    expect(page.locator("#editor")).to_have_attribute("data-fit-mode", "fit")
    shot(page, "present-1920")
    # Nothing cut: the whole drawing, its bottom lane and the curve/ladder band within the window.
    diagram = box(page, "#diagram svg")
    assert diagram["bottom"] <= 1080 and diagram["right"] <= 1920
    lanes = page.locator("#diagram .cw-lane-header")
    last_lane = lanes.nth(lanes.count() - 1).evaluate("el => el.getBoundingClientRect().bottom")
    assert last_lane <= 1080
    for band in ("#diagram .cw-emotion-curve", "#diagram .cw-ladder"):
        if page.locator(band).count():
            assert box(page, band)["bottom"] <= 1080

    fitted = int(page.locator("#editor").get_attribute("data-zoom-level") or 0)
    page.keyboard.press("+")
    assert int(page.locator("#editor").get_attribute("data-zoom-level") or 0) > fitted
    page.keyboard.press("-")
    page.keyboard.press("-")
    assert int(page.locator("#editor").get_attribute("data-zoom-level") or 0) < fitted
    page.keyboard.press("0")
    assert int(page.locator("#editor").get_attribute("data-zoom-level") or 0) == fitted
    page.keyboard.press("w")
    expect(page.locator("#editor")).to_have_attribute("data-fit-mode", "width")
    wrap_width = page.evaluate("document.getElementById('diagram').clientWidth")
    drawn = box(page, "#diagram svg")
    assert abs(drawn["right"] - drawn["left"] - wrap_width) < 4
    page.keyboard.press("h")
    expect(page.locator("#editor")).to_have_attribute("data-fit-mode", "height")
    assert box(page, "#diagram svg")["bottom"] <= 1080
    assert_accessible(page, "presentation at 1920×1080")

    # Escape leaves presentation mode.
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(r"/edit/$"))


def test_presentation_on_a_phone_keeps_leave_presentation_on_screen(
    live_server: Any, page: Page, workspace: Any, onboarding: Any
) -> None:
    log_in(page, live_server, member(workspace, Role.VIEWER, "pia"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(present_url(live_server, onboarding))
    leave = page.get_by_role("link", name="Leave presentation")
    expect(leave).to_be_in_viewport()
    rect = box(page, "[data-leave-presentation]")
    assert rect["left"] >= 0 and rect["right"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "present-390")
    assert_accessible(page, "presentation at 390 px")


def test_in_full_screen_leave_presentation_stays_visible_and_focusable(
    live_server: Any, page: Page, workspace: Any, onboarding: Any
) -> None:
    log_in(page, live_server, member(workspace, Role.VIEWER, "fin"))
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(present_url(live_server, onboarding))
    tab_to(page, "[data-fullscreen]")
    page.keyboard.press("Enter")
    page.wait_for_function("!!document.fullscreenElement")
    leave = page.get_by_role("link", name="Leave presentation")
    expect(leave).to_be_visible()
    tab_to(page, "[data-leave-presentation]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/edit/$"))


def test_fit_shows_all_four_stages_in_the_editor_at_1280_by_800_and_a_step_scrolls_into_view(
    live_server: Any, page: Page, workspace: Any, onboarding: Any
) -> None:
    log_in(page, live_server, member(workspace, Role.EDITOR, "eli"))
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(editor_url(live_server, onboarding))
    stages = page.locator("#diagram .cw-stage-header")
    assert stages.count() == 4

    def visible_in_canvas(selector: str, index: int) -> bool:
        return bool(
            page.locator(selector)
            .nth(index)
            .evaluate(
                "el => { const r = el.getBoundingClientRect();"
                " const w = document.getElementById('diagram').getBoundingClientRect();"
                " return r.left >= w.left - 1 && r.right <= w.right + 1"
                " && r.top >= w.top - 1 && r.bottom <= w.bottom + 1; }"
            )
        )

    assert not visible_in_canvas("#diagram .cw-stage-header", 3)  # 100 %: the last stage is off
    # The arrow keys bring a step of the last stage into view.
    tab_to(page, TAB_STOP)
    page.keyboard.press("Control+End")
    wait_focused(page, ".cw-add, .cw-step")
    page.wait_for_function(
        "() => { const r = document.activeElement.getBoundingClientRect();"
        " const w = document.getElementById('diagram').getBoundingClientRect();"
        " return r.left >= w.left && r.right <= w.right; }"
    )
    page.keyboard.press("0")
    expect(page.locator("#editor")).to_have_attribute("data-fit-mode", "fit")
    for index in range(4):
        assert visible_in_canvas("#diagram .cw-stage-header", index)
    shot(page, "editor-fit-1280")
    # The zoom bar's buttons do the same as the keys (pressed by keyboard here).
    tab_to(page, "button[data-zoom='actual']")
    page.keyboard.press("Enter")
    expect(page.locator("#editor")).to_have_attribute("data-zoom-level", "100")
    assert_accessible(page, "editor with the zoom bar")


def test_the_language_select_waits_for_enter_before_switching(
    live_server: Any, page: Page, workspace: Any
) -> None:
    log_in(page, live_server, member(workspace, Role.VIEWER, "lou"))
    page.goto(live_server.url + reverse("map_list", args=[workspace.slug]))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    tab_to(page, "#lang-select")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(600)
    # Moving through the options by arrow key changes nothing yet.
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert focused(page, "#lang-select")
    chosen = page.locator("#lang-select").input_value()
    assert chosen != "en"
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", chosen)

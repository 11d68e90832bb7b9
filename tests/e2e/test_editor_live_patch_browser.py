"""The editor after an edit keeps where the facilitator was: scroll position, selection,
the same diagram element; a drag near the canvas's edge scrolls it."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from departments.models import Role
from tests.e2e.test_editor_browser import editor_url, log_in, member
from tests.factories import HandoffFactory, LaneFactory, MapFactory, StageFactory, StepFactory
from valuestreams.models import Step

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def wide_map(workspace: Any) -> tuple[Any, list[Any], list[Any]]:
    """Four lanes and twelve stages, one step a cell in a chain: wider and taller than 1280×800."""
    map_obj = MapFactory(workspace=workspace, name="Wide map")
    stages = [StageFactory(map=map_obj, name=f"Stage {i + 1}", position=i) for i in range(12)]
    lanes = [LaneFactory(map=map_obj, position=i) for i in range(4)]
    steps = [
        StepFactory(map=map_obj, lane=lanes[i % 4], stage=stage, title=f"Step {i + 1}")
        for i, stage in enumerate(stages)
    ]
    for a, b in itertools.pairwise(steps):
        HandoffFactory(map=map_obj, from_step=a, to_step=b)
    return map_obj, steps, stages


def open_editor(page: Page, live_server: Any, workspace: Any, map_obj: Any, step: Any) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, live_server, member(workspace, Role.EDITOR, "facilitator"))
    page.goto(editor_url(live_server, map_obj) + f"?step={step.pk}")
    expect(page.locator(f"#step-{step.pk}")).to_have_class("cw-step cw-selected")


def test_scroll_position_selection_and_diagram_element_survive_every_edit(
    page: Page, live_server: Any, workspace: Any
) -> None:
    map_obj, steps, _stages = wide_map(workspace)
    step = steps[9]
    open_editor(page, live_server, workspace, map_obj, step)
    page.evaluate(
        """() => { const d = document.getElementById("diagram");
                   d.scrollLeft = 700; d.scrollTop = 150; d.cwMark = "same element"; }"""
    )
    before = page.evaluate("() => [diagram.scrollLeft, diagram.scrollTop]")
    assert before[0] > 0 and before[1] > 0  # the canvas does scroll both ways

    for i in range(3):
        page.fill("#side-panel form [name=title]", f"Renamed {i}")
        page.get_by_role("button", name="Save step").click()
        expect(page.locator(f"#step-{step.pk}")).to_contain_text(f"Renamed {i}")
        after = page.evaluate(
            "() => [diagram.scrollLeft, diagram.scrollTop, diagram.cwMark || null]"
        )
        assert after == [*before, "same element"]
        expect(page.locator(f"#step-{step.pk}")).to_have_class("cw-step cw-selected")
        assert page.locator(".cw-selected").count() == 1
    assert Step.objects.get(pk=step.pk).title == "Renamed 2"


def test_dragging_a_step_to_the_canvas_edge_scrolls_it_to_cells_out_of_view(
    page: Page, live_server: Any, workspace: Any
) -> None:
    map_obj, steps, stages = wide_map(workspace)
    step = steps[0]
    open_editor(page, live_server, workspace, map_obj, step)
    box = page.locator(f"#step-{step.pk}").bounding_box()
    wrap = page.locator("#diagram").bounding_box()
    assert box is not None and wrap is not None
    assert page.evaluate("() => diagram.scrollLeft") == 0

    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    edge_x, y = wrap["x"] + wrap["width"] - 6, box["y"] + box["height"] / 2
    page.mouse.move(edge_x, y, steps=8)
    # The pointer stays still at the edge: the canvas keeps scrolling by itself.
    page.wait_for_function("() => document.getElementById('diagram').scrollLeft > 400")
    page.mouse.move(edge_x - 60, y, steps=2)  # out of the edge band: scrolling stops
    page.mouse.up()

    moved = page.locator(f"#step-{step.pk}")
    expect(moved).not_to_have_attribute("data-stage-id", str(stages[0].pk))
    stage_id = int(moved.get_attribute("data-stage-id") or 0)
    assert [s.pk for s in stages].index(stage_id) >= 3  # a stage not visible at the start
    assert Step.objects.get(pk=step.pk).stage_id == stage_id


def test_the_map_as_text_left_closed_during_edits_is_current_when_opened(
    page: Page, live_server: Any, workspace: Any
) -> None:
    """Edits leave its tables out while it is closed; opening it fetches them."""
    map_obj, steps, _stages = wide_map(workspace)
    step = steps[0]
    open_editor(page, live_server, workspace, map_obj, step)
    text = page.locator("#map-as-text")
    page.fill("#side-panel form [name=title]", "Renamed while closed")
    page.get_by_role("button", name="Save step").click()
    expect(page.locator(f"#step-{step.pk}")).to_contain_text("Renamed while closed")
    expect(text).to_have_attribute("data-stale", "")

    page.locator("details.map-as-text > summary").click()
    expect(text).to_contain_text("Renamed while closed")
    expect(text).not_to_have_attribute("data-stale", "")
    # While open, every edit brings the tables along.
    page.fill("#side-panel form [name=title]", "Renamed while open")
    page.get_by_role("button", name="Save step").click()
    expect(text).to_contain_text("Renamed while open")


#: Where every part of the drawing is, relative to the drawing's corner: what a
#: patched drawing must show exactly as a freshly loaded one does.
PLACES_JS = """() => {
  if (document.activeElement) document.activeElement.blur();  // no focus ring: the picture only
  const svg = document.querySelector("#diagram svg.cw-diagram");
  // Presence and vote badges (workshop.js) come and go with the workshop, not the drawing.
  svg.querySelectorAll(".cw-live").forEach((el) => el.remove());
  const o = svg.getBoundingClientRect();
  const out = {};
  svg.querySelectorAll(
    ".cw-step, .cw-handoff, .cw-handoff-label, .cw-cell, .cw-add, .cw-lane-header,"
    + " .cw-stage-header, .cw-ladder, .cw-legend, .cw-lanes rect, .cw-handoff path"
  ).forEach((el, i) => {
    const r = el.getBoundingClientRect();
    const key = el.id || [el.getAttribute("class") || el.tagName, el.dataset.laneId,
      el.dataset.stageId, el.closest("[id]") && el.closest("[id]").id, i].join("|");
    out[key] = [r.x - o.x, r.y - o.y, r.width, r.height].map((v) => Math.round(v * 10) / 10);
  });
  return out;
}"""


def test_a_step_dropped_in_another_lane_shifts_what_is_below_and_looks_as_freshly_drawn(
    page: Page, live_server: Any, workspace: Any
) -> None:
    map_obj, steps, stages = wide_map(workspace)
    step = steps[4]  # in the first lane: its move makes the second lane taller
    for i in range(2):  # the cell below it the fullest of its lane
        StepFactory(map=map_obj, lane=steps[1].lane, stage=stages[4], title=f"Extra {i}")
    open_editor(page, live_server, workspace, map_obj, step)
    tops = page.evaluate(PLACES_JS)

    page.locator(f"#step-{step.pk}").focus()
    page.keyboard.press("Alt+ArrowDown")
    expect(page.locator(f"#step-{step.pk}")).to_have_attribute(
        "data-lane-id", str(steps[1].lane_id)
    )
    # Cards below kept their elements and markup, moved down by a translation.
    shifted = page.locator(".cw-step[data-cw-dy]")
    expect(shifted.first).to_have_attribute("data-cw-dy", re.compile(r"^[1-9]"))
    lower = page.locator(f"#{shifted.first.get_attribute('id')}")
    patched = page.evaluate(PLACES_JS)
    assert patched != tops

    page.reload()
    expect(page.locator(f"#step-{step.pk}")).to_be_visible()
    assert page.locator("[data-cw-dy]").count() == 0
    fresh = page.evaluate(PLACES_JS)
    assert fresh == patched

    # Back up again (from a freshly loaded drawing): the card shifts back up.
    page.locator(f"#step-{step.pk}").focus()
    page.keyboard.press("Alt+ArrowUp")
    expect(page.locator(f"#step-{step.pk}")).to_have_attribute(
        "data-lane-id", str(steps[0].lane_id)
    )
    expect(lower).to_have_attribute("data-cw-dy", re.compile(r"^-[1-9]"))

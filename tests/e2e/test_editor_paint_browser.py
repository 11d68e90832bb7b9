"""What the browser does with an edit's answer: only the patched nodes change.

The drawing's root keeps its attributes (setting them, even to the same value,
lays out every text of a large map again), the zoom stays, the side panel is
replaced and still works, the metrics bring no stylesheet along, and the poll
afterwards asks with the version shown, so it gets "nothing changed".
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from departments.models import Role
from tests.e2e.test_editor_browser import editor_url, log_in, member
from tests.e2e.test_editor_live_patch_browser import wide_map
from valuestreams.models import Step

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Records every attribute the <svg> root and the wrapper are given from now on.
_WATCH_ROOT = """() => {
  window.cwRootChanges = [];
  const svg = document.querySelector("#diagram svg.cw-diagram");
  new MutationObserver((records) => {
    for (const r of records) window.cwRootChanges.push(r.target.tagName + " " + r.attributeName);
  }).observe(svg, {attributes: true});
  new MutationObserver((records) => {
    for (const r of records) window.cwRootChanges.push("wrapper " + r.attributeName);
  }).observe(document.getElementById("diagram"), {attributes: true});
}"""


def open_editor(page: Page, live_server: Any, workspace: Any, map_obj: Any, step: Any) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, live_server, member(workspace, Role.EDITOR, "facilitator"))
    page.goto(editor_url(live_server, map_obj) + f"?step={step.pk}")
    expect(page.locator(f"#step-{step.pk}")).to_have_class(re.compile(r"\bcw-selected\b"))


def step_and_cell(page: Page, step: Any, lane_id: int, stage_id: int) -> tuple[Any, Any]:
    """The boxes on screen of `step` and of the cell (lane, stage) to drag it to."""
    box = page.locator(f"#step-{step.pk}").bounding_box()
    cell = f'.cw-cell[data-lane-id="{lane_id}"][data-stage-id="{stage_id}"]'
    target = page.locator(cell).bounding_box()
    assert box is not None and target is not None
    return box, target


def save_title(page: Page, step: Any, title: str) -> None:
    page.fill("#side-panel form [name=title]", title)
    page.get_by_role("button", name="Save step").click()
    expect(page.locator(f"#step-{step.pk}")).to_contain_text(title)


def test_a_rename_patches_the_step_and_leaves_the_drawings_root_alone(
    page: Page, live_server: Any, workspace: Any
) -> None:
    map_obj, steps, _stages = wide_map(workspace)
    step = steps[2]
    open_editor(page, live_server, workspace, map_obj, step)
    page.evaluate("() => { document.querySelector('#diagram svg').cwMark = 'kept'; }")
    page.evaluate(_WATCH_ROOT)

    save_title(page, step, "Renamed once")

    assert page.evaluate("() => document.querySelector('#diagram svg').cwMark") == "kept"
    changes = page.evaluate("() => window.cwRootChanges")
    # The wrapper names the new drawing and version; of the <svg> root only its data
    # changes (the version), never its geometry (viewBox, width, height).
    assert "svg data-version" in changes
    assert not [c for c in changes if c.startswith("svg") and not c.startswith("svg data-")]
    assert {"wrapper data-drawing", "wrapper data-version"} <= set(changes)


def test_the_zoom_survives_an_edit(page: Page, live_server: Any, workspace: Any) -> None:
    map_obj, steps, _stages = wide_map(workspace)
    step = steps[1]
    open_editor(page, live_server, workspace, map_obj, step)
    svg = page.locator("#diagram svg.cw-diagram")
    natural = float(svg.get_attribute("width") or 0)
    page.get_by_role("button", name="Zoom out").click()
    expect(page.locator("#zoom-level")).to_have_text("80 %")
    zoomed = svg.get_attribute("width")
    assert zoomed == str(round(natural * 0.8))

    save_title(page, step, "Renamed while zoomed out")

    expect(page.locator("#zoom-level")).to_have_text("80 %")
    assert svg.get_attribute("width") == zoomed


def test_the_replaced_side_panel_saves_again_and_the_metrics_bring_no_stylesheet(
    page: Page, live_server: Any, workspace: Any
) -> None:
    map_obj, steps, _stages = wide_map(workspace)
    step = steps[0]
    open_editor(page, live_server, workspace, map_obj, step)

    for i in range(3):
        save_title(page, step, f"Saved {i}")
        # The new panel's form is live (htmx processed it) and took the focus back.
        expect(page.locator("#side-panel form [name=title]")).to_have_value(f"Saved {i}")
    expect(page.locator("#panel-h")).to_be_focused()
    assert Step.objects.get(pk=step.pk).title == "Saved 2"
    # The metrics' stylesheet is the page's, not swapped in with every edit.
    assert page.locator("#metrics link").count() == 0
    assert page.locator('head link[rel=stylesheet][href*="figures"]').count() == 1


def test_after_an_edit_the_poll_asks_with_the_version_shown(
    page: Page, live_server: Any, workspace: Any
) -> None:
    # Without live push (the stream answers 204) the diagram polls every 2 s.
    page.route("**/stream/**", lambda route: route.fulfill(status=204))
    map_obj, steps, _stages = wide_map(workspace)
    step = steps[0]
    open_editor(page, live_server, workspace, map_obj, step)
    save_title(page, step, "Renamed before the poll")
    shown = page.locator("#diagram").get_attribute("data-version")
    assert shown == str(Step.objects.get(pk=step.pk).map.version)

    with page.expect_request(lambda r: "/poll/" in r.url, timeout=6000) as polled:
        pass
    assert f"version={shown}" in polled.value.url
    response = polled.value.response()
    assert response is not None and response.status == 204  # nothing changed since


def test_dragging_a_step_across_the_drawing_selects_no_text(
    page: Page, live_server: Any, workspace: Any
) -> None:
    map_obj, steps, stages = wide_map(workspace)
    step = steps[0]
    open_editor(page, live_server, workspace, map_obj, step)
    box, target = step_and_cell(page, step, steps[1].lane_id, stages[1].pk)

    page.mouse.move(box["x"] + 20, box["y"] + box["height"] / 2)  # on the title's text
    page.mouse.down()
    page.mouse.move(target["x"] + target["width"] / 2, target["y"] + 30, steps=8)
    assert page.evaluate("() => String(window.getSelection())") == ""
    page.mouse.up()

    moved = page.locator(f"#step-{step.pk}")
    expect(moved).to_have_attribute("data-stage-id", str(stages[1].pk))
    expect(moved).to_have_attribute("data-lane-id", str(steps[1].lane_id))
    assert page.evaluate("() => String(window.getSelection())") == ""


def test_a_drop_that_makes_a_lane_taller_keeps_the_drawings_room_and_the_focus(
    page: Page, live_server: Any, workspace: Any
) -> None:
    # Any change of the <svg>'s own size lays out every text of the drawing again:
    # the map grows inside its room, and only the room's box follows the map.
    map_obj, steps, stages = wide_map(workspace)
    step = steps[0]
    open_editor(page, live_server, workspace, map_obj, step)
    room = page.locator("#diagram .cw-room")
    before = page.evaluate("() => document.querySelector('#diagram svg').dataset.cwContent")
    page.evaluate(_WATCH_ROOT)
    box, target = step_and_cell(page, step, steps[1].lane_id, stages[1].pk)
    page.evaluate(f"() => {{ document.getElementById('step-{step.pk}').cwMark = 'kept'; }}")

    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(target["x"] + target["width"] / 2, target["y"] + target["height"] - 10, steps=8)
    page.mouse.up()

    moved = page.locator(f"#step-{step.pk}")
    expect(moved).to_have_attribute("data-lane-id", str(steps[1].lane_id))
    # Two steps in that cell now: the lane, and the map, are taller.
    after = page.evaluate("() => document.querySelector('#diagram svg').dataset.cwContent")
    assert float(after.split()[3]) > float(before.split()[3])
    changes = page.evaluate("() => window.cwRootChanges")
    assert not {"svg viewBox", "svg width", "svg height", "svg style"} & set(changes)
    # The room's box shows the whole map and no more: its last lane ends at its bottom.
    shown = room.evaluate("el => el.getBoundingClientRect().height")
    scale = float(page.locator("#diagram svg").get_attribute("width") or 0) / float(
        page.evaluate("() => document.querySelector('#diagram svg').viewBox.baseVal.width")
    )
    assert abs(shown - float(after.split()[3]) * scale) < 1.5
    lanes_bottom = page.evaluate(
        """() => Math.max(...Array.from(document.querySelectorAll('#diagram .cw-lanes rect'))
                 .map((r) => r.getBoundingClientRect().bottom))"""
    )
    room_bottom = room.evaluate("el => el.getBoundingClientRect().bottom")
    assert lanes_bottom <= room_bottom + 1
    # The dropped step is the same element, and still has the focus.
    assert moved.evaluate("el => el.cwMark") == "kept"
    expect(moved).to_be_focused()


def test_a_save_pressed_the_moment_the_new_panel_arrives_posts_through_htmx(
    page: Page, live_server: Any, workspace: Any
) -> None:
    # htmx readies a swapped-in panel only when it settles (20 ms later): a Save in
    # between posted the form natively and reloaded the page.
    map_obj, steps, _stages = wide_map(workspace)
    step = steps[0]
    open_editor(page, live_server, workspace, map_obj, step)
    page.evaluate(
        """() => {
          window.cwSamePage = true;
          const host = document.getElementById("side-panel").parentNode;
          const seen = new MutationObserver(() => {
            const title = document.querySelector("#side-panel form [name=title]");
            if (!title || title.value !== "First save") return;
            seen.disconnect();
            title.value = "Saved at once";
            title.form.requestSubmit();
          });
          seen.observe(host, {childList: true});
        }"""
    )
    save_title(page, step, "First save")
    expect(page.locator(f"#step-{step.pk}")).to_contain_text("Saved at once")
    assert page.evaluate("() => window.cwSamePage") is True
    assert Step.objects.get(pk=step.pk).title == "Saved at once"

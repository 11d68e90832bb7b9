"""The SVG renderer: a standalone, safe drawing with the editor's hooks."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import fields, is_dataclass, replace

from valuestreams.analysis import analyze
from valuestreams.exports.svg import render_svg
from valuestreams.layout import Arrowhead, Overlay, Stroke, layout_map

from .mapdata_builders import map_data, onboarding, step

NS = "{http://www.w3.org/2000/svg}"
REASONS = ("22 h of the 49 h of waiting happens here", "on the critical path")


def _overlay(data, **changes) -> Overlay:
    """The analysis's overlay of ``data`` with step 4 as the hotspot (and ``changes``)."""
    return replace(Overlay.from_analysis(analyze(data)), hotspots={4: REASONS}, **changes)


def _svg(interactive: bool = True, data=None, overlay=None, title: str = "") -> ET.Element:
    data = data or onboarding()
    geometry = layout_map(data, overlay or _overlay(data))
    return ET.fromstring(render_svg(geometry, interactive=interactive, title=title))


def _all(root: ET.Element, tag: str, cls: str) -> list[ET.Element]:
    return [el for el in root.iter(NS + tag) if cls in el.get("class", "").split()]


def test_it_parses_as_xml_in_both_modes():
    for interactive in (True, False):
        root = _svg(interactive)
        assert root.tag == NS + "svg"
    ET.fromstring(render_svg(layout_map(onboarding("customer_journey")), interactive=True))


def test_the_root_carries_the_map_id_version_and_an_accessible_name():
    root = _svg(title="Onboarding today")
    # The editor's diagram is a widget with focusable parts, which an image may not have.
    assert root.get("class") == "cw-diagram" and root.get("role") == "application"
    assert root.get("aria-roledescription") == "swimlane diagram"
    keys = root.get("aria-describedby", "").split()[-1]
    assert "Arrow keys" in next(el.text for el in root.iter(NS + "desc") if el.get("id") == keys)
    assert _svg(interactive=False).get("role") == "img"
    assert root.get("data-map-id") == "42" and root.get("data-version") == "7"
    title_id = root.get("aria-labelledby", "").split()[0]
    title = next(el for el in root.iter(NS + "title") if el.get("id") == title_id)
    assert title.text == "Onboarding today"


def test_each_step_has_the_interactive_hooks_exactly():
    root = _svg(overlay=_overlay(onboarding(), selected_step_id=7))
    steps = {el.get("data-step-id"): el for el in _all(root, "g", "cw-step")}
    assert len(steps) == 12
    plain = steps["1"]
    assert plain.get("class") == "cw-step"
    assert plain.get("id") == "step-1"
    assert plain.get("data-lane-id") == "1" and plain.get("data-stage-id") == "1"
    assert plain.get("data-version") == "1"
    # One Tab stop for the whole diagram: the editor's script makes one item tabindex 0.
    assert plain.get("tabindex") == "-1" and plain.get("role") == "button"
    assert plain.get("aria-roledescription") == "step"
    # What the card abbreviates, spelled out: 45 min of 960 (two working days).
    assert plain.get("aria-label") == (
        "Send contract and collect personal data, Human Resources, Offer signed,"
        " process time 45 min, lead time 2 d, wait 1.9 d, 70% complete and accurate,"
        " value-adding, emotion +1, channel email, on the critical path"
    )
    assert steps["4"].get("class") == "cw-step cw-hotspot"
    assert steps["7"].get("class") == "cw-step cw-selected"


def test_every_cell_has_a_drop_target_and_an_add_button():
    root = _svg()
    cells = _all(root, "rect", "cw-cell")
    assert len(cells) == 16
    assert all(cell.get(attr) for cell in cells for attr in ("x", "y", "width", "height"))
    adds = {
        (el.get("data-lane-id"), el.get("data-stage-id")): el for el in _all(root, "g", "cw-add")
    }
    assert len(adds) == 16
    add = adds[("2", "3")]
    assert add.get("tabindex") == "-1" and add.get("role") == "button"
    assert add.get("aria-label") == "Add a step in IT Services × Day 1"


def test_cells_are_drawn_beneath_the_steps():
    order = [el.get("class", "").split()[0] for el in _svg().iter() if el.get("class")]
    last_cell = len(order) - 1 - order[::-1].index("cw-cell")
    assert last_cell < order.index("cw-step")


def test_each_handoff_has_its_hooks_and_a_wide_hit_path():
    root = _svg()
    handoffs = {el.get("data-handoff-id"): el for el in _all(root, "g", "cw-handoff")}
    assert len(handoffs) == 14
    same = handoffs["1"]
    assert same.get("class") == "cw-handoff" and same.get("id") == "handoff-1"
    assert same.get("data-from") == "1" and same.get("data-to") == "2"
    assert handoffs["2"].get("class") == "cw-handoff cw-cross"
    assert handoffs["6"].get("class") == "cw-handoff cw-cross cw-rework"
    hit = [el for el in same.iter(NS + "path") if el.get("class") == "cw-hit"]
    assert len(hit) == 1 and float(hit[0].get("stroke-width", "0")) >= 10


def test_lane_and_stage_headers_have_their_hooks():
    root = _svg()
    assert [el.get("data-lane-id") for el in _all(root, "g", "cw-lane-header")] == [
        "1",
        "2",
        "3",
        "4",
    ]
    assert [el.get("data-stage-id") for el in _all(root, "g", "cw-stage-header")] == [
        "1",
        "2",
        "3",
        "4",
    ]


def test_the_export_has_no_focus_buttons_or_add_spots():
    text = render_svg(layout_map(onboarding(), Overlay(hotspots={4: REASONS})), interactive=False)
    root = ET.fromstring(text)
    assert "tabindex" not in text and 'role="button"' not in text
    assert _all(root, "g", "cw-add") == []
    assert len(_all(root, "g", "cw-step")) == 12  # the same picture
    assert [el for el in root.iter(NS + "path") if el.get("class") == "cw-hit"] == []


def test_a_script_tag_in_a_title_is_escaped():
    evil = '<script>alert("x")</script> & "friends"'
    data = map_data((step(1, 1, 1, title=evil),))
    text = render_svg(layout_map(data), interactive=True, title=evil)
    assert "<script" not in text
    assert "&lt;script&gt;" in text
    root = ET.fromstring(text)
    assert root.find(f".//{NS}g[@id='step-1']").get("aria-label").startswith(evil)


def test_control_characters_in_user_text_do_not_break_the_document():
    data = map_data((step(1, 1, 1, title="Bell\x07 and form feed\x0c"),))
    ET.fromstring(render_svg(layout_map(data), interactive=True))


def test_hotspot_steps_carry_their_reasons_for_mouse_and_keyboard():
    root = _svg()
    hotspot = root.find(f".//{NS}g[@id='step-4']")
    assert hotspot.get("aria-label").startswith("Order and prepare laptop, IT Services, Before")
    assert hotspot.get("aria-label").endswith("; hotspot: " + "; ".join(REASONS))
    tooltip = hotspot.find(NS + "title").text
    assert all(reason in tooltip for reason in REASONS)
    described = root.find(f".//{NS}desc[@id='{hotspot.get('aria-describedby')}']")
    assert all(reason in described.text for reason in REASONS)


def test_handoffs_take_focus_and_name_both_steps_lanes_label_and_wait():
    root = _svg()
    handoffs = {el.get("data-handoff-id"): el for el in _all(root, "g", "cw-handoff")}
    rework = handoffs["6"]
    assert rework.get("tabindex") == "-1" and rework.get("role") == "button"
    assert rework.get("aria-roledescription") == "handoff"
    # Step 2 waits 480 - 30 = 450 min: 7.5 h.
    assert rework.get("aria-label") == (
        "from “Check access rights request” (Service Desk) to “Register new hire in HR"
        " system” (Human Resources), across departments, rework, “data missing”, wait 7.5 h"
    )
    exported = _svg(interactive=False)
    assert all(el.get("tabindex") is None for el in _all(exported, "g", "cw-handoff"))


def test_cross_department_handoffs_differ_by_more_than_colour():
    root = _svg()
    handoffs = {el.get("data-handoff-id"): el for el in _all(root, "g", "cw-handoff")}

    def line(el: ET.Element) -> ET.Element:
        return next(p for p in el.iter(NS + "path") if p.get("class") == "cw-line")

    same, cross, rework = line(handoffs["1"]), line(handoffs["2"]), line(handoffs["12"])
    assert float(cross.get("stroke-width")) > float(same.get("stroke-width"))
    assert cross.get("marker-end") != same.get("marker-end")
    assert len(list(handoffs["2"].iter(NS + "path"))) > 2  # hit path, line, boundary diamonds
    assert rework.get("stroke-dasharray") and not cross.get("stroke-dasharray")
    assert rework.get("marker-end") not in (same.get("marker-end"), cross.get("marker-end"))


def test_markers_are_defined_once_and_referenced_inside_the_document():
    root = _svg()
    ids = {m.get("id") for m in root.iter(NS + "marker")}
    refs = {p.get("marker-end")[5:-1] for p in root.iter(NS + "path") if p.get("marker-end")}
    assert refs <= ids


def test_it_references_nothing_outside_the_document():
    text = render_svg(layout_map(onboarding("customer_journey")), interactive=True)
    assert "href" not in text and "@import" not in text and "@font-face" not in text
    assert text.count("http") == 1  # the SVG namespace itself


def test_the_text_is_large_enough_for_a_projector():
    root = _svg()
    sizes = {float(el.get("font-size")) for el in root.iter(NS + "text") if el.get("font-size")}
    assert min(sizes - {10.0}) >= 13  # 10 px only for the "!" inside the legend's small badge


def test_a_journey_draws_its_emotion_curve_and_faces():
    root = _svg(data=onboarding("employee_journey"))
    assert len(_all(root, "g", "cw-emotion-curve")) == 1
    assert len(_all(root, "g", "cw-face")) == 11
    assert _all(root, "g", "cw-ladder") == []


def test_a_value_stream_draws_its_ladder_with_totals():
    root = _svg()
    ladder = _all(root, "g", "cw-ladder")
    assert len(ladder) == 1
    texts = [el.text for el in ladder[0].iter(NS + "text")]
    assert "Lead time" in texts and "Activity ratio" in texts


def test_reused_markup_follows_the_language_of_each_rendering(monkeypatch):
    from valuestreams.exports import svg

    geometry = layout_map(onboarding(), Overlay(hotspots={4: REASONS}))
    english = render_svg(geometry, interactive=True)
    # A stand-in "language": every translated label gets a marker in front.
    monkeypatch.setattr(svg, "_", lambda text: "[xx] " + text)
    translated = render_svg(geometry, interactive=True)
    assert "[xx]" not in english
    assert "[xx] across departments" in translated


def test_a_renamed_step_renames_the_handoffs_that_name_it():
    from dataclasses import replace

    data = onboarding()
    first = render_svg(layout_map(data), interactive=True)
    renamed = replace(
        data, steps=tuple(replace(s, title="Renamed!") if s.id == 1 else s for s in data.steps)
    )
    second = render_svg(layout_map(renamed), interactive=True)
    assert "Renamed!" not in first
    handoff_titles = [
        el.findtext(NS + "title") for el in _all(ET.fromstring(second), "g", "cw-handoff")
    ]
    assert any("Renamed!" in (t or "") for t in handoff_titles)


def _colours_in(value: object, found: set[str]) -> set[str]:
    """Every "#RRGGBB" string anywhere inside a geometry value (dataclasses, tuples)."""
    if isinstance(value, str):
        if value.startswith("#") and len(value) == 7:
            found.add(value.upper())
    elif is_dataclass(value):
        for f in fields(value):
            _colours_in(getattr(value, f.name), found)
    elif isinstance(value, tuple | list):
        for item in value:
            _colours_in(item, found)
    elif isinstance(value, dict):
        for item in value.values():
            _colours_in(item, found)
    return found


def test_every_colour_drawn_comes_from_the_geometry():
    for data in (onboarding(), onboarding("customer_journey")):
        geometry = layout_map(data, _overlay(data, selected_step_id=7))
        allowed = _colours_in(geometry, set())
        root = ET.fromstring(render_svg(geometry, interactive=True))
        for el in root.iter():
            if el.get("class") in ("cw-hit", "cw-cell"):
                continue  # invisible hit areas: opacity 0, not part of the picture
            for attr in ("fill", "stroke"):
                value = el.get(attr, "none")
                assert value == "none" or value.upper() in allowed, (el.tag, attr, value)


def test_the_renderer_draws_a_connectors_style_from_the_geometry():
    geometry = layout_map(onboarding())
    stroke = Stroke("#123456", 9.0, (1.0, 2.0), cap="round")
    head = Arrowhead("open", 20.0, 16.0, "#654321", line_width=3.0)
    first = replace(geometry.connectors[0], stroke=stroke, arrowhead=head)
    text = render_svg(replace(geometry, connectors=(first, *geometry.connectors[1:])))
    root = ET.fromstring(text)
    line = next(p for p in root.iter(NS + "path") if p.get("class") == "cw-line")
    assert line.get("stroke") == "#123456" and line.get("stroke-width") == "9"
    assert line.get("stroke-dasharray") == "1 2" and line.get("stroke-linecap") == "round"
    marker_id = line.get("marker-end")[5:-1]
    marker = next(m for m in root.iter(NS + "marker") if m.get("id") == marker_id)
    assert marker.get("markerWidth") == "26"  # 20 long plus room for the 3 px strokes
    assert next(marker.iter(NS + "path")).get("stroke") == "#654321"


def test_the_export_is_styled_by_attributes_alone():
    """A standalone file: no stylesheet, so no page CSS is needed to draw it."""
    text = render_svg(layout_map(onboarding()), interactive=False)
    root = ET.fromstring(text)
    assert list(root.iter(NS + "style")) == []
    painted = [el for el in root.iter() if el.tag in (NS + "rect", NS + "path", NS + "circle")]
    assert painted and all(el.get("fill") or el.get("stroke") for el in painted)

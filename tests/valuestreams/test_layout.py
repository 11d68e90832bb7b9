"""The pure layout: map data in, geometry out."""

from __future__ import annotations

import itertools

from valuestreams.layout import (
    BoxGeometry,
    Geometry,
    LadderTotals,
    LayoutOptions,
    Overlay,
    layout_map,
    measure_text,
    wrap_text,
)

from .mapdata_builders import big_map, handoff, map_data, onboarding, step


def _boxes(geometry: Geometry) -> dict[int, BoxGeometry]:
    return {box.step_id: box for box in geometry.boxes}


def _on_edge(box: BoxGeometry, x: float, y: float) -> bool:
    """(x, y) lies on the outline of ``box``."""
    eps = 0.01
    inside_x = box.x - eps <= x <= box.right + eps
    inside_y = box.y - eps <= y <= box.bottom + eps
    on_vertical = abs(x - box.x) < eps or abs(x - box.right) < eps
    on_horizontal = abs(y - box.y) < eps or abs(y - box.bottom) < eps
    return (on_vertical and inside_y) or (on_horizontal and inside_x)


def test_the_same_map_gives_identical_geometry():
    data = onboarding()
    overlay = Overlay(hotspots={4: ("on the critical path",)}, critical_path=(1, 2, 3, 4))
    assert layout_map(data, overlay) == layout_map(data, overlay)
    assert layout_map(onboarding("employee_journey")) == layout_map(onboarding("employee_journey"))


def test_there_is_one_lane_per_lane_and_one_column_per_stage_in_order():
    data = onboarding()
    geometry = layout_map(data)
    assert [lane.lane_id for lane in geometry.lanes] == [lane.id for lane in data.lanes]
    assert [col.stage_id for col in geometry.columns] == [stage.id for stage in data.stages]
    assert [lane.short_name for lane in geometry.lanes] == ["HR", "IT", "FAC", "SD"]
    for upper, lower in itertools.pairwise(geometry.lanes):
        assert upper.y + upper.height == lower.y
    for left, right in itertools.pairwise(geometry.columns):
        assert left.x + left.width == right.x


def test_every_lane_stage_pair_has_a_cell_even_when_empty():
    geometry = layout_map(onboarding())
    pairs = {(cell.lane_id, cell.stage_id) for cell in geometry.cells}
    assert pairs == {(lane, stage) for lane in range(1, 5) for stage in range(1, 5)}


def test_boxes_never_overlap():
    for data in (onboarding(), big_map(300, lanes=5, stages=8)):
        boxes = layout_map(data).boxes
        for a, b in itertools.combinations(boxes, 2):
            apart = a.right <= b.x or b.right <= a.x or a.bottom <= b.y or b.bottom <= a.y
            assert apart, (a.step_id, b.step_id)


def test_every_box_lies_inside_its_lane_band_and_stage_column():
    geometry = layout_map(big_map(300, lanes=5, stages=8))
    lanes = {lane.lane_id: lane for lane in geometry.lanes}
    columns = {col.stage_id: col for col in geometry.columns}
    for box in geometry.boxes:
        lane, column = lanes[box.lane_id], columns[box.stage_id]
        assert lane.y <= box.y and box.bottom <= lane.y + lane.height
        assert column.x <= box.x and box.right <= column.x + column.width


def test_steps_stack_by_position_inside_their_cell():
    data = map_data(
        (
            step(1, 1, 1, position=2, title="Third"),
            step(2, 1, 1, position=0, title="First"),
            step(3, 1, 1, position=1, title="Second"),
        )
    )
    boxes = _boxes(layout_map(data))
    assert boxes[2].bottom < boxes[3].y
    assert boxes[3].bottom < boxes[1].y


def test_the_busiest_cell_sets_the_height_of_its_lane():
    quiet = layout_map(map_data((step(1, 1, 1),)))
    busy = layout_map(map_data((step(1, 1, 1), step(2, 1, 2, 0), step(3, 1, 2, 1))))
    assert busy.lanes[0].height > quiet.lanes[0].height


def test_title_text_wraps_within_the_box():
    long_title = "Check the access rights request against the role catalogue and approve it"
    data = map_data(
        (step(1, 1, 1, title=long_title, process_time_minutes=15, lead_time_minutes=960),)
    )
    box = layout_map(data).boxes[0]
    titles = [line for line in box.lines if line.role == "title"]
    assert 1 < len(titles) <= 3
    for line in box.lines:
        assert box.x < line.x
        assert line.x + measure_text(line.text, line.size, bold=line.weight >= 600) <= box.right
        assert box.y < line.y <= box.bottom


def test_a_long_title_is_cut_to_three_lines_with_an_ellipsis():
    data = map_data((step(1, 1, 1, title="word " * 60),))
    titles = [line.text for line in layout_map(data).boxes[0].lines if line.role == "title"]
    assert len(titles) == 3
    assert titles[-1].endswith("…")


def test_wrap_text_breaks_a_word_longer_than_the_line():
    lines = wrap_text("Donaudampfschifffahrtsgesellschaftskapitän", 120, 14, language="de")
    assert len(lines) > 1
    assert all(measure_text(line, 14) <= 120 for line in lines)
    assert all(line.endswith("-") for line in lines[:-1])
    assert "".join(line.removesuffix("-") for line in lines) == (
        "Donaudampfschifffahrtsgesellschaftskapitän"
    )


def test_value_stream_boxes_show_key_numbers_in_friendly_units():
    data = map_data(
        (
            step(
                1,
                1,
                1,
                process_time_minutes=15,
                lead_time_minutes=960,
                complete_accurate_pct=80,
            ),
        )
    )
    details = " · ".join(
        line.text for line in layout_map(data).boxes[0].lines if line.role == "detail"
    )
    assert details == "PT 15 min · LT 2 d · C&A 80%"


def test_journey_boxes_show_the_emotion_with_a_glyph_and_the_channel():
    data = map_data(
        (step(1, 1, 1, emotion=-2, channel="phone", touchpoint="Hotline"),), kind="customer_journey"
    )
    box = layout_map(data).boxes[0]
    assert box.emotion == -2 and box.face is not None
    start, control, end = box.face.mouth
    assert control.y < start.y == end.y  # a frown: the mouth curves down at its ends
    texts = [line.text for line in box.lines]
    assert "−2 · phone" in texts and "Hotline" in texts


def test_connectors_start_and_end_on_box_edges():
    for data in (onboarding(), big_map(300, lanes=5, stages=8)):
        geometry = layout_map(data)
        boxes = _boxes(geometry)
        for connector in geometry.connectors:
            first, last = connector.points[0], connector.points[-1]
            assert _on_edge(boxes[connector.from_step_id], first.x, first.y), connector
            assert _on_edge(boxes[connector.to_step_id], last.x, last.y), connector


def test_connectors_are_orthogonal_polylines():
    geometry = layout_map(big_map(300, lanes=5, stages=8))
    for connector in geometry.connectors:
        assert len(connector.points) >= 2
        for p, q in itertools.pairwise(connector.points):
            assert p.x == q.x or p.y == q.y


def test_connectors_of_a_workshop_map_cross_no_other_box():
    geometry = layout_map(onboarding())
    boxes = geometry.boxes
    for connector in geometry.connectors:
        ends = {connector.from_step_id, connector.to_step_id}
        for p, q in itertools.pairwise(connector.points):
            for box in boxes:
                if box.step_id in ends:
                    continue
                x1, x2 = sorted((p.x, q.x))
                y1, y2 = sorted((p.y, q.y))
                crosses = (x1 < box.right and box.x < x2) or (x1 == x2 and box.x < x1 < box.right)
                crosses = crosses and (
                    (y1 < box.bottom and box.y < y2) or (y1 == y2 and box.y < y1 < box.bottom)
                )
                assert not crosses, (connector.handoff_id, box.step_id)


def test_the_cross_department_flag_equals_a_direct_count():
    data = onboarding()
    department = {s.id: s.department_id for s in data.steps}
    expected = {
        h.id for h in data.handoffs if department[h.from_step_id] != department[h.to_step_id]
    }
    geometry = layout_map(data)
    assert {c.handoff_id for c in geometry.connectors if c.cross_department} == expected
    assert len(expected) == 9


def test_cross_department_connectors_mark_each_lane_border_they_cross():
    geometry = layout_map(onboarding())
    borders = {lane.y for lane in geometry.lanes[1:]}
    for connector in geometry.connectors:
        if connector.cross_department:
            assert connector.boundary_marks
            assert all(mark.y in borders for mark in connector.boundary_marks)
        else:
            assert connector.boundary_marks == ()


def test_rework_is_routed_around_below_the_boxes():
    geometry = layout_map(onboarding())
    boxes = _boxes(geometry)
    rework = next(c for c in geometry.connectors if c.handoff_id == 12)  # 11 → 10, sent back
    assert rework.rework and rework.back_edge
    assert max(p.y for p in rework.points) > boxes[11].bottom
    forward = next(c for c in geometry.connectors if c.handoff_id == 11)
    assert not forward.back_edge


def test_parallel_connectors_do_not_overlap_exactly():
    data = map_data(
        (step(1, 1, 1), step(2, 3, 2), step(3, 4, 2)),
        (handoff(1, 1, 2), handoff(2, 1, 3)),
    )
    a, b = layout_map(data).connectors
    assert a.points[0] != b.points[0]
    assert set(a.points[1:]) != set(b.points[1:])


def test_handoffs_to_steps_outside_the_map_are_left_out():
    data = map_data((step(1, 1, 1), step(2, 1, 2)), (handoff(1, 1, 2), handoff(2, 1, 99)))
    assert [c.handoff_id for c in layout_map(data).connectors] == [1]


def test_hotspots_and_the_selection_come_from_the_overlay():
    overlay = Overlay(
        hotspots={4: ("22 h of the 49 h of waiting happens here",)}, selected_step_id=7
    )
    boxes = _boxes(layout_map(onboarding(), overlay))
    assert boxes[4].is_hotspot and boxes[4].hotspot_reasons == (
        "22 h of the 49 h of waiting happens here",
    )
    assert not boxes[3].is_hotspot
    assert boxes[7].selected and not boxes[4].selected


def test_the_ladder_follows_the_overlays_critical_path_and_totals():
    overlay = Overlay(
        critical_path=(1, 2, 3, 4),
        totals=LadderTotals(lead_time_minutes=5280, process_time_minutes=185, activity_ratio=0.035),
    )
    ladder = layout_map(onboarding(), overlay).ladder
    assert ladder is not None
    assert ladder.step_ids == (1, 2, 3, 4)
    assert ladder.lead_time_minutes == 5280 and ladder.activity_ratio == 0.035
    values = [line.text for line in ladder.totals_text]
    assert "11 d" in values and "3.1 h" in values and "3.5%" in values
    waits = {r.step_ids: r.minutes for r in ladder.rungs if r.kind == "wait"}
    assert waits[(4,)] == 2400 - 90


def test_each_ladder_rung_sits_under_its_steps_column():
    geometry = layout_map(onboarding(), Overlay(critical_path=(1, 3, 8, 10)))
    assert geometry.ladder is not None
    columns = {col.stage_id: col for col in geometry.columns}
    boxes = _boxes(geometry)
    for rung in geometry.ladder.rungs:
        column = columns[boxes[rung.step_ids[0]].stage_id]
        assert column.x <= rung.x1 < rung.x2 <= column.x + column.width


def test_without_an_overlay_the_ladder_follows_the_analysiss_critical_path():
    data = map_data(
        (
            step(1, 1, 1, lead_time_minutes=10),
            step(2, 2, 2, lead_time_minutes=1000),
            step(3, 3, 2, lead_time_minutes=20),
            step(4, 1, 3, lead_time_minutes=10),
        ),
        (
            handoff(1, 1, 2),
            handoff(2, 1, 3),
            handoff(3, 2, 4),
            handoff(4, 3, 4),
            handoff(5, 4, 1, rework=True),
        ),
    )
    ladder = layout_map(data).ladder
    assert ladder is not None and ladder.step_ids == (1, 2, 4)
    assert ladder.lead_time_minutes == 1020


def test_a_cycle_of_non_rework_handoffs_does_not_break_the_layout():
    data = map_data((step(1, 1, 1), step(2, 2, 2)), (handoff(1, 1, 2), handoff(2, 2, 1)))
    geometry = layout_map(data)
    assert len(geometry.connectors) == 2


def test_a_journey_gets_an_emotion_curve_instead_of_a_ladder():
    geometry = layout_map(onboarding("employee_journey"))
    assert geometry.ladder is None and geometry.curve is not None
    curve = geometry.curve
    assert len(curve.points) == 11  # step 3 has no emotion
    for point in curve.points:
        assert curve.top_y <= point.y <= curve.bottom_y
        assert (point.y < curve.zero_y) == (point.emotion > 0)
    assert [p.x for p in curve.points] == sorted(p.x for p in curve.points)


def test_the_band_and_legend_can_be_left_out():
    geometry = layout_map(onboarding(), options=LayoutOptions(show_band=False, show_legend=False))
    assert geometry.ladder is None and geometry.legend == ()


def test_the_legend_explains_hotspots_only_when_there_are_some():
    assert "hotspot" not in {item.kind for item in layout_map(onboarding()).legend}
    with_hotspot = layout_map(onboarding(), Overlay(hotspots={1: ("on the critical path",)}))
    assert {item.kind for item in with_hotspot.legend} == {"handoff", "cross", "rework", "hotspot"}


def test_the_drawing_contains_everything():
    geometry = layout_map(onboarding(), Overlay(critical_path=(1, 2, 3, 4, 8, 10, 11)))
    right = max(
        [lane.x + lane.width for lane in geometry.lanes]
        + [geometry.ladder.totals_x + geometry.ladder.totals_width if geometry.ladder else 0]
    )
    bottom = max([box.bottom for box in geometry.boxes] + [item.y for item in geometry.legend])
    assert right < geometry.width and bottom < geometry.height


def test_a_thousand_step_map_is_laid_out():
    geometry = layout_map(big_map(1000))
    assert len(geometry.boxes) == 1000
    assert len(geometry.connectors) > 999


def test_add_spots_never_cover_a_card():
    geometry = layout_map(onboarding())
    for cell in geometry.cells:
        assert cell.x <= cell.add_x <= cell.x + cell.width
        assert cell.y <= cell.add_y <= cell.y + cell.height
        for box in geometry.boxes:
            assert not (
                box.x - 10 < cell.add_x < box.right + 10
                and box.y - 10 < cell.add_y < box.bottom + 10
            )

"""The PowerPoint deck of a map, opened again with python-pptx and checked against the map."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.shapes.connector import Connector

from valuestreams.analysis import analyze, compare
from valuestreams.diagram import diagram_geometry
from valuestreams.exports.deck import (
    DeckContent,
    ImprovementItem,
    deck_bytes,
    map_deck,
    stage_times,
)
from valuestreams.exports.pptx_kit import MIN_FONT_PT
from valuestreams.mapdata import MapData

from .mapdata_builders import (
    HOSTILE_NAMES,
    LANES,
    STAGES,
    big_map,
    handoff,
    hostile_map,
    map_data,
    onboarding,
    step,
)


def content(data: MapData, **kwargs) -> DeckContent:
    analysis = analyze(data)
    return DeckContent(
        data=data,
        analysis=analysis,
        geometry=diagram_geometry(data, analysis),
        kind_label="Value stream",
        state_label="Current state",
        description="",
        on=date(2026, 11, 30),
        **kwargs,
    )


def reopen(c: DeckContent):
    """The deck written to bytes and read back, as a user's PowerPoint would."""
    return Presentation(io.BytesIO(deck_bytes(map_deck(c))))


def named(prs, prefix: str) -> list[tuple[int, Any]]:
    """(slide number, shape) for every shape whose name starts with `prefix`."""
    return [
        (number, shape)
        for number, slide in enumerate(prs.slides, start=1)
        for shape in slide.shapes
        if shape.name.startswith(prefix)
    ]


def step_shapes(prs) -> dict[int, tuple[int, Any]]:
    """Step id -> (slide number, the card shape); stripes, badges and faces left out."""
    cards = {}
    for number, shape in named(prs, "step-"):
        parts = shape.name.split("-")
        if len(parts) == 2:
            assert int(parts[1]) not in cards, f"step {parts[1]} drawn twice"
            cards[int(parts[1])] = (number, shape)
    return cards


def is_connector(shape) -> bool:
    return isinstance(shape, Connector)


def glue(connector) -> tuple[int, int]:
    """The shape ids a connector's begin and end are glued to."""
    props = connector._element.find(qn("p:nvCxnSpPr")).find(qn("p:cNvCxnSpPr"))
    return (
        int(props.find(qn("a:stCxn")).get("id")),
        int(props.find(qn("a:endCxn")).get("id")),
    )


def slide_with_title(prs, title: str):
    return next(
        s for s in prs.slides if s.shapes.title is not None and s.shapes.title.text == title
    )


def test_every_step_is_one_shape_with_its_title():
    data = onboarding()
    prs = reopen(content(data))

    cards = step_shapes(prs)

    assert set(cards) == {s.id for s in data.steps}
    for s in data.steps:
        text = cards[s.id][1].text_frame.text.replace("\n", " ")
        assert text.startswith(s.title.split()[0])
        assert " ".join(s.title.split()) in " ".join(text.split())


def small() -> MapData:
    """A map that fits one slide: two lanes, three stages, a cross-department rework loop."""
    steps = (
        step(1, 1, 1, title="Request", process_time_minutes=10, lead_time_minutes=60),
        step(2, 2, 2, title="Check", process_time_minutes=20, lead_time_minutes=600),
        step(3, 1, 3, title="Decide", process_time_minutes=5, lead_time_minutes=30),
        step(4, 1, 2, title="Archive", process_time_minutes=5, lead_time_minutes=30),
    )
    handoffs = (
        handoff(1, 1, 2, "form"),
        handoff(2, 2, 3),
        handoff(3, 2, 1, "incomplete", rework=True),
        handoff(4, 1, 4),
    )
    return map_data(steps, handoffs, lanes=LANES[:2], stages=STAGES[:3])


def test_every_handoff_is_a_connector_glued_to_its_two_steps():
    data = small()
    prs = reopen(content(data))
    cards = step_shapes(prs)

    lines = {shape.name: (n, shape) for n, shape in named(prs, "handoff-") if is_connector(shape)}

    assert set(lines) == {f"handoff-{h.id}" for h in data.handoffs}
    for h in data.handoffs:
        number, line = lines[f"handoff-{h.id}"]
        assert glue(line) == (cards[h.from_step_id][1].shape_id, cards[h.to_step_id][1].shape_id)
        assert cards[h.from_step_id][0] == number == cards[h.to_step_id][0]


def test_connectors_wear_the_geometry_stroke_and_arrowhead():
    data = small()
    c = content(data)
    prs = reopen(c)
    lines = {shape.name: shape for _, shape in named(prs, "handoff-") if is_connector(shape)}

    for connector in c.geometry.connectors:
        ln = lines[f"handoff-{connector.handoff_id}"]._element.find(qn("p:spPr")).find(qn("a:ln"))
        color = ln.find(qn("a:solidFill")).find(qn("a:srgbClr")).get("val")
        head = ln.find(qn("a:tailEnd"))
        dashes = ln.find(qn("a:custDash"))
        assert color == connector.stroke.color.lstrip("#").upper()
        assert (
            head.get("type") == {"triangle": "triangle", "open": "arrow"}[connector.arrowhead.kind]
        )
        assert (dashes is not None) == bool(connector.stroke.dash) == connector.rework
        if dashes is not None:
            first = dashes.find(qn("a:ds"))
            ratio = connector.stroke.dash[0] / connector.stroke.width
            assert int(first.get("d")) == round(ratio * 100000)


def test_hotspots_are_outlined_and_badged():
    data = onboarding()
    c = content(data)
    prs = reopen(c)
    marked = {s.id for s in c.analysis.marked_hotspots}

    badges = {
        int(shape.name.split("-")[1])
        for _, shape in named(prs, "step-")
        if shape.name.endswith("-badge")
    }

    assert marked and badges == marked


def test_the_charts_hold_the_analysis_numbers():
    data = onboarding()
    c = content(data)
    prs = reopen(c)
    slide = slide_with_title(prs, "Key numbers")
    charts = [shape.chart for shape in slide.shapes if shape.has_chart]

    stages = stage_times(data, c.analysis)
    by_stage = charts[0].plots[0]
    assert list(by_stage.categories) == [s.name for s in data.stages]
    waits = [
        round(
            sum(s.wait_minutes or 0 for s in c.analysis.steps.values() if s.stage_id == st.id) / 60,
            2,
        )
        for st in data.stages
    ]
    assert list(by_stage.series[0].values) == pytest.approx(waits)
    assert list(by_stage.series[1].values) == pytest.approx(
        [round(pt / 60, 2) for _, _, pt in stages]
    )
    pairs = charts[1].plots[0]
    assert list(pairs.categories) == [
        f"{p.from_department} → {p.to_department}" for p in c.analysis.department_handoffs
    ]
    assert list(pairs.series[0].values) == [p.count for p in c.analysis.department_handoffs]


def test_every_slide_has_speaker_notes_and_the_metrics_notes_define_the_numbers():
    prs = reopen(content(onboarding()))

    for slide in prs.slides:
        assert slide.has_notes_slide and slide.notes_slide.notes_text_frame.text.strip()
    notes = slide_with_title(prs, "Key numbers").notes_slide.notes_text_frame.text
    assert "critical path" in notes and "Activity ratio: process time divided by lead time" in notes


def test_the_key_numbers_notes_give_each_reason_once_with_the_figures_it_concerns():
    # No step has times: lead time, process time, waiting and the ratios are all
    # unknown for the same reason, which the notes must say once, not per figure.
    data = map_data(
        (step(1, 1, 1), step(2, 2, 1), step(3, 1, 2)), (handoff(1, 1, 2), handoff(2, 2, 3))
    )
    analysis = analyze(data)
    prs = reopen(content(data))
    notes = slide_with_title(prs, "Key numbers").notes_slide.notes_text_frame.text

    reasons = {str(note) for note in analysis.notes.values()}
    assert len(reasons) < len(analysis.notes)  # the case this test is about
    for reason in reasons:
        assert notes.count(reason) == 1, reason
    line = next(line for line in analysis.note_lines if len(line.labels) > 1)
    assert f"{', '.join(line.labels)}: {line.text}" in notes


def test_the_hotspots_slide_lists_hotspots_with_reasons_in_words():
    c = content(onboarding())
    prs = reopen(c)
    slide = slide_with_title(prs, "Where handoffs hurt")
    table = next(shape.table for shape in slide.shapes if shape.has_table)

    first = c.analysis.hotspots[0]
    assert table.cell(1, 0).text == first.title
    assert table.cell(1, 3).text == "; ".join(str(r) for r in first.reasons)


def test_improvements_put_quick_wins_first():
    items = (
        ImprovementItem("Big project", "", 5, 5, "Idea", "", False),
        ImprovementItem("Form fields", "Step 1", 4, 1, "Idea", "HR", True),
    )
    prs = reopen(content(onboarding(), improvements=items))
    slide = slide_with_title(prs, "Improvements: quick wins first")
    table = next(shape.table for shape in slide.shapes if shape.has_table)

    assert table.cell(1, 0).text == "★ Form fields"
    assert table.cell(2, 0).text == "Big project"


def test_a_future_state_gets_a_before_after_slide_with_the_metric_changes():
    before = onboarding()
    after = replace(
        before, id=43, state="future", steps=before.steps[:-1], handoffs=before.handoffs[:-2]
    )
    c = content(after, comparison=compare(before, after), based_on_name="Onboarding today")
    prs = reopen(c)
    slide = slide_with_title(prs, "Before and after")
    table = next(shape.table for shape in slide.shapes if shape.has_table)

    rows = {table.cell(r, 0).text: table.cell(r, 3).text for r in range(1, len(table.rows))}
    assert rows["Handoffs"] == "-2"
    assert any(shape.has_chart for shape in slide.shapes)


def test_no_text_is_smaller_than_nine_points_even_on_a_large_map():
    prs = reopen(content(big_map(200, lanes=8, stages=12)))

    sizes = [
        run.font.size.pt
        for slide in prs.slides
        for shape in slide.shapes
        if shape.has_text_frame
        for paragraph in shape.text_frame.paragraphs
        for run in paragraph.runs
        if run.font.size is not None
    ]
    assert sizes and min(sizes) >= MIN_FONT_PT


def test_a_small_map_fits_one_slide():
    prs = reopen(content(small()))

    assert len({n for n, _ in step_shapes(prs).values()}) == 1


def test_a_large_map_is_split_with_every_step_once_and_every_handoff_connected():
    data = big_map(200, lanes=8, stages=12)
    prs = reopen(content(data))
    cards = step_shapes(prs)
    swimlane = {n for n, _ in cards.values()}

    assert len(swimlane) > 1
    assert set(cards) == {s.id for s in data.steps}
    ids = {
        (n, shape.shape_id): shape.name
        for n, slide in enumerate(prs.slides, start=1)
        for shape in slide.shapes
    }
    lines = named(prs, "handoff-")
    for h in data.handoffs:
        mine = [(n, s) for n, s in lines if s.name == f"handoff-{h.id}"]
        (a_slide, a), (b_slide, b) = cards[h.from_step_id], cards[h.to_step_id]
        if a_slide == b_slide:
            assert len(mine) == 1 and glue(mine[0][1]) == (a.shape_id, b.shape_id)
        else:
            # Two halves: the sender to a marker on its slide, a marker to the receiver on its.
            assert sorted(n for n, _ in mine) == sorted([a_slide, b_slide])
            for n, line in mine:
                begin, end = glue(line)
                if n == a_slide:
                    assert begin == a.shape_id and "other-slides" in ids[n, end]
                else:
                    assert end == b.shape_id and "other-slides" in ids[n, begin]
    titles = [s.shapes.title.text for s in prs.slides if s.shapes.title is not None]
    assert any(t.endswith(" (1 of 2)") or "(1 of " in t for t in titles)


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_names_give_a_deck_that_opens(name):
    data = hostile_map(name)
    prs = reopen(content(data))

    assert len(step_shapes(prs)) == 2


def test_a_200_character_map_name_gives_one_line_slide_titles():
    prs = reopen(content(hostile_map("W" * 200)))

    for slide in list(prs.slides)[1:]:
        title = slide.shapes.title.text
        assert "\n" not in title and len(title) < 120

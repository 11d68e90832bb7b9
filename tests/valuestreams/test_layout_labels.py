"""Handoff labels and connector bundles: readable and clickable on every map.

Checked on every demo map (as imported, in English and every translation) and on
random maps: no two label boxes intersect, no label box intersects a card or a
lane header, and parallel runs of different connectors lie at least a click
area apart.
"""

from __future__ import annotations

import functools
import itertools
import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from valuestreams.analysis import analyze
from valuestreams.diagram import overlay_for
from valuestreams.exports.svg import render_svg
from valuestreams.imports.interchange import parse_document
from valuestreams.imports.maps import map_import
from valuestreams.layout import Geometry, Rect, layout_map
from valuestreams.management.commands.load_demo import translate_document
from valuestreams.mapdata import MapData, load_map_data

from .mapdata_builders import handoff, map_data, step

DEMO = Path(__file__).resolve().parents[2] / "valuestreams" / "demo"
EPS = 0.01
SVG = "{http://www.w3.org/2000/svg}"


def _boxes_meet(a: Rect, b: Rect) -> bool:
    """The two rectangles share more than an edge."""
    return (
        a.x < b.x + b.width - EPS
        and b.x < a.x + a.width - EPS
        and a.y < b.y + b.height - EPS
        and b.y < a.y + a.height - EPS
    )


def label_collisions(geometry: Geometry) -> list[str]:
    """Every label box that meets another label, a card or a lane header, in words."""
    labels = [(c.label, c.label_box.box) for c in geometry.connectors if c.label_box is not None]
    found = [
        f"label {a!r} meets label {b!r}"
        for (a, box_a), (b, box_b) in itertools.combinations(labels, 2)
        if _boxes_meet(box_a, box_b)
    ]
    for text, box in labels:
        found += [
            f"label {text!r} meets card {b.title!r}"
            for b in geometry.boxes
            if _boxes_meet(box, b.card)
        ]
        found += [
            f"label {text!r} meets lane header {lane.name!r}"
            for lane in geometry.lanes
            if _boxes_meet(box, lane.header)
        ]
    return found


def close_parallel_runs(geometry: Geometry) -> list[str]:
    """Pairs of parallel bundle runs (every segment but the stubs at a card's side)
    of different connectors, side by side over some length, closer than the click
    area is wide."""
    hit = geometry.interaction.hit_width
    runs: list[tuple[int, bool, float, float, float]] = []  # handoff, vertical, at, lo, hi
    for c in geometry.connectors:
        for p, q in itertools.pairwise(c.points[1:-1]):
            if abs(p.x - q.x) < EPS:
                runs.append((c.handoff_id, True, p.x, min(p.y, q.y), max(p.y, q.y)))
            elif abs(p.y - q.y) < EPS:
                runs.append((c.handoff_id, False, p.y, min(p.x, q.x), max(p.x, q.x)))
    found = []
    for a, b in itertools.combinations(runs, 2):
        if a[0] == b[0] or a[1] != b[1]:
            continue
        side_by_side = min(a[4], b[4]) - max(a[3], b[3])
        if side_by_side > 1.0 and abs(a[2] - b[2]) < hit - 2 * EPS:  # points are rounded
            found.append(f"handoffs {a[0]} and {b[0]}: {abs(a[2] - b[2]):.1f} px apart")
    return found


def _translated(texts: dict[str, str], text: str) -> str:
    return texts.get(text, text)


def demo_documents() -> list[tuple[str, dict]]:
    """Every demo map file, in English and in every translation (longer words), as
    `load_demo` reads them."""
    tables = {
        path.stem: json.loads(path.read_text("utf-8"))["texts"]
        for path in sorted((DEMO / "translations").glob("*.json"))
    }
    documents = []
    for path in sorted(DEMO.glob("*.json")):
        raw = json.loads(path.read_text("utf-8"))
        documents.append((f"{path.stem}-en", raw))
        for language, texts in tables.items():
            translated = translate_document(raw, functools.partial(_translated, texts))
            documents.append((f"{path.stem}-{language}", translated))
    return documents


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "document"), demo_documents(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_no_label_of_a_demo_map_meets_another_label_a_card_or_a_lane_header(
    workspace, name, document
):
    imported = map_import(workspace=workspace, document=parse_document(document))
    data = load_map_data(imported.pk)
    assert any(h.label for h in data.handoffs), name
    for selected in (None, data.steps[0].id):
        geometry = layout_map(data, overlay_for(analyze(data), selected))
        assert label_collisions(geometry) == []
        assert close_parallel_runs(geometry) == []
        labelled = [c for c in geometry.connectors if c.label]
        assert all(c.label_box is not None for c in labelled)


def test_the_known_collisions_are_gone():
    """The demo onboarding map's "Ticket: desk and badge" lay under "Role profile
    unknown: back to HR": both kinds of run (a bundle crossing a corridor and a
    rework run along it) in one small map."""
    steps = (
        step(1, 1, 2, title="Request accounts"),
        step(2, 2, 2, title="Create accounts"),
        step(3, 2, 2, 1, title="Order laptop"),
        step(4, 3, 2, title="Assign desk"),
        step(5, 2, 4, title="Fix access"),
        step(6, 1, 1, title="Send contract"),
    )
    handoffs = (
        handoff(1, 1, 2, "Ticket: accounts"),
        handoff(2, 1, 3, "Ticket: laptop"),
        handoff(3, 1, 4, "Ticket: desk and badge"),
        handoff(4, 5, 1, "Role profile unknown: back to HR", rework=True),
        handoff(5, 6, 1, "Offer signed"),
    )
    geometry = layout_map(map_data(steps, handoffs))
    assert label_collisions(geometry) == []
    assert close_parallel_runs(geometry) == []


def _frame(geometry: Geometry) -> tuple[list[float], list[float]]:
    return [c.x for c in geometry.columns], [lane.height for lane in geometry.lanes]


def test_a_label_widens_only_the_gutter_it_needs():
    """A straight handoff between two neighbouring cards is shorter than its label:
    that gutter grows; the columns before it and every lane keep their size."""
    steps = (step(1, 1, 1), step(2, 1, 2), step(3, 2, 3), step(4, 2, 4))
    plain = layout_map(map_data(steps, (handoff(1, 1, 2), handoff(2, 3, 4))))
    labelled = layout_map(
        map_data(steps, (handoff(1, 1, 2, "Signed offer received"), handoff(2, 3, 4)))
    )
    (xs_plain, lanes_plain), (xs_labelled, lanes_labelled) = _frame(plain), _frame(labelled)
    assert lanes_labelled == lanes_plain
    assert xs_labelled[0] == xs_plain[0]
    # The gutter grows on both sides of its centre line, the border of column 2.
    shifts = [b - a for a, b in zip(xs_plain, xs_labelled, strict=True)]
    grown = shifts[2]
    assert grown > 0
    assert shifts == pytest.approx([0, grown / 2, grown, grown])
    assert [b.width for b in labelled.boxes] == [b.width for b in plain.boxes]
    label = labelled.connectors[0]
    assert label.label_box is not None
    start, end = label.points[0], label.points[-1]
    assert start.y == end.y  # still one straight line, with the label on it
    box = label.label_box.box
    assert start.x < box.x and box.x + box.width < end.x
    assert label_collisions(labelled) == []


def test_a_map_without_labels_gets_no_extra_room():
    steps = tuple(step(i, 1 + i % 4, 1 + i % 3, i // 12) for i in range(1, 13))
    handoffs = tuple(handoff(i, i, i + 1) for i in range(1, 12))
    geometry = layout_map(map_data(steps, handoffs))
    columns = geometry.columns
    first_card = min(b.x for b in geometry.boxes if b.stage_id == columns[0].stage_id)
    # Every column as wide as its stage name asks, every card its padding from it.
    for column in columns:
        cards = [b for b in geometry.boxes if b.stage_id == column.stage_id]
        assert all(b.x - column.x == first_card - columns[0].x for b in cards)
        assert all(column.x + column.width - b.x - b.width == b.x - column.x for b in cards)


def test_a_long_label_is_shortened_and_keeps_its_full_text_on_hover():
    word = "Onboardingverantwoordelijkheidsoverdracht" * 5
    data = map_data((step(1, 1, 1), step(2, 2, 3)), (handoff(1, 1, 2, word),))
    geometry = layout_map(data)
    (connector,) = geometry.connectors
    assert connector.label_box is not None
    assert connector.label_box.text.text.endswith("…")
    assert connector.label_box.box.width < 2 * geometry.boxes[0].width
    assert geometry.width < 2000
    svg = render_svg(geometry)
    assert f"<title>{word}</title>" in svg


def test_parallel_runs_are_no_closer_than_the_click_area_is_wide():
    """Eight handoffs from one card to cards in other lanes of the next column but
    one share a gutter: they are spread, the gutter grows to hold them."""
    steps = (step(1, 1, 1), *(step(i, 1 + i % 4, 3, i) for i in range(2, 10)))
    handoffs = tuple(handoff(i, 1, i) for i in range(2, 10))
    geometry = layout_map(map_data(steps, handoffs))
    assert close_parallel_runs(geometry) == []
    xs = sorted({p.x for c in geometry.connectors for p in c.points[1:-1]})
    assert len(xs) >= 4


labels = st.one_of(
    st.just(""),
    st.sampled_from(
        ["Ticket", "Offer signed", "Call-back request to Permits", "No news for a week"]
    ),
    st.text(alphabet="abcdefghij klmnö", min_size=1, max_size=60),
    st.text(alphabet="x", min_size=80, max_size=200),
)


@st.composite
def labelled_maps(draw: st.DrawFn, max_steps: int = 12) -> MapData:
    """A random map over 4 lanes × 4 stages, stacks up to three deep, handoffs
    anywhere (rework too) with labels short, long and unbroken."""
    n = draw(st.integers(min_value=2, max_value=max_steps))
    steps = tuple(
        step(i, draw(st.integers(1, 4)), draw(st.integers(1, 4)), draw(st.integers(0, 2)))
        for i in range(1, n + 1)
    )
    pairs = draw(
        st.lists(
            st.tuples(st.integers(1, n), st.integers(1, n)).filter(lambda p: p[0] != p[1]),
            max_size=2 * n,
            unique=True,
        )
    )
    handoffs = tuple(
        handoff(k, a, b, draw(labels), rework=a > b and draw(st.booleans()))
        for k, (a, b) in enumerate(pairs, start=1)
    )
    return map_data(
        steps, handoffs, kind=draw(st.sampled_from(["value_stream", "employee_journey"]))
    )


@settings(deadline=None, max_examples=120)
@given(labelled_maps())
def test_on_random_maps_labels_stay_clear_and_bundles_stay_apart(data):
    geometry = layout_map(data)
    assert label_collisions(geometry) == []
    assert close_parallel_runs(geometry) == []
    # The same map selected and with its hotspots marked: rings and badges too.
    geometry = layout_map(data, overlay_for(analyze(data), data.steps[0].id))
    assert label_collisions(geometry) == []


def test_labels_do_not_change_when_nothing_else_does():
    steps = (step(1, 1, 1), step(2, 2, 2), step(3, 3, 2))
    data = map_data(steps, (handoff(1, 1, 2, "Ticket"), handoff(2, 1, 3, "Ticket")))
    first = layout_map(data)
    again = layout_map(replace(data, name="Renamed"))
    assert [c.label_box for c in first.connectors] == [c.label_box for c in again.connectors]


def test_every_connector_in_the_editor_has_its_own_click_area_no_wider_than_the_spacing():
    """The hit path sits in its connector's group, under its own line, as wide as
    the spacing of parallel runs: the line under the pointer is the one that opens."""
    steps = (step(1, 1, 1), *(step(i, 1 + i % 4, 3, i) for i in range(2, 7)))
    geometry = layout_map(map_data(steps, tuple(handoff(i, 1, i) for i in range(2, 7))))
    root = ET.fromstring(render_svg(geometry, interactive=True))
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class", "").split()[:1] == ["cw-handoff"]]
    assert [g.get("data-handoff-id") for g in groups] == [str(i) for i in range(2, 7)]
    spacing = geometry.interaction.hit_width
    for group in groups:
        hit, line = list(group.iter(f"{SVG}path"))[:2]  # then any boundary marks
        assert hit.get("class") == "cw-hit" and line.get("class") == "cw-line"
        assert hit.get("d") == line.get("d")
        assert hit.get("pointer-events") == "stroke"
        assert float(hit.get("stroke-width", "0")) == spacing
    assert close_parallel_runs(geometry) == []
    exported = ET.fromstring(render_svg(geometry))
    assert not [p for p in exported.iter(f"{SVG}path") if p.get("class") == "cw-hit"]

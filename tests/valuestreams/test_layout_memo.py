"""The layout's and renderer's memos change how fast a drawing comes, never what it shows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
from django.utils import translation

from valuestreams.analysis.engine import analyze
from valuestreams.diagram import diagram_pieces, diagram_svg
from valuestreams.exports import svg as svg_module
from valuestreams.layout import layout_map
from valuestreams.layout import memo as layout_memo
from valuestreams.mapdata import MapData

from .mapdata_builders import big_map, handoff, onboarding


def _forget() -> None:
    """As in a process that never drew anything."""
    layout_memo.clear_all()
    svg_module._MEMO.clear()
    svg_module._LAYERS.clear()
    svg_module._CONTEXTS.clear()
    svg_module._HEADS.clear()


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    _forget()
    yield
    _forget()


def _step(data: MapData, step_id: int, **changes: object) -> MapData:
    steps = tuple(
        replace(s, version=s.version + 1, **changes) if s.id == step_id else s  # type: ignore[arg-type]
        for s in data.steps
    )
    return replace(data, steps=steps, version=data.version + 1)


def _edits(data: MapData) -> list[tuple[str, Callable[[MapData], MapData]]]:
    """What facilitators do, each applied to the map as the edit before left it."""
    first, middle = data.steps[0], data.steps[len(data.steps) // 2]
    lanes = [lane for lane in data.lanes if lane.id != middle.lane_id]
    label_id = data.handoffs[1].id

    def relabel(d: MapData) -> MapData:
        handoffs = tuple(
            replace(h, label="Approval needed first", version=h.version + 1)
            if h.id == label_id
            else h
            for h in d.handoffs
        )
        return replace(d, handoffs=handoffs, version=d.version + 1)

    def connect(d: MapData) -> MapData:
        new = handoff(999, first.id, middle.id, "a new handoff")
        return replace(d, handoffs=(*d.handoffs, new), version=d.version + 1)

    def rework(d: MapData) -> MapData:
        handoffs = tuple(replace(h, rework=True) if h.id == 999 else h for h in d.handoffs)
        return replace(d, handoffs=handoffs, version=d.version + 1)

    def lane_renamed(d: MapData) -> MapData:
        lanes = (replace(d.lanes[0], name="Human Resources and Payroll"), *d.lanes[1:])
        return replace(d, lanes=lanes, version=d.version + 1)

    def lane_recoloured(d: MapData) -> MapData:
        lanes = (replace(d.lanes[0], color="#E45756"), *d.lanes[1:])
        return replace(d, lanes=lanes, version=d.version + 1)

    return [
        ("rename", lambda d: _step(d, middle.id, title=middle.title + " (checked)")),
        ("long title", lambda d: _step(d, middle.id, title="A title long enough " * 4)),
        ("times", lambda d: _step(d, first.id, lead_time_minutes=7_000, process_time_minutes=5)),
        ("value-adding", lambda d: _step(d, first.id, value_adding=not first.value_adding)),
        ("%C&A", lambda d: _step(d, first.id, complete_accurate_pct=42)),
        (
            "move across lanes",
            lambda d: _step(
                d, middle.id, lane_id=lanes[0].id, department_id=lanes[0].department_id
            ),
        ),
        ("move to the top", lambda d: _step(d, middle.id, position=-1)),
        ("label", relabel),
        ("connect", connect),
        ("rework", rework),
        ("lane renamed", lane_renamed),
        ("lane recoloured", lane_recoloured),
    ]


def _drawings(data: MapData) -> list[str]:
    analysis = analyze(data)
    selected = data.steps[len(data.steps) // 2].id
    return [
        "\n".join(diagram_pieces(data, analysis, selected=selected, interactive=True)),
        "\n".join(diagram_pieces(data, analysis, interactive=False)),
        diagram_svg(data, analysis),
    ]


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize(
    "build", [onboarding, lambda: big_map(200, lanes=6, stages=8)], ids=["onboarding", "200 steps"]
)
def test_every_edit_draws_what_a_process_that_remembers_nothing_draws(
    language: str, build: Callable[[], MapData]
) -> None:
    data = build()
    with translation.override(language):
        _drawings(data)  # what the editor drew before the first edit
        for name, edit in _edits(data):
            data = edit(data)
            remembered = _drawings(data)
            _forget()
            assert remembered == _drawings(data), name


def test_a_drawing_in_another_language_is_not_taken_from_the_memos() -> None:
    data = onboarding()
    with translation.override("en"):
        english = _drawings(data)
    with translation.override("de"):
        german = _drawings(data)
    _forget()
    with translation.override("de"):
        assert german == _drawings(data)
    assert german != english


def test_an_unchanged_card_and_route_come_back_as_the_same_objects() -> None:
    data = onboarding()
    before = layout_map(data)
    after = layout_map(_step(data, 7, title="Welcome and introduction day"))
    unchanged = [b for b in before.boxes if b.step_id != 7]
    assert all(
        a is b for a, b in zip(unchanged, [b for b in after.boxes if b.step_id != 7], strict=True)
    )
    renamed = next(b for b in after.boxes if b.step_id == 7)
    assert renamed.title == "Welcome and introduction day"
    # Routes away from the renamed card keep their objects; its own say its new name
    # only through the card, so they are the same routes too.
    assert [c.points for c in before.connectors] == [c.points for c in after.connectors]
    assert all(
        a is b for a, b in zip(before.connectors, after.connectors, strict=True) if not a.label
    )


def test_a_relabelled_handoff_gets_its_new_label_on_a_remembered_route() -> None:
    data = onboarding()
    layout_map(data)
    handoffs = tuple(
        replace(h, label="checked", version=2) if h.id == 1 else h for h in data.handoffs
    )
    connector = next(
        c for c in layout_map(replace(data, handoffs=handoffs)).connectors if c.handoff_id == 1
    )
    assert (connector.label, connector.version) == ("checked", 2)
    assert connector.label_box is not None and connector.label_box.text.text == "checked"

"""Properties of the layout that must hold for every map (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from valuestreams.analysis import analyze
from valuestreams.diagram import overlay_for
from valuestreams.layout import layout_map
from valuestreams.mapdata import MapData

from .mapdata_builders import handoff, map_data, step

minutes = st.one_of(st.none(), st.integers(min_value=0, max_value=5000))


@st.composite
def value_streams(draw: st.DrawFn, max_steps: int = 14) -> MapData:
    """A random value stream over 4 lanes × 4 stages: times may be missing, handoffs
    go anywhere (rework or not, so the forward handoffs may even form a cycle)."""
    n = draw(st.integers(min_value=1, max_value=max_steps))
    steps = []
    for i in range(1, n + 1):
        pt = draw(minutes)
        wait = draw(minutes)
        lt = None if wait is None else (pt or 0) + wait
        steps.append(
            step(
                i,
                draw(st.integers(1, 4)),
                draw(st.integers(1, 4)),
                draw(st.integers(0, 3)),
                process_time_minutes=pt,
                lead_time_minutes=lt,
            )
        )
    pairs = draw(
        st.lists(
            st.tuples(st.integers(1, n), st.integers(1, n), st.booleans()).filter(
                lambda p: p[0] != p[1]
            ),
            max_size=2 * n,
            unique_by=lambda p: (p[0], p[1]),
        )
    )
    handoffs = tuple(
        handoff(k, a, b, rework=rework or (a > b and draw(st.booleans())))
        for k, (a, b, rework) in enumerate(pairs, start=1)
    )
    return map_data(tuple(steps), handoffs)


@settings(deadline=None, max_examples=150)
@given(value_streams())
def test_the_ladder_shows_the_analysiss_critical_path_and_totals(data):
    analysis = analyze(data)
    for geometry in (layout_map(data), layout_map(data, overlay_for(analysis))):
        ladder = geometry.ladder
        assert ladder is not None
        assert ladder.step_ids == analysis.critical_path
        rung_steps = [s for rung in ladder.rungs if rung.kind == "wait" for s in rung.step_ids]
        assert sorted(rung_steps) == sorted(analysis.critical_path)
        m = analysis.metrics
        assert ladder.lead_time_minutes == m.lead_time_minutes
        assert ladder.process_time_minutes == m.process_time_minutes
        assert ladder.activity_ratio == m.activity_ratio
    on_path = {box.step_id for box in geometry.boxes if box.on_critical_path}
    assert on_path == set(analysis.critical_path)

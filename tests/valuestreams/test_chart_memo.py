"""Portfolio figures are built once per content and language, and never served stale."""

from __future__ import annotations

from django.utils import translation

from valuestreams.analysis.portfolio import DepartmentInfo, Flow, Portfolio
from valuestreams.charts import heatmap_figure, sankey_figure


def _portfolio(count: int, wait: float | None = 90.0) -> Portfolio:
    departments = (
        DepartmentInfo(1, "Sales", "S", "#0072B2"),
        DepartmentInfo(2, "IT", "IT", "#E69F00"),
    )
    flow = Flow(1, "Sales", 2, "IT", count, 0, wait, (7,), (), ())
    return Portfolio(480, departments, (), (flow,), (), ())


def test_a_figure_is_shared_while_its_content_and_language_stay_the_same() -> None:
    with translation.override("en"):
        first = heatmap_figure(_portfolio(3))
        # A new portfolio object with the same numbers: the same figure.
        assert heatmap_figure(_portfolio(3)) is first
        assert first["data"][0]["z"] == [[None, 3.0], [None, None]]
        # Other numbers: another figure, with them.
        other = heatmap_figure(_portfolio(4))
        assert other is not first
        assert other["data"][0]["z"] == [[None, 4.0], [None, None]]
        assert sankey_figure(_portfolio(4))["data"][0]["link"]["value"] == [4]
    with translation.override("nl"):
        dutch = heatmap_figure(_portfolio(3))
    assert dutch is not first
    assert dutch["layout"]["xaxis"]["title"]["text"] == "ontvangt"
    assert first["layout"]["xaxis"]["title"]["text"] == "receives"


def test_the_waiting_a_figure_shows_is_part_of_its_content() -> None:
    with translation.override("en"):
        short = sankey_figure(_portfolio(2, wait=30.0))
        long = sankey_figure(_portfolio(2, wait=720.0))
    assert short["data"][0]["link"]["customdata"] == ["30 min"]
    assert long["data"][0]["link"]["customdata"] == ["1.5 d"]

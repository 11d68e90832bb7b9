"""Numbers across all maps of a workspace, for managers: pure, from the maps' analyses.

`workspace_summary(analyses)` takes the cached `MapAnalysis` of every map of a
workspace and returns every map's key metrics and the handoff hotspots of all
current-state maps ranked together. Future states are proposals, so their
hotspots are not ranked with the real ones; their key numbers are listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .results import MapAnalysis, MapMetrics, StepAnalysis

__all__ = ["MapSummary", "PortfolioHotspot", "WorkspaceSummary", "workspace_summary"]


@dataclass(frozen=True, slots=True)
class MapSummary:
    """One map's key numbers."""

    map_id: int
    name: str
    kind: str
    state: str
    working_day_minutes: int
    metrics: MapMetrics


@dataclass(frozen=True, slots=True)
class PortfolioHotspot:
    """A handoff hotspot of one map, ranked against the hotspots of every map."""

    map_id: int
    map_name: str
    working_day_minutes: int
    step: StepAnalysis


@dataclass(frozen=True, slots=True)
class WorkspaceSummary:
    """Every map's key numbers (in the order given) and the top hotspots across maps."""

    maps: tuple[MapSummary, ...]
    hotspots: tuple[PortfolioHotspot, ...]


def workspace_summary(analyses: Sequence[MapAnalysis], *, top: int = 10) -> WorkspaceSummary:
    """Key numbers of every map and the `top` hotspots of the current-state maps.

    Hotspots rank by score (0–100, comparable across maps: each is relative to
    its own map's waiting), then by the waiting at the step, then by map and step
    name, so the order is stable.
    """
    maps = tuple(
        MapSummary(a.map_id, a.name, a.kind, a.state, a.working_day_minutes, a.metrics)
        for a in analyses
    )
    ranked = sorted(
        (
            PortfolioHotspot(a.map_id, a.name, a.working_day_minutes, step)
            for a in analyses
            if a.state == "current"
            for step in a.hotspots
        ),
        key=lambda h: (
            -h.step.hotspot_score,
            -(h.step.wait_minutes or 0.0),
            h.map_name.casefold(),
            h.step.title.casefold(),
        ),
    )
    return WorkspaceSummary(maps, tuple(ranked[:top]))

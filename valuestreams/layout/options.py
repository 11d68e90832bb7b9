"""What the layout takes besides the map: analysis results (`Overlay`) and sizes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from valuestreams.analysis.results import MapAnalysis

__all__ = ["LadderTotals", "LayoutOptions", "Overlay"]


@dataclass(frozen=True, slots=True)
class LadderTotals:
    """Totals printed at the end of the lead-time ladder; times in minutes.

    ``activity_ratio`` is a fraction (0.05 = 5 %). They are the analysis's
    numbers; a ``None`` field is unknown and shows as "—".
    """

    lead_time_minutes: float | None = None
    process_time_minutes: float | None = None
    activity_ratio: float | None = None


@dataclass(frozen=True, slots=True)
class Overlay:
    """Analysis results drawn on top of the map; build it with `from_analysis`.

    ``hotspots`` maps a step id to the reasons it is a hotspot, in words;
    ``critical_path`` lists step ids in order along the analysis's critical path
    (the steps of the lead-time ladder); ``totals`` are the ladder's totals (None:
    unknown); ``selected_step_id`` marks the step the editor has selected.
    """

    hotspots: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    critical_path: tuple[int, ...] = ()
    totals: LadderTotals | None = None
    selected_step_id: int | None = None

    @classmethod
    def from_analysis(
        cls, analysis: MapAnalysis, *, selected_step_id: int | None = None, hotspots: bool = True
    ) -> Overlay:
        """What the analysis adds to the drawing: its critical path and totals for the
        ladder, and (with ``hotspots``) the marked hotspots with their reasons."""
        m = analysis.metrics
        return cls(
            hotspots=(
                {s.id: tuple(str(r) for r in s.reasons) for s in analysis.marked_hotspots}
                if hotspots
                else {}
            ),
            critical_path=analysis.critical_path,
            totals=LadderTotals(m.lead_time_minutes, m.process_time_minutes, m.activity_ratio),
            selected_step_id=selected_step_id,
        )


@dataclass(frozen=True, slots=True)
class LayoutOptions:
    """Sizes of the layout in px; the defaults are tuned for a projector."""

    margin: float = 24
    lane_header_width: float = 184
    stage_header_height: float = 50
    header_gap: float = 10
    box_width: float = 216
    #: Half of the gutter between two columns; vertical connector runs live there.
    cell_pad_x: float = 24
    cell_pad_top: float = 26
    box_gap: float = 22
    #: Strip below the boxes of every lane where back edges (rework) are routed.
    corridor_height: float = 34
    min_box_height: float = 58
    title_size: float = 14
    title_line_height: float = 18
    text_size: float = 13
    text_line_height: float = 17
    max_title_lines: int = 3
    header_size: float = 15
    show_band: bool = True
    show_legend: bool = True
    ladder_height: float = 118
    curve_height: float = 168
    totals_width: float = 214
    band_gap: float = 22
    legend_height: float = 26

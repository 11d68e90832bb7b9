"""The swimlane diagram of a map as SVG: one geometry for the editor, the read-only
page, presentation mode and exports.

Pure: plain map data and its analysis in, SVG text out.
"""

from __future__ import annotations

from .analysis import MapAnalysis
from .analysis.engine import _collector_paused
from .exports.svg import render_svg, render_svg_pieces
from .layout import Geometry, Overlay, layout_map
from .mapdata import MapData


def overlay_for(analysis: MapAnalysis, selected: int | None = None) -> Overlay:
    """What the analysis adds to the drawing: marked hotspots, critical path, ladder totals."""
    return Overlay.from_analysis(analysis, selected_step_id=selected)


def diagram_geometry(data: MapData, analysis: MapAnalysis, selected: int | None = None) -> Geometry:
    """The map's geometry with the analysis drawn on it: what every renderer draws."""
    # Layout and drawing allocate tens of thousands of small objects that stay alive
    # (and the memos hold many more): automatic collections walking them all cost
    # a third of an edit's drawing at 1,000 steps.
    with _collector_paused():
        return layout_map(data, overlay_for(analysis, selected))


def diagram_svg(
    data: MapData, analysis: MapAnalysis, *, selected: int | None = None, interactive: bool = False
) -> str:
    """The map drawn as SVG; `interactive` adds the editor's hooks (focus, add buttons)."""
    with _collector_paused():
        geometry = diagram_geometry(data, analysis, selected)
        return render_svg(geometry, interactive=interactive, title=data.name)


def diagram_pieces(
    data: MapData, analysis: MapAnalysis, *, selected: int | None = None, interactive: bool = False
) -> list[str]:
    """`diagram_svg` before joining: the pieces the editor compares to send only changes."""
    with _collector_paused():
        geometry = diagram_geometry(data, analysis, selected)
        return render_svg_pieces(geometry, interactive=interactive, title=data.name)

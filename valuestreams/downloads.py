"""A map as a file to download: what each format needs, loaded once, and its name and type.

Views and `manage.py export_map` both call `map_export`, so a file from the
command is the file from the button. The drawing itself is pure code in
`valuestreams.exports`; this module only gathers its input (a fixed number of
queries whatever the map's size) and names the result.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.text import slugify

from departments.models import GoalStatus, SharedGoal, Workspace

from .analysis import MapAnalysis, analysis_for_data, compare
from .diagram import diagram_geometry
from .exports.deck import DeckContent, ImprovementItem, deck_bytes, map_deck
from .exports.raster import png_scale, svg_to_pdf, svg_to_png
from .exports.svg import render_svg
from .exports.workspace_deck import GoalItem, KPIItem, WorkspaceDeckContent, workspace_deck
from .imports.interchange import document_to_dict
from .imports.maps import map_document
from .mapdata import MapData, load_map_data, map_data_from
from .models import Improvement, Map, MapKind, MapState
from .portfoliodata import portfolio_for_workspace

__all__ = [
    "CONTENT_TYPES",
    "FORMATS",
    "ExportFile",
    "export_filename",
    "map_export",
    "workspace_export",
]

CONTENT_TYPES = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "svg": "image/svg+xml",
    "png": "image/png",
    "pdf": "application/pdf",
    "json": "application/json",
}
#: Every format a map exports to, in the order the buttons show them.
FORMATS = tuple(CONTENT_TYPES)


@dataclass(frozen=True, slots=True)
class ExportFile:
    """A finished export: its bytes, a file name for the download and its content type."""

    content: bytes
    filename: str
    content_type: str


def export_filename(name: str, fmt: str, on: date) -> str:
    """`office-move-request-2026-11-30.pptx`: the map's name, the date and the extension.

    Letters of any script are kept (the header encodes them); a name with no
    letters at all becomes "map".
    """
    stem = slugify(name, allow_unicode=True)[:80].strip("-") or "map"
    return f"{stem}-{on.isoformat()}.{fmt}"


def _improvements(map_obj: Map) -> tuple[ImprovementItem, ...]:
    """The map's improvements as plain data (one query)."""
    return tuple(
        ImprovementItem(
            title=i.title,
            step=i.step.title if i.step else "",
            impact=i.impact,
            effort=i.effort,
            status=str(i.get_status_display()),
            owner=i.owner,
            quick_win=i.is_quick_win,
        )
        for i in Improvement.objects.filter(map=map_obj).select_related("step")
    )


def deck_content(map_obj: Map, data: MapData, analysis: MapAnalysis, on: date) -> DeckContent:
    """Everything the map deck shows, for a loaded map."""
    comparison = None
    based_on_name = ""
    if map_obj.based_on_id is not None:
        before = load_map_data(map_obj.based_on_id)
        comparison = compare(analysis_for_data(before), analysis)
        based_on_name = before.name
    return DeckContent(
        data=data,
        analysis=analysis,
        geometry=diagram_geometry(data, analysis),
        kind_label=str(MapKind(map_obj.kind).label),
        state_label=str(MapState(map_obj.state).label),
        description=map_obj.description,
        on=on,
        improvements=_improvements(map_obj),
        comparison=comparison,
        based_on_name=based_on_name,
    )


def map_export(*, map_obj: Map, fmt: str, on: date | None = None) -> ExportFile:
    """The map in `fmt` (one of FORMATS). Raises ValueError for an unknown format."""
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    on = on or timezone.localdate()
    content: bytes
    if fmt == "json":
        text = json.dumps(
            document_to_dict(map_document(map_obj=map_obj)), indent=2, ensure_ascii=False
        )
        content = (text + "\n").encode("utf-8")
    else:
        data = map_data_from(map_obj)
        analysis = analysis_for_data(data)
        if fmt == "pptx":
            content = deck_bytes(map_deck(deck_content(map_obj, data, analysis, on)))
        else:
            geometry = diagram_geometry(data, analysis)
            svg = render_svg(geometry, title=data.name)
            if fmt == "svg":
                content = svg.encode("utf-8")
            elif fmt == "png":
                content = svg_to_png(svg, scale=png_scale(geometry.width, geometry.height))
            else:
                content = svg_to_pdf(svg)
    return ExportFile(content, export_filename(map_obj.name, fmt, on), CONTENT_TYPES[fmt])


def _goals(workspace: Workspace) -> tuple[GoalItem, ...]:
    """The workspace's shared goals with their KPIs and latest readings (four queries)."""
    goals = (
        SharedGoal.objects.filter(workspace=workspace)
        .select_related("orchestrator")
        .prefetch_related("participants__department", "kpis__readings")
    )
    items = []
    for goal in goals:
        kpis = []
        for kpi in goal.kpis.all():
            readings = list(kpi.readings.all())  # ordered by date
            latest = readings[-1] if readings else None
            kpis.append(
                KPIItem(
                    name=kpi.name,
                    unit=kpi.unit,
                    baseline=kpi.baseline,
                    target=kpi.target,
                    latest=latest.value if latest else None,
                    latest_date=latest.date if latest else None,
                    progress=kpi.progress(latest.value) if latest else None,
                )
            )
        items.append(
            GoalItem(
                title=goal.title,
                status=str(GoalStatus(goal.status).label),
                orchestrator=goal.orchestrator.name if goal.orchestrator else "",
                departments=tuple(p.department.name for p in goal.participants.all()),
                kpis=tuple(kpis),
            )
        )
    return tuple(items)


def workspace_export(*, workspace: Workspace, on: date | None = None) -> ExportFile:
    """The managers' deck of a workspace: maps' key numbers, top hotspots, shared goals.

    Cross-map numbers come from `portfolio_for_workspace`, the manager dashboard's
    own computation, so the deck and the dashboard agree.
    """
    on = on or timezone.localdate()
    content = WorkspaceDeckContent(
        workspace=workspace.name,
        on=on,
        portfolio=portfolio_for_workspace(workspace),
        kind_labels={k: str(label) for k, label in MapKind.choices},
        goals=_goals(workspace),
    )
    return ExportFile(
        deck_bytes(workspace_deck(content)),
        export_filename(workspace.name, "pptx", on),
        CONTENT_TYPES["pptx"],
    )

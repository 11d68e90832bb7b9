"""Read-only pages of maps: the workspace home, the map list and a map's detail."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from departments.access import get_workspace_for_user

from ..access import get_map_for_user
from ..mapdata import map_data_from
from ..models import Map, MapKind


def _maps_with_counts(workspace_id: int) -> list[Map]:
    # Counts in one query: the home page stays fast however many maps there are.
    return list(
        Map.objects.filter(workspace_id=workspace_id)
        .select_related("persona", "based_on")
        .annotate(
            step_count=Count("steps", distinct=True),
            handoff_count=Count("handoffs", distinct=True),
            rework_count=Count("handoffs", filter=Q(handoffs__rework=True), distinct=True),
        )
    )


@require_GET
def workspace_home(request: HttpRequest, slug: str) -> HttpResponse:
    """Maps grouped by kind with their key numbers, and what needs attention."""
    workspace = get_workspace_for_user(request, slug)
    grouped: dict[str, list[Map]] = defaultdict(list)
    for map_obj in _maps_with_counts(workspace.pk):
        grouped[map_obj.kind].append(map_obj)
    groups = [(label, grouped.get(kind, [])) for kind, label in MapKind.choices]
    return TemplateResponse(
        request,
        "valuestreams/workspace_home.html",
        {
            "workspace": workspace,
            "groups": groups,
            "unclear_rights": workspace.decision_rights.filter(status="unclear").count(),
            "goal_count": workspace.goals.count(),
            "department_count": workspace.departments.count(),
        },
    )


@require_GET
def map_list(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = get_workspace_for_user(request, slug)
    return TemplateResponse(
        request,
        "valuestreams/map_list.html",
        {"workspace": workspace, "maps": _maps_with_counts(workspace.pk)},
    )


@require_GET
def map_detail(request: HttpRequest, slug: str, map_id: int) -> HttpResponse:
    """Steps per lane and stage, and the handoffs, readable without JavaScript."""
    map_obj = get_map_for_user(request, slug, map_id)
    data = map_data_from(map_obj)
    cells: dict[tuple[int, int], list[object]] = defaultdict(list)
    for step in data.steps:
        cells[(step.lane_id, step.stage_id)].append(step)
    rows = [
        (lane, [cells.get((lane.id, stage.id), []) for stage in data.stages]) for lane in data.lanes
    ]
    step_by_id = {step.id: step for step in data.steps}
    lane_by_id = {lane.id: lane for lane in data.lanes}
    handoffs = [
        {
            "handoff": h,
            "from": step_by_id[h.from_step_id],
            "to": step_by_id[h.to_step_id],
            "from_lane": lane_by_id[step_by_id[h.from_step_id].lane_id],
            "to_lane": lane_by_id[step_by_id[h.to_step_id].lane_id],
        }
        for h in data.handoffs
    ]
    return TemplateResponse(
        request,
        "valuestreams/map_detail.html",
        {
            "workspace": map_obj.workspace,
            "map": map_obj,
            "data": data,
            "rows": rows,
            "handoffs": handoffs,
            "future_states": map_obj.future_states.all(),
        },
    )

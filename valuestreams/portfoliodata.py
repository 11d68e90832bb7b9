"""The loader of the portfolio: a workspace's maps and context as plain data.

`portfolio_for_workspace` costs the same number of queries whatever the number
of maps (maps, departments, decision rights and their departments, step and
handoff links to decision rights, KPI bindings, improvements; four more for the
maps whose analysis is not cached), then hands plain data to the pure
`valuestreams.analysis.portfolio.build_portfolio`.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from departments.models import DecisionRight, Department, Workspace

from .analysis.cache import analyses_for_maps
from .analysis.engine import _collector_paused
from .analysis.portfolio import (
    DecisionRightInfo,
    DepartmentInfo,
    GoalLink,
    ImprovementInfo,
    Portfolio,
    PortfolioInput,
    build_portfolio,
)
from .mapdata import maps_data_from
from .models import Handoff, Improvement, KPIMapMetric, Map, Step


def load_portfolio_input(workspace: Workspace, *, today: dt.date | None = None) -> PortfolioInput:
    """Everything `build_portfolio` needs for `workspace`, in a fixed number of queries."""
    maps = list(Map.objects.for_workspace(workspace).select_related("workspace", "persona"))
    # Loading, analysing and caching fifty maps allocates hundreds of thousands
    # of objects that all stay alive; with the cyclic collector running, storing
    # them in the cache set off full collections over that heap again and again.
    with _collector_paused():
        analyses = analyses_for_maps(maps, maps_data_from)
    departments = tuple(
        DepartmentInfo(d.pk, d.name, d.short_name, d.color)
        for d in Department.objects.filter(workspace=workspace)
    )
    rights = tuple(
        DecisionRightInfo(r.pk, r.area, r.status, tuple(sorted(d.pk for d in r.departments.all())))
        for r in DecisionRight.objects.filter(workspace=workspace).prefetch_related("departments")
    )
    step_rights = dict(
        Step.objects.filter(map__workspace=workspace, decision_right__isnull=False).values_list(
            "id", "decision_right_id"
        )
    )
    handoff_rights = dict(
        Handoff.objects.filter(map__workspace=workspace, decision_right__isnull=False).values_list(
            "id", "decision_right_id"
        )
    )
    links = tuple(
        GoalLink(b.kpi.goal_id, b.kpi.goal.title, b.kpi_id, b.kpi.name, b.map_id, b.metric)
        for b in KPIMapMetric.objects.filter(map__workspace=workspace).select_related("kpi__goal")
    )
    improvements = tuple(
        ImprovementInfo(
            i.pk, i.title, i.map_id, i.step_id, i.impact, i.effort, i.status, i.done_date
        )
        for i in Improvement.objects.filter(workspace=workspace)
    )
    return PortfolioInput(
        workspace_id=workspace.pk,
        working_day_minutes=workspace.working_day_minutes,
        today=today or timezone.localdate(),
        departments=departments,
        analyses=tuple(analyses[m.pk] for m in maps),
        decision_rights=rights,
        step_rights=step_rights,
        handoff_rights=handoff_rights,
        goal_links=links,
        improvements=improvements,
    )


def portfolio_for_workspace(
    workspace: Workspace, *, kind: str | None = None, department_id: int | None = None
) -> Portfolio:
    """The portfolio of `workspace`'s current-state maps, optionally filtered.

    The one call a view or an export needs; see `build_portfolio` for the filters.
    """
    return build_portfolio(load_portfolio_input(workspace), kind=kind, department_id=department_id)

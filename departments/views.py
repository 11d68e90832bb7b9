"""Pages of a workspace: its home, departments and shared goals (read side)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from .access import get_workspace_for_user
from .models import KPI, DecisionRight, Department, KPIReading, SharedGoal, Workspace


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The user's workspaces; straight into the workspace when there is only one."""
    workspaces = list(Workspace.objects.for_user(request.user))
    if len(workspaces) == 1:
        return HttpResponseRedirect(reverse("workspace_home", args=[workspaces[0].slug]))
    return TemplateResponse(request, "departments/home.html", {"workspaces": workspaces})


@require_GET
def department_list(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = get_workspace_for_user(request, slug)
    departments = workspace.departments.annotate(lane_count=Count("lanes", distinct=True))
    unclear = workspace.decision_rights.filter(status="unclear").prefetch_related("departments")
    return TemplateResponse(
        request,
        "departments/department_list.html",
        {"workspace": workspace, "departments": departments, "unclear_rights": unclear},
    )


@require_GET
def department_detail(request: HttpRequest, slug: str, department_id: int) -> HttpResponse:
    workspace = get_workspace_for_user(request, slug)
    department = get_object_or_404(Department, workspace=workspace, pk=department_id)
    rights = DecisionRight.objects.filter(departments=department).prefetch_related("departments")
    goals = SharedGoal.objects.filter(participants__department=department).distinct()
    return TemplateResponse(
        request,
        "departments/department_detail.html",
        {"workspace": workspace, "department": department, "rights": rights, "goals": goals},
    )


@require_GET
def goal_list(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = get_workspace_for_user(request, slug)
    goals = workspace.goals.select_related("orchestrator").prefetch_related(
        "participants__department", "kpis"
    )
    return TemplateResponse(
        request, "departments/goal_list.html", {"workspace": workspace, "goals": goals}
    )


@require_GET
def goal_detail(request: HttpRequest, slug: str, goal_id: int) -> HttpResponse:
    workspace = get_workspace_for_user(request, slug)
    goal = get_object_or_404(
        SharedGoal.objects.select_related("orchestrator").prefetch_related(
            "participants__department",
            Prefetch(
                "kpis",
                queryset=KPI.objects.prefetch_related(
                    Prefetch("readings", queryset=KPIReading.objects.order_by("date"))
                ),
            ),
        ),
        workspace=workspace,
        pk=goal_id,
    )
    return TemplateResponse(
        request, "departments/goal_detail.html", {"workspace": workspace, "goal": goal}
    )

"""Departments, decision rights and shared goals seen through the maps.

These pages belong to the workspace's people and goals, but they show what the
maps say about them (handoffs, hotspots, metrics), so they live here: the
`departments` app does not know maps.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from departments.access import get_workspace_for_user
from departments.forms import KPIReadingForm
from departments.kpis import KPIStatus, kpi_status
from departments.models import KPI, DecisionRight, Department, KPIReading, Role, SharedGoal
from departments.pages import form_page, model_form_page, post_data, save_or_report

from ..analysis import analysis_for_map
from ..analysis.portfolio import Hotspot
from ..charts import kpi_figure
from ..models import Handoff, KPIMapMetric, Map, MapState, Step
from ..portfoliodata import portfolio_for_workspace
from ..services_manager import decision_right_link


@require_GET
def department_detail(request: HttpRequest, slug: str, department_id: int) -> HttpResponse:
    """A department's identity, decision rights, handoffs across all maps, hotspots and goals."""
    workspace = get_workspace_for_user(request, slug)
    department = get_object_or_404(Department, workspace=workspace, pk=department_id)
    rights = DecisionRight.objects.filter(departments=department).prefetch_related("departments")
    participations = department.goal_participations.select_related("goal").order_by("goal__title")
    portfolio = portfolio_for_workspace(workspace)
    return TemplateResponse(
        request,
        "departments/department_detail.html",
        {
            "workspace": workspace,
            "department": department,
            "rights": rights,
            "participations": participations,
            "portfolio": portfolio,
            "sent": portfolio.flows_from(department.pk),
            "received": portfolio.flows_to(department.pk),
            "hotspots": portfolio.hotspots_in(department.pk),
        },
    )


@dataclass(frozen=True)
class RightUse:
    """A decision right with the steps and hotspots that depend on it."""

    right: DecisionRight
    steps: list[Step]
    handoffs: list[Handoff]
    hotspots: tuple[Hotspot, ...]


@require_GET
def decision_right_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Who decides what, and which steps and hotspots wait for each decision."""
    workspace = get_workspace_for_user(request, slug)
    rights = list(workspace.decision_rights.prefetch_related("departments"))
    steps: dict[int, list[Step]] = defaultdict(list)
    for step in (
        Step.objects.filter(map__workspace=workspace, decision_right__isnull=False)
        .select_related("map", "lane__department")
        .order_by("map__name", "title")
    ):
        steps[step.decision_right_id or 0].append(step)
    handoffs: dict[int, list[Handoff]] = defaultdict(list)
    for handoff in Handoff.objects.filter(
        map__workspace=workspace, decision_right__isnull=False
    ).select_related("map", "from_step", "to_step"):
        handoffs[handoff.decision_right_id or 0].append(handoff)
    portfolio = portfolio_for_workspace(workspace)
    uses = [
        RightUse(r, steps[r.pk], handoffs[r.pk], portfolio.hotspots_for_right(r.pk)) for r in rights
    ]
    return TemplateResponse(
        request,
        "departments/decision_right_list.html",
        {"workspace": workspace, "uses": uses},
    )


@dataclass(frozen=True)
class KPIView:
    """A KPI on the goal page: status, chart, the bound map's values, the reading form."""

    kpi: KPI
    status: KPIStatus
    figure: dict[str, Any]
    binding: KPIMapMetric | None
    map_current: float | None
    map_future: float | None
    future_map: Map | None
    form: KPIReadingForm

    @property
    def chart_id(self) -> str:
        """The id of the KPI's chart on the page."""
        return f"kpi-chart-{self.kpi.pk}"


def _kpi_view(kpi: KPI, working_day_minutes: int) -> KPIView:
    readings = list(kpi.readings.all())
    binding: KPIMapMetric | None = getattr(kpi, "map_metric", None)
    current = future = None
    future_map = None
    if binding is not None:
        current_map = binding.map
        current = binding.in_unit(
            getattr(
                analysis_for_map(current_map.pk, version=current_map.version).metrics,
                binding.metric,
            ),
            working_day_minutes,
        )
        futures = sorted(current_map.future_states.all(), key=lambda m: m.pk)
        if futures:
            future_map = futures[-1]
            future = binding.in_unit(
                getattr(
                    analysis_for_map(future_map.pk, version=future_map.version).metrics,
                    binding.metric,
                ),
                working_day_minutes,
            )
    marks = [
        (str(label), value)
        for label, value in ((_("map now"), current), (_("future state"), future))
        if value is not None
    ]
    return KPIView(
        kpi=kpi,
        status=kpi_status(
            direction=kpi.direction,
            baseline=kpi.baseline,
            target=kpi.target,
            values=[r.value for r in readings],
        ),
        figure=kpi_figure(
            name=kpi.name,
            unit=kpi.unit,
            readings=[(r.date, r.value) for r in readings],
            baseline=kpi.baseline,
            target=kpi.target,
            map_values=marks,
        ),
        binding=binding,
        map_current=current,
        map_future=future,
        future_map=future_map,
        form=KPIReadingForm(None, kpi=kpi, auto_id=f"kpi{kpi.pk}_%s"),
    )


@require_GET
def goal_detail(request: HttpRequest, slug: str, goal_id: int) -> HttpResponse:
    """A shared goal: departments with risk and reward, KPIs with chart, status and map values."""
    workspace = get_workspace_for_user(request, slug)
    goal = get_object_or_404(
        SharedGoal.objects.select_related("orchestrator").prefetch_related(
            "participants__department",
            Prefetch(
                "kpis",
                queryset=KPI.objects.select_related("map_metric__map").prefetch_related(
                    Prefetch("readings", queryset=KPIReading.objects.order_by("date")),
                    Prefetch("map_metric__map__future_states"),
                ),
            ),
        ),
        workspace=workspace,
        pk=goal_id,
    )
    return TemplateResponse(
        request,
        "departments/goal_detail.html",
        {
            "workspace": workspace,
            "goal": goal,
            "kpis": [_kpi_view(k, workspace.working_day_minutes) for k in goal.kpis.all()],
            "today": dt.date.today().isoformat(),
        },
    )


class KPIMapMetricForm(forms.ModelForm[KPIMapMetric]):
    """Which map metric a KPI follows; no map means the KPI follows none."""

    map = forms.ModelChoiceField(
        queryset=Map.objects.none(),
        required=False,
        label=gettext_lazy("Map"),
        help_text=gettext_lazy("A current-state map; leave empty to unbind the KPI."),
    )

    class Meta:
        model = KPIMapMetric
        fields = ["map", "metric", "unit"]

    def __init__(self, *args: Any, kpi: KPI, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.kpi = kpi
        map_field = self.fields["map"]
        assert isinstance(map_field, forms.ModelChoiceField)
        map_field.queryset = Map.objects.filter(
            workspace_id=kpi.goal.workspace_id, state=MapState.CURRENT
        )


@require_http_methods(["GET", "POST"])
def kpi_map_metric_edit(request: HttpRequest, slug: str, goal_id: int, kpi_id: int) -> HttpResponse:
    """Bind a KPI to a metric of a map (or unbind it): facilitators only."""
    workspace = get_workspace_for_user(request, slug, Role.FACILITATOR)
    kpi = get_object_or_404(
        KPI.objects.select_related("goal"), goal__workspace=workspace, goal_id=goal_id, pk=kpi_id
    )
    binding = KPIMapMetric.objects.filter(kpi=kpi).first()
    form = KPIMapMetricForm(post_data(request), instance=binding, kpi=kpi)
    goal_url = reverse("goal_detail", args=[slug, goal_id])
    if request.method == "POST" and form.is_valid() and form.cleaned_data["map"] is None:
        if binding is not None:
            save_or_report(form, binding.delete)
        return HttpResponseRedirect(goal_url)
    return model_form_page(
        request,
        form,
        saved_message=lambda b: (
            _("“%(kpi)s” now follows the map “%(map)s”.") % {"kpi": kpi.name, "map": b.map.name}
        ),
        success_url=goal_url,
        workspace=workspace,
        title=_("KPI and map"),
        eyebrow=kpi.name,
        cancel_url=goal_url,
    )


class StepChoices(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Steps labelled with their map and department."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.map.name} · {obj.lane.department.name} · {obj.title}"


class HandoffChoices(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Handoffs labelled with their map and the steps they join."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.map.name} · {obj.from_step.title} → {obj.to_step.title}"


class DecisionRightLinksForm(forms.Form):
    """The steps and handoffs of the workspace's maps that depend on one decision right."""

    steps = StepChoices(
        queryset=Step.objects.none(),
        required=False,
        label=gettext_lazy("Steps"),
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )
    handoffs = HandoffChoices(
        queryset=Handoff.objects.none(),
        required=False,
        label=gettext_lazy("Handoffs"),
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )

    def __init__(self, *args: Any, right: DecisionRight, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {"steps": list(right.steps.all()), "handoffs": list(right.handoffs.all())},
        )
        super().__init__(*args, **kwargs)
        ws = right.workspace_id
        steps = self.fields["steps"]
        handoffs = self.fields["handoffs"]
        assert isinstance(steps, forms.ModelMultipleChoiceField)
        assert isinstance(handoffs, forms.ModelMultipleChoiceField)
        steps.queryset = (
            Step.objects.filter(map__workspace_id=ws)
            .select_related("map", "lane__department")
            .order_by("map__name", "map__state", "title")
        )
        handoffs.queryset = (
            Handoff.objects.filter(map__workspace_id=ws)
            .select_related("map", "from_step", "to_step")
            .order_by("map__name", "map__state", "id")
        )


@require_http_methods(["GET", "POST"])
def decision_right_links(request: HttpRequest, slug: str, decision_right_id: int) -> HttpResponse:
    """Choose the steps and handoffs that depend on a decision right: facilitators only."""
    workspace = get_workspace_for_user(request, slug, Role.FACILITATOR)
    right = get_object_or_404(DecisionRight, workspace=workspace, pk=decision_right_id)
    form = DecisionRightLinksForm(post_data(request), right=right)
    list_url = reverse("decision_right_list", args=[slug]) + f"#right-{right.pk}"
    if request.method == "POST" and form.is_valid():
        decision_right_link(
            right=right,
            step_ids=[s.pk for s in form.cleaned_data["steps"]],
            handoff_ids=[h.pk for h in form.cleaned_data["handoffs"]],
        )
        messages.success(request, _("Steps and handoffs of “%s” saved.") % right.area)
        return HttpResponseRedirect(list_url)
    return form_page(
        request,
        form,
        workspace=workspace,
        title=_("What depends on this decision"),
        eyebrow=right.area,
        intro=_(
            "Choose the steps and handoffs that wait for this decision. When the decision"
            " right is unclear or contested, it is named among the reasons of their hotspots."
        ),
        cancel_url=list_url,
    )

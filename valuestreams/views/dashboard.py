"""The workspace dashboard: where handoffs between departments hurt, across all maps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from departments.access import get_workspace_for_user
from departments.models import Workspace

from ..analysis.portfolio import METRIC_LABELS, TABLE_METRICS, MapRow, Portfolio
from ..charts import heatmap_figure, sankey_figure
from ..models import MapKind
from ..portfoliodata import portfolio_for_workspace

TOP_HOTSPOTS = 10
SORT_KEYS = ("name", "kind", *TABLE_METRICS)


class DashboardFilterForm(forms.Form):
    """The dashboard's filters and the maps table's order, read from the query string."""

    kind = forms.ChoiceField(
        label=_("Map kind"), required=False, choices=[("", _("All kinds")), *MapKind.choices]
    )
    department = forms.TypedChoiceField(
        label=_("Department"), required=False, coerce=int, empty_value=None
    )
    sort = forms.ChoiceField(
        required=False, choices=[(k, k) for k in SORT_KEYS], widget=forms.HiddenInput
    )
    desc = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [
            ("", _("All departments")),
            *workspace.departments.values_list("pk", "name"),
        ]


@dataclass(frozen=True)
class SortLink:
    """A column header of the maps table: where a click sorts, and how it is sorted now."""

    key: str
    label: str
    query: str
    active: bool
    desc: bool


def _sorted_rows(rows: tuple[MapRow, ...], key: str, desc: bool) -> list[MapRow]:
    """Rows by name, kind or a metric; unknown metrics always last."""
    if key in ("name", "kind"):
        return sorted(rows, key=lambda r: getattr(r, key).casefold(), reverse=desc)
    known = [r for r in rows if getattr(r.metrics, key) is not None]
    unknown = [r for r in rows if getattr(r.metrics, key) is None]
    return sorted(known, key=lambda r: getattr(r.metrics, key), reverse=desc) + unknown


def _sort_links(request: HttpRequest, key: str, desc: bool) -> list[SortLink]:
    labels = {"name": _("Map"), "kind": _("Kind"), **METRIC_LABELS}
    links = []
    for name in SORT_KEYS:
        query = request.GET.copy()
        query["sort"] = name
        next_desc = not desc if name == key else name not in ("name", "kind")
        query["desc"] = "1" if next_desc else ""
        links.append(SortLink(name, str(labels[name]), query.urlencode(), name == key, desc))
    return links


def dashboard_context(
    request: HttpRequest, workspace: Workspace, form: DashboardFilterForm
) -> dict[str, Any]:
    """What the dashboard shows for the filters in `form` (ignored when invalid)."""
    values = form.cleaned_data if form.is_valid() else {}
    portfolio: Portfolio = portfolio_for_workspace(
        workspace, kind=values.get("kind") or None, department_id=values.get("department")
    )
    key = values.get("sort") or "name"
    desc = bool(values.get("desc"))
    names, counts = portfolio.matrix("count")
    _names, waits = portfolio.matrix("wait")
    return {
        "workspace": workspace,
        "form": form,
        "portfolio": portfolio,
        "worst": portfolio.worst_flow,
        "hotspots": portfolio.hotspots[:TOP_HOTSPOTS],
        "rows": _sorted_rows(portfolio.maps, key, desc),
        "sort_links": _sort_links(request, key, desc),
        "matrix_names": names,
        "matrix_rows": [
            (name, list(zip(counts[i], waits[i], strict=True))) for i, name in enumerate(names)
        ],
        "heatmap": heatmap_figure(portfolio) if portfolio.flows else None,
        "sankey": sankey_figure(portfolio) if portfolio.flows else None,
    }


@require_GET
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """The manager's start page: heatmap, flows, top hotspots, maps, wins."""
    workspace = get_workspace_for_user(request, slug)
    form = DashboardFilterForm(request.GET or None, workspace=workspace)
    return TemplateResponse(
        request, "valuestreams/dashboard.html", dashboard_context(request, workspace, form)
    )

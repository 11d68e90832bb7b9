"""The improvement board: ideas to done, quick wins first; facilitators add and edit."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from departments.access import get_workspace_for_user
from departments.models import Role, Workspace
from departments.pages import model_form_page, post_data

from ..forms import request_values
from ..forms_maps import ImprovementForm
from ..models import Improvement, ImprovementStatus


def board_columns(improvements: list[Improvement]) -> list[tuple[str, str, list[Improvement]]]:
    """(status, label, improvements) per board column, quick wins first in each.

    Within a column: quick wins, then higher impact, then less effort, then title.
    """
    columns = []
    for status, label in ImprovementStatus.choices:
        items = sorted(
            (i for i in improvements if i.status == status),
            key=lambda i: (not i.is_quick_win, -i.impact, i.effort, i.title.casefold()),
        )
        columns.append((status, str(label), items))
    return columns


@require_GET
def improvement_list(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = get_workspace_for_user(request, slug)
    improvements = list(workspace.improvements.select_related("map", "step"))
    return TemplateResponse(
        request,
        "valuestreams/improvement_list.html",
        {
            "workspace": workspace,
            "columns": board_columns(improvements),
            "quick_win_count": sum(1 for i in improvements if i.is_quick_win),
        },
    )


def _improvement_form_page(
    request: HttpRequest, workspace: Workspace, improvement: Improvement | None
) -> HttpResponse:
    initial = {}
    map_id = request_values(request.GET, "map")["map"]
    if improvement is None and map_id is not None:
        initial["map"] = map_id
    form = ImprovementForm(
        post_data(request), instance=improvement, initial=initial, workspace=workspace
    )
    list_url = reverse("improvement_list", args=[workspace.slug])
    if improvement is None:
        form.instance.created_by_id = request.user.pk
    return model_form_page(
        request,
        form,
        saved_message=lambda i: _("Improvement “%s” saved.") % i.title,
        success_url=list_url,
        workspace=workspace,
        title=_("Edit improvement") if improvement else _("New improvement"),
        eyebrow=_("Improvements"),
        cancel_url=list_url,
    )


@require_http_methods(["GET", "POST"])
def improvement_create(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = get_workspace_for_user(request, slug, Role.FACILITATOR)
    return _improvement_form_page(request, workspace, None)


@require_http_methods(["GET", "POST"])
def improvement_edit(request: HttpRequest, slug: str, improvement_id: int) -> HttpResponse:
    workspace = get_workspace_for_user(request, slug, Role.FACILITATOR)
    improvement = get_object_or_404(Improvement, workspace=workspace, pk=improvement_id)
    return _improvement_form_page(request, workspace, improvement)

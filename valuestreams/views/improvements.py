"""The improvement board: ideas to done, quick wins first; facilitators add, edit and move."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from departments.access import HtmxHttpRequest, get_workspace_for_user
from departments.models import Role, Workspace
from departments.pages import model_form_page, post_data

from ..access import get_map_for_user
from ..analysis.portfolio import FutureState
from ..forms import request_values
from ..forms_maps import ImprovementForm
from ..models import Improvement, ImprovementStatus, Map, Step
from ..portfoliodata import portfolio_for_workspace
from ..services_manager import improvement_from_step, improvement_move


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


@dataclass(frozen=True)
class MatrixCell:
    """One cell of the quick-win matrix: an impact × effort pair and its open cards."""

    impact: int
    effort: int
    items: list[Improvement]

    @property
    def quick(self) -> bool:
        """The quick-win corner: impact 4–5 for effort 1–2."""
        return self.impact >= 4 and self.effort <= 2


def quick_win_matrix(improvements: list[Improvement]) -> list[tuple[int, list[MatrixCell]]]:
    """Rows of impact 5 down to 1, columns of effort 1 to 5; cards not done yet."""
    return [
        (
            impact,
            [
                MatrixCell(
                    impact,
                    effort,
                    [
                        i
                        for i in improvements
                        if i.impact == impact and i.effort == effort and i.status != "done"
                    ],
                )
                for effort in range(1, 6)
            ],
        )
        for impact in range(5, 0, -1)
    ]


def _futures(workspace: Workspace, improvements: list[Improvement]) -> dict[int, FutureState]:
    """Each done card's before/after numbers, by card id, where its map has a future state."""
    if not any(i.status == "done" and i.map_id for i in improvements):
        return {}
    rows = {row.map_id: row.future for row in portfolio_for_workspace(workspace).maps}
    out = {}
    for item in improvements:
        if item.status == "done" and item.map is not None:
            future = rows.get(item.map.based_on_id or item.map.pk)
            if future is not None:
                out[item.pk] = future
    return out


def _board(request: HttpRequest, workspace: Workspace) -> TemplateResponse:
    """The board page, or only its `board` fragment for htmx."""
    improvements = list(workspace.improvements.select_related("map", "step"))
    futures = _futures(workspace, improvements)
    for item in improvements:
        item.future = futures.get(item.pk)  # type: ignore[attr-defined]
    template = "valuestreams/improvement_list.html"
    if getattr(request, "htmx", False):
        template += "#board"
    return TemplateResponse(
        request,
        template,
        {
            "workspace": workspace,
            "columns": board_columns(improvements),
            "statuses": ImprovementStatus.choices,
            "matrix": quick_win_matrix(improvements),
            "quick_win_count": sum(1 for i in improvements if i.is_quick_win),
        },
    )


@require_GET
def improvement_list(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = get_workspace_for_user(request, slug)
    return _board(request, workspace)


class MoveForm(forms.Form):
    """Which column a card goes to."""

    status = forms.ChoiceField(choices=ImprovementStatus.choices)


@require_POST
def improvement_status(request: HtmxHttpRequest, slug: str, improvement_id: int) -> HttpResponse:
    """Move a card to another column: the board fragment for htmx, a redirect otherwise."""
    workspace = get_workspace_for_user(request, slug, Role.FACILITATOR)
    improvement = get_object_or_404(Improvement, workspace=workspace, pk=improvement_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose one of the board's columns."))
    improvement_move(improvement=improvement, status=ImprovementStatus(form.cleaned_data["status"]))
    if request.htmx:
        return _board(request, workspace)
    messages.success(
        request,
        _("“%(title)s” moved to %(column)s.")
        % {"title": improvement.title, "column": improvement.get_status_display()},
    )
    return HttpResponseRedirect(reverse("improvement_list", args=[slug]))


class FromStepForm(forms.Form):
    """Which text of the step becomes a card: `pain_point` or `opportunity`, and its index."""

    kind = forms.ChoiceField(choices=[("pain_point", "pain_point"), ("opportunity", "opportunity")])
    index = forms.IntegerField(min_value=0)

    def text_of(self, step: Step) -> str | None:
        """The chosen pain point or opportunity, or None when there is no such one."""
        texts = (
            step.pain_points if self.cleaned_data["kind"] == "pain_point" else step.opportunities
        )
        index = self.cleaned_data["index"]
        if not isinstance(texts, list) or index >= len(texts) or not str(texts[index]).strip():
            return None
        return str(texts[index])


@require_POST
def improvement_from_step_view(
    request: HttpRequest, slug: str, map_id: int, step_id: int
) -> HttpResponse:
    """Make a card from one pain point or opportunity of a step, in one click."""
    map_obj: Map = get_map_for_user(request, slug, map_id, Role.FACILITATOR)
    step = get_object_or_404(Step.objects.select_related("map"), map=map_obj, pk=step_id)
    form = FromStepForm(request.POST)
    text = form.text_of(step) if form.is_valid() else None
    back = reverse("map_detail", args=[slug, map_obj.pk]) + f"#step-{step.pk}"
    if text is None:
        messages.error(request, _("That pain point or opportunity is no longer on the step."))
        return HttpResponseRedirect(back)
    card, created = improvement_from_step(step=step, text=text, user_id=request.user.pk)
    if created:
        messages.success(request, _("“%s” is on the improvement board.") % card.title)
    else:
        messages.info(request, _("“%s” was already on the improvement board.") % card.title)
    return HttpResponseRedirect(back)


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

"""The interactive swimlane editor: thin views around the editor services.

Every write is one POST that answers with the `live` fragment of the editor's
template: the diagram (the swap target) plus out-of-band swaps of the metrics
panel, the undo bar and the side panel. Bad input answers 422 with the form in
the side panel; a stale version answers 409 with the newer values. Viewers may
look (and follow changes live); every write needs the editor role.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect, retarget

from departments.access import HtmxHttpRequest
from departments.formats import format_signed
from departments.models import Role

from .. import services
from ..access import get_map_for_user
from ..analysis import MapAnalysis, analysis_for_data
from ..analysis.definitions import NoteLine, analysis_figures, figure, note_lines
from ..changes import UndoError
from ..forms import (
    FutureStateForm,
    HandoffForm,
    HandoffUpdateForm,
    LaneForm,
    PositionForm,
    QuickStepForm,
    StageForm,
    StepForm,
    StepMoveForm,
    UndoForm,
    request_values,
)
from ..mapdata import MapData, map_data_from
from ..models import Handoff, Lane, Map, MapChange, Stage, Step
from .editor_live import live_diagram, live_response, unchanged_since
from .exports import download_links

TEMPLATE = "valuestreams/editor.html"
PRESENT_TEMPLATE = "valuestreams/editor_present.html"
#: How many changes the history panel lists.
HISTORY_LENGTH = 30
#: Side panels that do not show the stages and lanes (all others do, below a message).
PANELS_WITHOUT_STRUCTURE = {"step", "add", "handoff", "history", "gone", "keep"}


#: The metrics panel's figures by their analysis key, with the ids their boxes have
#: always had (`metric-cross`, …), which scripts and tests address.
_PANEL_IDS = {
    "lead_time_minutes": "lead_time",
    "process_time_minutes": "process_time",
    "activity_ratio": "activity_ratio",
    "flow_efficiency": "flow_efficiency",
    "rolled_complete_accurate": "rolled_ca",
    "steps": "steps",
    "departments": "departments",
    "lowest_emotion": "lowest_emotion",
    "handoffs": "handoffs",
    "cross_department_handoffs": "cross",
    "rework_handoffs": "rework",
}
_COUNTS = ("handoffs", "cross_department_handoffs", "rework_handoffs")
_VALUE_STREAM = (
    "lead_time_minutes",
    "process_time_minutes",
    "activity_ratio",
    "flow_efficiency",
    "rolled_complete_accurate",
)


@dataclass(frozen=True)
class Metric:
    """One number of the metrics panel, already formatted, with its definition.

    `key` names the box (`metric-<key>`); name and definition come from the one
    source of figures, `valuestreams.analysis.definitions`.
    """

    key: str
    label: str
    value: str
    definition: str


@dataclass(frozen=True)
class MetricsPanel:
    """The metrics panel: its numbers and, once each, why some of them are unknown."""

    metrics: tuple[Metric, ...]
    notes: tuple[NoteLine, ...]

    def __iter__(self) -> Iterator[Metric]:
        return iter(self.metrics)


def _metrics(data: MapData, analysis: MapAnalysis) -> MetricsPanel:
    """The panel's figures, named and formatted like the map page's tiles."""
    if data.is_journey:
        emotions = [s.emotion for s in data.steps if s.emotion is not None]
        lowest = "—" if not emotions else format_signed(min(emotions))
        figures = (
            *analysis_figures(analysis, ("steps", "departments")),
            figure("lowest_emotion", lowest),
            *analysis_figures(analysis, _COUNTS),
        )
    else:
        figures = analysis_figures(analysis, _VALUE_STREAM + _COUNTS)
    return MetricsPanel(
        tuple(Metric(_PANEL_IDS[f.key], f.label, f.value, f.definition) for f in figures),
        note_lines(analysis, (f.key for f in figures)),
    )


def _can_edit(request: HtmxHttpRequest) -> bool:
    membership = getattr(request, "membership", None)
    return bool(membership and membership.has_role(Role.EDITOR))


def _undo_state(map_obj: Map) -> dict[str, Any]:
    # One query: the newest change and the oldest undone one decide both buttons.
    changes = list(
        MapChange.objects.filter(map=map_obj)
        .order_by("-id")
        .select_related("user")[:HISTORY_LENGTH]
    )
    done = [c for c in changes if not c.undone and c.undoable]
    undone = [c for c in changes if c.undone]
    return {
        "next_undo": done[0] if done else None,
        "next_redo": undone[-1] if undone else None,
        "changes": changes,
    }


def _live(
    request: HtmxHttpRequest,
    map_obj: Map,
    *,
    panel: str | None = None,
    panel_context: Mapping[str, Any] | None = None,
    selected: int | None = None,
    present: bool = False,
    status: int = 200,
    data: MapData | None = None,
) -> TemplateResponse:
    """Render the editor (or, for htmx, its `live` fragment) for the map as stored now.

    `data` is the map as stored now when the caller has already loaded it.
    """
    if data is None:
        data = _stored(map_obj)
    analysis = analysis_for_data(data)
    edit = _can_edit(request) and not present
    context: dict[str, Any] = {
        "workspace": map_obj.workspace,
        "map": map_obj,
        "data": data,
        "diagram": live_diagram(
            request, data, analysis, selected=selected, interactive=edit, present=present
        ),
        "metrics": _metrics(data, analysis),
        "can_edit": edit,
        "present": present,
        "panel": panel,
        "selected": selected,
        **_undo_state(map_obj),
    }
    if edit and panel not in PANELS_WITHOUT_STRUCTURE:
        context.update(_structure_context(map_obj, data))
    context.update(panel_context or {})
    if request.htmx:
        name = f"{PRESENT_TEMPLATE if present else TEMPLATE}#live"
        return live_response(TemplateResponse(request, name, context, status=status))
    siblings = Map.objects.filter(
        Q(pk=map_obj.based_on_id) | Q(based_on_id=map_obj.based_on_id or map_obj.pk)
    ).exclude(pk=map_obj.pk)
    context["siblings"] = list(siblings.only("id", "name", "state"))
    context["future_state_form"] = FutureStateForm()
    context["downloads"] = download_links(map_obj)
    return TemplateResponse(
        request, PRESENT_TEMPLATE if present else TEMPLATE, context, status=status
    )


def _stored(map_obj: Map) -> MapData:
    """The map as stored now: a write has just bumped its version."""
    map_obj.refresh_from_db(fields=["version", "name"])
    return map_data_from(map_obj)


def _structure_context(map_obj: Map, data: MapData) -> dict[str, Any]:
    return {
        "lane_form": LaneForm(map_obj=map_obj),
        "stage_form": StageForm(),
    }


def _panel(
    request: HtmxHttpRequest, map_obj: Map, panel: str, context: Mapping[str, Any], status: int
) -> HttpResponse:
    """The side panel alone (errors, conflicts, selection), or the whole page without htmx."""
    if not request.htmx:
        return _live(request, map_obj, panel=panel, panel_context=context, status=status)
    full = {"workspace": map_obj.workspace, "map": map_obj, "can_edit": True, "panel": panel}
    full.update(context)
    response = TemplateResponse(request, f"{TEMPLATE}#side-panel", full, status=status)
    if status >= 400:
        # Writes target the diagram; a refused one shows its form where it was typed.
        return retarget(response, "#side-panel")
    return response


def _done(request: HtmxHttpRequest, map_obj: Map, **kwargs: Any) -> HttpResponse:
    """After a successful write: the live fragment for htmx, a redirect otherwise."""
    if not request.htmx:
        url = reverse("map_editor", args=[map_obj.workspace.slug, map_obj.pk])
        selected = kwargs.get("selected")
        return HttpResponseRedirect(f"{url}?step={selected}" if selected else url)
    return _live(request, map_obj, **kwargs)


def _step_panel_context(
    map_obj: Map,
    step: Step,
    form: StepForm | None = None,
    handoff_form: HandoffForm | None = None,
    *,
    data: MapData | None = None,
) -> dict[str, Any]:
    """The step's side panel: its form, move controls and connections.

    Everything but the form comes from the map's plain data (`data`, loaded here
    when the caller has none), so the panel adds no queries to a write's response.
    """
    if data is None:
        data = map_data_from(map_obj)
    lane_ids, stage_ids = [x.id for x in data.lanes], [x.id for x in data.stages]
    li, si = lane_ids.index(step.lane_id), stage_ids.index(step.stage_id)
    # data.steps is in reading order, so a cell's steps come by position, then id.
    cell = [x.id for x in data.steps if (x.lane_id, x.stage_id) == (step.lane_id, step.stage_id)]
    ci = cell.index(step.pk)
    moves = [
        ("left", _("Move left"), "←", lane_ids[li], stage_ids[si - 1] if si else None, None),
        (
            "right",
            _("Move right"),
            "→",
            lane_ids[li],
            stage_ids[si + 1] if si + 1 < len(stage_ids) else None,
            None,
        ),
        ("up", _("Move up"), "↑", lane_ids[li - 1] if li else None, stage_ids[si], None),
        (
            "down",
            _("Move down"),
            "↓",
            lane_ids[li + 1] if li + 1 < len(lane_ids) else None,
            stage_ids[si],
            None,
        ),
        (
            "earlier",
            _("Move earlier in cell"),
            "⤒",
            lane_ids[li] if ci else None,
            stage_ids[si],
            ci - 1,
        ),
        (
            "later",
            _("Move later in cell"),
            "⤓",
            lane_ids[li] if ci + 1 < len(cell) else None,
            stage_ids[si],
            ci + 1,
        ),
    ]
    step_by_id = {x.id: x for x in data.steps}
    handoffs = [
        {
            "pk": h.id,
            "from_step_id": h.from_step_id,
            "from_step": step_by_id[h.from_step_id],
            "to_step": step_by_id[h.to_step_id],
            "rework": h.rework,
        }
        for h in data.handoffs
        if step.pk in (h.from_step_id, h.to_step_id)
    ]
    chosen = str(handoff_form.data.get("to_step", "")) if handoff_form is not None else ""
    others = [(x.id, x.title) for x in data.steps if x.id != step.pk]
    # Built here, not in a template loop: on a 1,000-step map the loop alone costs more
    # than the rest of the panel.
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((pk, mark_safe(" selected") if str(pk) == chosen else "", title) for pk, title in others),
    )
    return {
        "step": step,
        "form": form
        or StepForm(instance=step, initial={"version": step.version}, auto_id="step_%s"),
        "move_form": StepMoveForm(
            map_obj=map_obj,
            initial={"lane": step.lane_id, "stage": step.stage_id, "version": step.version},
            auto_id="move_%s",
        ),
        "moves": moves,
        "handoffs": handoffs,
        "handoff_options": options,
        "handoff_form": handoff_form
        or HandoffForm(map_obj=map_obj, initial={"from_step": step.pk}, auto_id="handoff_%s"),
    }


def _step(map_obj: Map, step_id: int) -> Step:
    return get_object_or_404(
        Step.objects.select_related("lane__department", "stage"), pk=step_id, map=map_obj
    )


def _version(request: HtmxHttpRequest) -> int | None:
    return request_values(request.POST, "version")["version"]


# -- Pages and fragments that only read ----------------------------------------------


@require_GET
def map_editor(request: HtmxHttpRequest, slug: str, map_id: int) -> HttpResponse:
    """The editor page: the diagram, the metrics and (for editors) the side panel."""
    map_obj = get_map_for_user(request, slug, map_id)
    selected = request_values(request.GET, "step")["step"]
    if selected is not None and _can_edit(request):
        step = Step.objects.filter(pk=selected, map=map_obj).select_related("lane", "stage").first()
        if step is not None:
            return _live(
                request,
                map_obj,
                panel="step",
                panel_context=_step_panel_context(map_obj, step),
                selected=step.pk,
            )
    return _live(request, map_obj)


@require_GET
def map_present(request: HtmxHttpRequest, slug: str, map_id: int) -> HttpResponse:
    """Presentation mode: the diagram and metrics only, large, following changes."""
    map_obj = get_map_for_user(request, slug, map_id)
    return _live(request, map_obj, present=True)


@require_GET
def map_poll(request: HtmxHttpRequest, slug: str, map_id: int) -> HttpResponse:
    """204 when the client's version is current; else the live fragment.

    Viewers ask every 2 s: the unchanged case reads the membership and the map's
    version in one query after the session's two, and renders nothing.
    """
    if unchanged_since(request, slug, map_id, request.GET.get("version")):
        return HttpResponse(status=204)
    map_obj = get_map_for_user(request, slug, map_id)
    values = request_values(request.GET, "version", "step")
    present = request.GET.get("mode") == "present"
    selected = values["step"]
    return _live(request, map_obj, present=present, selected=selected, panel="keep")


@require_GET
def map_history(request: HtmxHttpRequest, slug: str, map_id: int) -> HttpResponse:
    """Who changed what, when: the newest changes of the map, undone ones marked."""
    map_obj = get_map_for_user(request, slug, map_id)
    context = {**_undo_state(map_obj), "can_edit": _can_edit(request)}
    return _panel(request, map_obj, "history", context, 200)


@require_GET
def step_panel(request: HtmxHttpRequest, slug: str, map_id: int, step_id: int) -> HttpResponse:
    """The side panel of one step (editors)."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    step = _step(map_obj, step_id)
    return _panel(request, map_obj, "step", _step_panel_context(map_obj, step), 200)


@require_GET
def structure_panel(request: HtmxHttpRequest, slug: str, map_id: int) -> HttpResponse:
    """The side panel for stages and lanes (editors)."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    data = map_data_from(map_obj)
    context = {**_structure_context(map_obj, data), "data": data}
    return _panel(request, map_obj, "structure", context, 200)


# -- Steps ---------------------------------------------------------------------------


@require_GET
def step_add_panel(request: HtmxHttpRequest, slug: str, map_id: int) -> HttpResponse:
    """The quick form to add a step to one lane × stage cell."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    form = QuickStepForm(map_obj=map_obj, initial=request_values(request.GET, "lane", "stage"))
    return _panel(request, map_obj, "add", {"add_form": form, **_cell_names(map_obj, form)}, 200)


def _cell_names(map_obj: Map, form: QuickStepForm) -> dict[str, Any]:
    ids = request_values(form.data if form.is_bound else form.initial, "lane", "stage")
    lane = (
        Lane.objects.filter(map=map_obj, pk=ids["lane"]).select_related("department").first()
        if ids["lane"] is not None
        else None
    )
    stage = (
        Stage.objects.filter(map=map_obj, pk=ids["stage"]).first()
        if ids["stage"] is not None
        else None
    )
    return {"add_lane": lane, "add_stage": stage}


@require_POST
def step_add(request: HtmxHttpRequest, slug: str, map_id: int) -> HttpResponse:
    """Add a step to a cell; the side panel then shows it for the rest of its fields."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    form = QuickStepForm(request.POST, map_obj=map_obj)
    if not form.is_valid():
        return _panel(
            request, map_obj, "add", {"add_form": form, **_cell_names(map_obj, form)}, 422
        )
    try:
        step = services.step_create(
            map_obj=map_obj,
            lane_id=form.cleaned_data["lane"].pk,
            stage_id=form.cleaned_data["stage"].pk,
            values={"title": form.cleaned_data["title"]},
            user=request.user,
        )
    except ValidationError as error:
        # The lane or stage was removed meanwhile.
        form.add_error(None, error.messages)
        return _panel(
            request, map_obj, "add", {"add_form": form, **_cell_names(map_obj, form)}, 422
        )
    step = _step(map_obj, step.pk)
    data = _stored(map_obj)
    return _done(
        request,
        map_obj,
        panel="step",
        panel_context={**_step_panel_context(map_obj, step, data=data), "just_added": True},
        data=data,
        selected=step.pk,
    )


@require_POST
def step_edit(request: HtmxHttpRequest, slug: str, map_id: int, step_id: int) -> HttpResponse:
    """Save the side panel's fields of a step, unless someone changed it meanwhile."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    step = _step(map_obj, step_id)
    form = StepForm(request.POST, instance=Step(pk=step.pk, map=map_obj), auto_id="step_%s")
    version = _version(request)
    if not form.is_valid() or version is None:
        return _panel(request, map_obj, "step", _step_panel_context(map_obj, step, form), 422)
    try:
        services.step_update(
            step_id=step.pk, version=version, values=form.values(), user=request.user
        )
    except services.StaleVersionError as stale:
        return _conflict(request, map_obj, step, form, stale)
    step = _step(map_obj, step.pk)
    data = _stored(map_obj)
    return _done(
        request,
        map_obj,
        panel="step",
        panel_context={**_step_panel_context(map_obj, step, data=data), "saved": True},
        data=data,
        selected=step.pk,
    )


def _conflict(
    request: HtmxHttpRequest,
    map_obj: Map,
    step: Step,
    form: StepForm,
    stale: services.StaleVersionError,
) -> HttpResponse:
    """409: keep what the person typed, show the newer values, offer to apply theirs on top."""
    current = stale.current
    if current is None or not isinstance(current, Step):
        return _panel(request, map_obj, "gone", {}, 409)
    mine = form.values()
    differences = []
    for name, value in mine.items():
        theirs = getattr(current, name)
        if theirs != value:
            label = getattr(Step._meta.get_field(name), "verbose_name", name)
            differences.append({"label": str(label), "theirs": theirs, "mine": value})
    data = request.POST.copy()
    data["version"] = str(current.version)
    retry = StepForm(data, instance=Step(pk=step.pk, map=map_obj), auto_id="step_%s")
    retry.is_valid()
    context = {
        **_step_panel_context(map_obj, current, retry),
        "conflict": differences,
        "conflict_version": current.version,
    }
    return _panel(request, map_obj, "step", context, 409)


@require_POST
def step_move(request: HtmxHttpRequest, slug: str, map_id: int, step_id: int) -> HttpResponse:
    """Move a step to another cell or place: drag and drop, Alt+arrows and the panel's buttons."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    step = _step(map_obj, step_id)
    form = StepMoveForm(request.POST, map_obj=map_obj, auto_id="move_%s")
    if not form.is_valid():
        return _panel(
            request, map_obj, "step", {**_step_panel_context(map_obj, step), "move_form": form}, 422
        )
    try:
        services.step_move(
            step_id=step.pk,
            version=form.cleaned_data["version"],
            lane_id=form.cleaned_data["lane"].pk,
            stage_id=form.cleaned_data["stage"].pk,
            position=form.cleaned_data["position"],
            user=request.user,
        )
    except services.StaleVersionError as stale:
        if stale.current is None:
            return _panel(request, map_obj, "gone", {}, 409)
        step = _step(map_obj, step.pk)
        context = {**_step_panel_context(map_obj, step), "move_conflict": True}
        return _panel(request, map_obj, "step", context, 409)
    except ValidationError as error:
        # The target lane or stage was removed meanwhile.
        form.add_error(None, error.messages)
        context = {**_step_panel_context(map_obj, step), "move_form": form}
        return _panel(request, map_obj, "step", context, 422)
    step = _step(map_obj, step.pk)
    data = _stored(map_obj)
    return _done(
        request,
        map_obj,
        panel="step",
        panel_context=_step_panel_context(map_obj, step, data=data),
        data=data,
        selected=step.pk,
    )


@require_POST
def step_delete(request: HtmxHttpRequest, slug: str, map_id: int, step_id: int) -> HttpResponse:
    """Delete a step and its handoffs; the panel offers to undo it."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    step = _step(map_obj, step_id)
    try:
        services.step_delete(step_id=step.pk, version=_version(request), user=request.user)
    except services.StaleVersionError as stale:
        current = stale.current
        if not isinstance(current, Step):
            return _panel(request, map_obj, "gone", {}, 409)
        context = {**_step_panel_context(map_obj, current), "delete_conflict": True}
        return _panel(request, map_obj, "step", context, 409)
    return _done(request, map_obj, panel="deleted", panel_context={"deleted_title": step.title})


# -- Handoffs ------------------------------------------------------------------------


@require_POST
def handoff_add(request: HtmxHttpRequest, slug: str, map_id: int) -> HttpResponse:
    """Connect two steps of this map."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    form = HandoffForm(request.POST, map_obj=map_obj, auto_id="handoff_%s")
    from_id = request_values(request.POST, "from_step")["from_step"]
    source = (
        Step.objects.filter(map=map_obj, pk=from_id).select_related("lane", "stage").first()
        if from_id is not None
        else None
    )
    if form.is_valid():
        try:
            services.handoff_create(
                map_obj=map_obj,
                from_step_id=form.cleaned_data["from_step"].pk,
                to_step_id=form.cleaned_data["to_step"].pk,
                rework=form.cleaned_data["rework"],
                label=form.cleaned_data["label"],
                user=request.user,
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
    if form.errors:
        if source is None:
            return _panel(request, map_obj, "connect", {"handoff_form": form}, 422)
        context = _step_panel_context(map_obj, source, handoff_form=form)
        return _panel(request, map_obj, "step", context, 422)
    if source is None:
        return _done(request, map_obj)
    source = _step(map_obj, source.pk)
    data = _stored(map_obj)
    return _done(
        request,
        map_obj,
        panel="step",
        panel_context=_step_panel_context(map_obj, source, data=data),
        data=data,
        selected=source.pk,
    )


def _handoff(map_obj: Map, handoff_id: int) -> Handoff:
    return get_object_or_404(
        Handoff.objects.select_related("from_step__lane__department", "to_step__lane__department"),
        pk=handoff_id,
        map=map_obj,
    )


@require_GET
def handoff_panel(
    request: HtmxHttpRequest, slug: str, map_id: int, handoff_id: int
) -> HttpResponse:
    """The side panel of one handoff: rework, label, delete."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    handoff = _handoff(map_obj, handoff_id)
    form = HandoffUpdateForm(
        initial={"version": handoff.version, "rework": handoff.rework, "label": handoff.label}
    )
    return _panel(request, map_obj, "handoff", {"handoff": handoff, "handoff_edit_form": form}, 200)


@require_POST
def handoff_edit(request: HtmxHttpRequest, slug: str, map_id: int, handoff_id: int) -> HttpResponse:
    """Mark a handoff as rework or label it, unless someone changed it meanwhile."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    handoff = _handoff(map_obj, handoff_id)
    form = HandoffUpdateForm(request.POST)
    if not form.is_valid():
        return _panel(
            request, map_obj, "handoff", {"handoff": handoff, "handoff_edit_form": form}, 422
        )
    try:
        services.handoff_update(
            handoff_id=handoff.pk,
            version=form.cleaned_data["version"],
            rework=form.cleaned_data["rework"],
            label=form.cleaned_data["label"],
            user=request.user,
        )
    except services.StaleVersionError as stale:
        return _handoff_conflict(request, map_obj, handoff.pk, stale)
    handoff = _handoff(map_obj, handoff.pk)
    form = HandoffUpdateForm(
        initial={"version": handoff.version, "rework": handoff.rework, "label": handoff.label}
    )
    return _done(
        request,
        map_obj,
        panel="handoff",
        panel_context={"handoff": handoff, "handoff_edit_form": form, "saved": True},
    )


def _handoff_conflict(
    request: HtmxHttpRequest,
    map_obj: Map,
    handoff_id: int,
    stale: services.StaleVersionError,
    *,
    deleting: bool = False,
) -> HttpResponse:
    """409: the handoff changed (or went) meanwhile; show its newer values.

    An edit keeps what the person typed, to apply on top; a delete shows the
    handoff as it is now, to delete again if still wanted.
    """
    current = stale.current
    if not isinstance(current, Handoff):
        return _panel(request, map_obj, "gone", {}, 409)
    data = request.POST.copy()
    if deleting:
        data.update({"label": current.label, "rework": "on" if current.rework else ""})
    data["version"] = str(current.version)
    context = {
        "handoff": _handoff(map_obj, handoff_id),
        "handoff_edit_form": HandoffUpdateForm(data),
        "handoff_conflict": current,
        "handoff_delete_conflict": deleting,
    }
    return _panel(request, map_obj, "handoff", context, 409)


@require_POST
def handoff_delete(
    request: HtmxHttpRequest, slug: str, map_id: int, handoff_id: int
) -> HttpResponse:
    """Remove a handoff (undoable), unless someone changed it meanwhile."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    handoff = _handoff(map_obj, handoff_id)
    try:
        services.handoff_delete(handoff_id=handoff.pk, version=_version(request), user=request.user)
    except services.StaleVersionError as stale:
        return _handoff_conflict(request, map_obj, handoff.pk, stale, deleting=True)
    return _done(
        request, map_obj, panel="deleted", panel_context={"deleted_title": _("the handoff")}
    )


# -- Stages and lanes ----------------------------------------------------------------


def _structure_error(request: HtmxHttpRequest, map_obj: Map, **forms: Any) -> HttpResponse:
    data = map_data_from(map_obj)
    context = {**_structure_context(map_obj, data), "data": data, **forms}
    return _panel(request, map_obj, "structure", context, 422)


def _structure_write(
    request: HtmxHttpRequest, map_obj: Map, write: Callable[[], object]
) -> HttpResponse:
    """Run a stage or lane write: the structure panel, or 409 when the row went meanwhile."""
    try:
        write()
    except services.StaleVersionError:
        return _panel(request, map_obj, "gone", {}, 409)
    except ValidationError as error:
        data = map_data_from(map_obj)
        context = {**_structure_context(map_obj, data), "data": data}
        return _panel(request, map_obj, "structure", {**context, "refused": error.messages}, 409)
    return _structure_done(request, map_obj)


def _structure_done(request: HtmxHttpRequest, map_obj: Map) -> HttpResponse:
    data = map_data_from(map_obj)
    return _done(
        request,
        map_obj,
        panel="structure",
        panel_context={**_structure_context(map_obj, data), "data": data},
    )


@require_POST
def stage_add(request: HtmxHttpRequest, slug: str, map_id: int) -> HttpResponse:
    """Add a stage at the right end."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    form = StageForm(request.POST)
    if form.is_valid():
        try:
            services.stage_create(
                map_obj=map_obj, name=form.cleaned_data["name"], user=request.user
            )
        except ValidationError as error:
            form.add_error("name", error.message_dict.get("name", error.messages))
    if form.errors:
        return _structure_error(request, map_obj, stage_form=form)
    return _structure_done(request, map_obj)


@require_POST
def stage_edit(request: HtmxHttpRequest, slug: str, map_id: int, stage_id: int) -> HttpResponse:
    """Rename a stage, or move it (`position`)."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    stage = get_object_or_404(Stage, pk=stage_id, map=map_obj)
    if "position" in request.POST:
        move = PositionForm(request.POST)
        if not move.is_valid():
            return _structure_error(request, map_obj)
        position = move.cleaned_data["position"]
        return _structure_write(
            request,
            map_obj,
            lambda: services.stage_move(stage_id=stage.pk, position=position, user=request.user),
        )
    form = StageForm(request.POST)
    if form.is_valid():
        try:
            services.stage_rename(
                stage_id=stage.pk, name=form.cleaned_data["name"], user=request.user
            )
        except services.StaleVersionError:
            return _panel(request, map_obj, "gone", {}, 409)
        except ValidationError as error:
            form.add_error("name", error.message_dict.get("name", error.messages))
    if form.errors:
        return _structure_error(request, map_obj, rename_form=form, rename_stage_id=stage.pk)
    return _structure_done(request, map_obj)


@require_POST
def stage_delete(request: HtmxHttpRequest, slug: str, map_id: int, stage_id: int) -> HttpResponse:
    """Remove a stage with its steps (undoable)."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    stage = get_object_or_404(Stage, pk=stage_id, map=map_obj)
    return _structure_write(
        request, map_obj, lambda: services.stage_delete(stage_id=stage.pk, user=request.user)
    )


@require_POST
def lane_add(request: HtmxHttpRequest, slug: str, map_id: int) -> HttpResponse:
    """Add a lane for a department of the workspace, or a new department named inline."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    form = LaneForm(request.POST, map_obj=map_obj)
    if form.is_valid():
        department = form.cleaned_data["department"]
        try:
            services.lane_create(
                map_obj=map_obj,
                department_id=department.pk if department else None,
                new_department_name=form.cleaned_data["new_department"],
                color=form.cleaned_data["color"] or "#4C78A8",
                user=request.user,
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
    if form.errors:
        return _structure_error(request, map_obj, lane_form=form)
    return _structure_done(request, map_obj)


@require_POST
def lane_edit(request: HtmxHttpRequest, slug: str, map_id: int, lane_id: int) -> HttpResponse:
    """Move a lane up or down (`position`)."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    lane = get_object_or_404(Lane, pk=lane_id, map=map_obj)
    move = PositionForm(request.POST)
    if not move.is_valid():
        return _structure_error(request, map_obj)
    position = move.cleaned_data["position"]
    return _structure_write(
        request,
        map_obj,
        lambda: services.lane_move(lane_id=lane.pk, position=position, user=request.user),
    )


@require_POST
def lane_delete(request: HtmxHttpRequest, slug: str, map_id: int, lane_id: int) -> HttpResponse:
    """Remove a lane with its steps (undoable)."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    lane = get_object_or_404(Lane, pk=lane_id, map=map_obj)
    return _structure_write(
        request, map_obj, lambda: services.lane_delete(lane_id=lane.pk, user=request.user)
    )


# -- The map as a whole --------------------------------------------------------------


def _undo_refused(
    request: HtmxHttpRequest, map_obj: Map, error: UndoError, *, redo: bool
) -> HttpResponse:
    """409 with the map as it is now and why nothing was undone (or redone)."""
    context = {"undo_reason": error.reason, "undo_change": error.change, "redo": redo}
    return _live(request, map_obj, panel="undo_failed", panel_context=context, status=409)


@require_POST
def map_undo(request: HtmxHttpRequest, slug: str, map_id: int) -> HttpResponse:
    """Undo the map's newest change, whoever made it: the one the button named, if it says."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    try:
        change = services.map_undo(map_obj=map_obj, seen=UndoForm(request.POST).seen())
    except UndoError as error:
        return _undo_refused(request, map_obj, error, redo=False)
    return _done(request, map_obj, panel="undone", panel_context={"undone_change": change})


@require_POST
def map_redo(request: HtmxHttpRequest, slug: str, map_id: int) -> HttpResponse:
    """Redo the map's oldest undone change: the one the button named, if it says."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    try:
        change = services.map_redo(map_obj=map_obj, seen=UndoForm(request.POST).seen())
    except UndoError as error:
        return _undo_refused(request, map_obj, error, redo=True)
    return _done(request, map_obj, panel="redone", panel_context={"redone_change": change})


@require_POST
def map_future_state(request: HtmxHttpRequest, slug: str, map_id: int) -> HttpResponse:
    """Copy the map as a future state and open the copy in the editor."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    form = FutureStateForm(request.POST)
    name = form.cleaned_data["name"] if form.is_valid() else ""
    copy = services.map_copy_as_future_state(map_obj=map_obj, name=name, user=request.user)
    url = reverse("map_editor", args=[slug, copy.pk])
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)

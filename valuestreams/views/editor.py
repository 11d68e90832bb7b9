"""The interactive swimlane editor: thin views around the editor services.

Every write is one POST that answers with the `live` fragment of the editor's
template: the diagram (the swap target) plus out-of-band swaps of the metrics
panel, the undo bar and the side panel. Bad input answers 422 with the form in
the side panel; a write based on an older version (or none) answers 409 with
the newer values, through one path (`_stale`). Which panel follows is decided
here; the panels themselves are typed states built in `editor_panels`. Viewers
may look (and follow changes live); every write needs the editor role.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import BadRequest, ValidationError
from django.db.models import F, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
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
from ..changes import UndoError, last_written
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
from ..mapdata import (
    MapData,
    after_handoff_added,
    after_step_moved,
    after_step_saved,
    keep,
    kept_places,
    map_data_from,
)
from ..models import Handoff, Lane, Map, MapChange, MapState, Stage, Step
from . import editor_panels as panels
from .editor_live import live_diagram, live_response, unchanged_since
from .editor_panels import PanelState
from .exports import download_links

TEMPLATE = "valuestreams/editor.html"
PRESENT_TEMPLATE = "valuestreams/editor_present.html"
#: How many changes the history panel lists.
HISTORY_LENGTH = 30


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


def _can_rename_departments(request: HtmxHttpRequest) -> bool:
    # Renaming a department renames it in every map: the departments pages' right.
    membership = getattr(request, "membership", None)
    return bool(membership and membership.has_role(Role.FACILITATOR))


def _undo_state(map_obj: Map, *, listed: bool = True) -> dict[str, Any]:
    # One query: the newest change and the oldest undone one decide both buttons.
    # Without the history list (`listed`), only what the buttons say is read: no
    # user, no time.
    written = last_written()
    if (
        not listed
        and written is not None
        and written.of(map_obj.pk) == map_obj.version
        and written.change.undoable
    ):
        # The map is as the change this thread just recorded left it: that change
        # is the newest, and recording it discarded everything undone.
        return {"next_undo": written.change, "next_redo": None, "changes": []}
    query = MapChange.objects.filter(map=map_obj).order_by("-id")
    if listed:
        query = query.select_related("user")
    else:
        query = query.only("id", "code", "params", "legacy_description", "undone", "undoable")
    changes = list(query[:HISTORY_LENGTH])
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
    panel: PanelState | None = None,
    selected: int | None = None,
    present: bool = False,
    status: int = 200,
    data: MapData | None = None,
) -> TemplateResponse:
    """Render the editor (or, for htmx, its `live` fragment) for the map as stored now.

    `panel` is the side panel to show; None leaves it as it is (htmx) or shows
    the structure panel (the whole page). `data` is the map as stored now when
    the caller has already loaded it.
    """
    if data is None:
        data = _stored(map_obj)
    keep(data)  # the next write of one step or handoff applies itself to it
    analysis = analysis_for_data(data)
    edit = _can_edit(request) and not present
    if edit and panel is None and not request.htmx:
        panel = _structure(request, map_obj, data)
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
        # The map as text: in the whole page, and in a live answer only when open.
        "with_text": not request.htmx or request.headers.get("CW-Map-Text") == "open",
        "panel": panel,
        "selected": selected,
        # A live answer lists the history only in the history panel.
        **_undo_state(map_obj, listed=not request.htmx or isinstance(panel, panels.HistoryPanel)),
    }
    if request.htmx:
        name = f"{PRESENT_TEMPLATE if present else TEMPLATE}#live"
        return live_response(TemplateResponse(request, name, context, status=status))
    # Current state first, then its future states by age: the same order on every map.
    family = map_obj.based_on_id or map_obj.pk
    context["family"] = list(
        Map.objects.filter(Q(pk=family) | Q(based_on_id=family))
        .order_by(F("based_on_id").asc(nulls_first=True), "pk")
        .only("id", "name", "state")
    )
    context["siblings"] = [m for m in context["family"] if m.pk != map_obj.pk]
    context["offers_future_state"] = map_obj.state != MapState.FUTURE
    context["future_state_form"] = FutureStateForm()
    context["downloads"] = download_links(map_obj)
    return TemplateResponse(
        request, PRESENT_TEMPLATE if present else TEMPLATE, context, status=status
    )


def _stored(
    map_obj: Map,
    *,
    saved: Step | None = None,
    moved: Step | None = None,
    added: Handoff | None = None,
) -> MapData:
    """The map as stored now: a write has just bumped its version.

    `saved` (a step whose own fields the write changed), `moved` (a step the
    write moved) or `added` (the handoff it added) is that write: applied to the
    data this process drew just before it, when it has that version, instead of
    loading the whole map again.
    """
    written = last_written()
    if written is not None and written.of(map_obj.pk) == map_obj.version + 1:
        # This request's write was the only one since it read the map: only the
        # version changed (no edit of a step or handoff renames the map).
        map_obj.version = written.version
    else:
        map_obj.refresh_from_db(fields=["version", "name"])
    data = None
    if saved is not None:
        data = after_step_saved(map_obj, saved)
    elif moved is not None:
        data = after_step_moved(map_obj, moved)
    elif added is not None:
        data = after_handoff_added(map_obj, added)
    return data if data is not None else map_data_from(map_obj)


def _structure(request: HtmxHttpRequest, map_obj: Map, data: MapData, **kwargs: Any) -> PanelState:
    return panels.structure_panel(
        map_obj, data, can_rename_departments=_can_rename_departments(request), **kwargs
    )


def _panel(
    request: HtmxHttpRequest, map_obj: Map, panel: PanelState, status: int = 200
) -> HttpResponse:
    """The side panel alone (a panel opened, or a write refused), or the whole page without htmx.

    A refused write (4xx) shows its panel where the form was typed, never the
    diagram: writes target the diagram, so the response is retargeted.
    """
    if not request.htmx:
        return _live(request, map_obj, panel=panel, status=status)
    context = {"workspace": map_obj.workspace, "map": map_obj, "can_edit": True, "panel": panel}
    if isinstance(panel, panels.HistoryPanel):
        context.update(_undo_state(map_obj))
    response = TemplateResponse(request, f"{TEMPLATE}#side-panel", context, status=status)
    if status >= 400:
        return retarget(response, "#side-panel")
    return response


def _done(
    request: HtmxHttpRequest,
    map_obj: Map,
    panel: PanelState,
    *,
    data: MapData | None = None,
    selected: int | None = None,
) -> HttpResponse:
    """After a successful write: the live fragment for htmx, a redirect otherwise."""
    if not request.htmx:
        url = reverse("map_editor", args=[map_obj.workspace.slug, map_obj.pk])
        return HttpResponseRedirect(f"{url}?step={selected}" if selected else url)
    return _live(request, map_obj, panel=panel, data=data, selected=selected)


def _stale(
    request: HtmxHttpRequest,
    map_obj: Map,
    stale: services.StaleVersionError,
    *,
    action: str,
    retry: StepForm | HandoffUpdateForm | None = None,
    mine: Step | None = None,
) -> HttpResponse:
    """409, the one answer to every stale write: the row's newer values in its panel."""
    panel = panels.conflict_panel(
        map_obj,
        stale.current,
        map_data_from(map_obj),
        action=action,
        can_rename_departments=_can_rename_departments(request),
        retry=retry,
        mine=mine,
    )
    return _panel(request, map_obj, panel, 409)


def _step(map_obj: Map, step_id: int) -> Step:
    return get_object_or_404(
        Step.objects.select_related("lane__department", "stage"), pk=step_id, map=map_obj
    )


def _version(request: HtmxHttpRequest, name: str = "version") -> int | None:
    return request_values(request.POST, name)[name]


def _step_saved(
    request: HtmxHttpRequest,
    map_obj: Map,
    step: Step,
    flash: str = "",
    *,
    edited: bool = False,
    moved: bool = False,
    added: Handoff | None = None,
) -> HttpResponse:
    """After a write of one step: the diagram with the step selected and its panel.

    `step` is the step as the write left it (the service returns it): read again
    only when someone changed it since, so the panel never offers an old version.
    `edited` says the write changed only that step's fields, `moved` that it
    moved the step; `added` is the handoff the write added (see `_stored`).
    """
    data = _stored(
        map_obj, saved=step if edited else None, moved=step if moved else None, added=added
    )
    if next((x.version for x in data.steps if x.id == step.pk), None) != step.version:
        step = _step(map_obj, step.pk)
    panel = panels.step_panel(map_obj, step, data, flash=flash)
    return _done(request, map_obj, panel, data=data, selected=step.pk)


def _step_refused(
    request: HtmxHttpRequest, map_obj: Map, step: Step, status: int = 422, **forms: Any
) -> HttpResponse:
    """The step's panel with the form that was refused in place."""
    panel = panels.step_panel(map_obj, step, map_data_from(map_obj), **forms)
    return _panel(request, map_obj, panel, status)


# -- Pages and fragments that only read ----------------------------------------------


@require_GET
def map_editor(request: HtmxHttpRequest, slug: str, map_id: int) -> HttpResponse:
    """The editor page: the diagram, the metrics and (for editors) the side panel."""
    map_obj = get_map_for_user(request, slug, map_id)
    selected = request_values(request.GET, "step")["step"]
    if selected is not None and _can_edit(request):
        step = Step.objects.filter(pk=selected, map=map_obj).select_related("lane", "stage").first()
        if step is not None:
            data = map_data_from(map_obj)
            panel = panels.step_panel(map_obj, step, data)
            return _live(request, map_obj, panel=panel, selected=step.pk, data=data)
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
    return _live(request, map_obj, present=present, selected=selected)


@require_GET
def map_history(request: HtmxHttpRequest, slug: str, map_id: int) -> HttpResponse:
    """Who changed what, when: the newest changes of the map, undone ones marked."""
    map_obj = get_map_for_user(request, slug, map_id)
    return _panel(request, map_obj, panels.HistoryPanel())


@require_GET
def step_panel(request: HtmxHttpRequest, slug: str, map_id: int, step_id: int) -> HttpResponse:
    """The side panel of one step (editors)."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    step = _step(map_obj, step_id)
    return _panel(request, map_obj, panels.step_panel(map_obj, step, map_data_from(map_obj)))


@require_GET
def structure_panel(request: HtmxHttpRequest, slug: str, map_id: int) -> HttpResponse:
    """The side panel for stages and lanes (editors)."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    return _panel(request, map_obj, _structure(request, map_obj, map_data_from(map_obj)))


# -- Steps ---------------------------------------------------------------------------


@require_GET
def step_add_panel(request: HtmxHttpRequest, slug: str, map_id: int) -> HttpResponse:
    """The quick form to add a step to one lane × stage cell."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    form = QuickStepForm(map_obj=map_obj, initial=request_values(request.GET, "lane", "stage"))
    return _panel(request, map_obj, panels.add_panel(map_obj, form))


@require_POST
def step_add(request: HtmxHttpRequest, slug: str, map_id: int) -> HttpResponse:
    """Add a step to a cell; then the add form of the next empty cell in the lane.

    With `details` (the second button), or when the lane has no empty cell to the
    right, the new step's own panel follows, for the rest of its fields.
    """
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    form = QuickStepForm(request.POST, map_obj=map_obj)
    if form.is_valid():
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
    if form.errors:
        return _panel(request, map_obj, panels.add_panel(map_obj, form), 422)
    added = _("Added “%(title)s”.") % {"title": step.title}
    data = _stored(map_obj)
    cell = panels.next_empty_cell(data, step.lane_id, step.stage_id)
    if cell is None or "details" in request.POST:
        panel: PanelState = panels.step_panel(map_obj, step, data, flash=added)
        return _done(request, map_obj, panel, data=data, selected=step.pk)
    following = QuickStepForm(map_obj=map_obj, initial={"lane": cell[0], "stage": cell[1]})
    panel = panels.add_panel(map_obj, following, flash=added)
    return _done(request, map_obj, panel, data=data, selected=step.pk)


@require_POST
def step_edit(request: HtmxHttpRequest, slug: str, map_id: int, step_id: int) -> HttpResponse:
    """Save the side panel's fields of a step, unless someone changed it meanwhile."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    # The step is read only when the save does not go through: the service refuses
    # a step of another map before it writes, and `_step` then answers 404.
    try:
        version = _version(request)  # a version that is no number is a bad request (400)
    except BadRequest:
        _step(map_obj, step_id)  # … after the 404 of a step that is not this map's
        raise
    day = map_obj.workspace.working_day_minutes
    instance = Step(pk=step_id, map=map_obj)
    form = StepForm(request.POST, instance=instance, auto_id="step_%s", working_day_minutes=day)
    if not form.is_valid():
        return _step_refused(request, map_obj, _step(map_obj, step_id), form=form)
    try:
        saved = services.step_update(
            step_id=step_id,
            version=version,
            values=form.values(),
            user=request.user,
            map_id=map_obj.pk,
        )
    except services.StaleVersionError as stale:
        step = _step(map_obj, step_id)  # 404 when it is gone or not this map's
        data = request.POST.copy()
        current = stale.current
        data["version"] = str(getattr(current, "version", ""))
        retry = StepForm(
            data, instance=Step(pk=step.pk, map=map_obj), auto_id="step_%s", working_day_minutes=day
        )
        retry.is_valid()
        return _stale(
            request, map_obj, stale, action="edit", retry=retry, mine=Step(**form.values())
        )
    return _step_saved(request, map_obj, saved, _("Saved."), edited=True)


@require_POST
def step_move(request: HtmxHttpRequest, slug: str, map_id: int, step_id: int) -> HttpResponse:
    """Move a step to another cell or place: drag and drop, Alt+arrows and the panel's buttons."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    # As `step_edit`: the step is read only when the move does not go through; the
    # service refuses a step of another map before it writes, and `_step` then 404s.
    known = kept_places(map_obj.pk)
    form = StepMoveForm(request.POST, map_obj=map_obj, auto_id="move_%s", known=known)
    if form.is_valid():
        try:
            moved = services.step_move(
                step_id=step_id,
                version=form.cleaned_data["version"],
                lane_id=form.cleaned_data["lane"].pk,
                stage_id=form.cleaned_data["stage"].pk,
                position=form.cleaned_data["position"],
                user=request.user,
                map_id=map_obj.pk,
            )
        except services.StaleVersionError as stale:
            _step(map_obj, step_id)  # 404 when it is gone or not this map's
            return _stale(request, map_obj, stale, action="move")
        except ValidationError as error:
            # The target lane or stage was removed meanwhile.
            form.add_error(None, error.messages)
        else:
            return _step_saved(request, map_obj, moved, _("Moved."), moved=True)
    return _step_refused(request, map_obj, _step(map_obj, step_id), move_form=form)


@require_POST
def step_delete(request: HtmxHttpRequest, slug: str, map_id: int, step_id: int) -> HttpResponse:
    """Delete a step and its handoffs, if it is still as the person saw it; undoable."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    step = _step(map_obj, step_id)
    try:
        services.step_delete(step_id=step.pk, version=_version(request), user=request.user)
    except services.StaleVersionError as stale:
        return _stale(request, map_obj, stale, action="delete")
    return _structure_done(request, map_obj, notice=panels.deleted(step.title))


# -- Handoffs ------------------------------------------------------------------------


@require_POST
def handoff_add(request: HtmxHttpRequest, slug: str, map_id: int) -> HttpResponse:
    """Connect two steps of this map; the panel of the step the handoff starts from follows."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    request_values(request.POST, "from_step")  # a from-step that is no number: 400
    form = HandoffForm(request.POST, map_obj=map_obj, auto_id="handoff_%s")
    added: Handoff | None = None
    if form.is_valid():
        try:
            added = services.handoff_create(
                map_obj=map_obj,
                from_step_id=form.cleaned_data["from_step"].pk,
                to_step_id=form.cleaned_data["to_step"].pk,
                rework=form.cleaned_data["rework"],
                label=form.cleaned_data["label"],
                user=request.user,
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                form.add_error(name if name in form.fields else None, messages)
    # The step the handoff starts from, when it is one of this map's (the form read it).
    source: Step | None = form.cleaned_data.get("from_step")
    if form.errors and source is not None:
        return _step_refused(request, map_obj, source, handoff_form=form)
    if form.errors:
        # No step to start from: say so on the structure panel, the editor's home.
        problems = [_("Choose the step the handoff starts from, then the step it goes to.")]
        panel = _structure(request, map_obj, map_data_from(map_obj), errors=problems)
        return _panel(request, map_obj, panel, 422)
    assert source is not None  # a valid form has a from-step of this map
    return _step_saved(request, map_obj, source, _("Connected."), added=added)


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
    return _panel(request, map_obj, panels.handoff_panel(_handoff(map_obj, handoff_id)))


@require_POST
def handoff_edit(request: HtmxHttpRequest, slug: str, map_id: int, handoff_id: int) -> HttpResponse:
    """Mark a handoff as rework or label it, unless someone changed it meanwhile."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    handoff = _handoff(map_obj, handoff_id)
    form = HandoffUpdateForm(request.POST)
    if not form.is_valid():
        return _panel(request, map_obj, panels.handoff_panel(handoff, form=form), 422)
    try:
        services.handoff_update(
            handoff_id=handoff.pk,
            version=form.cleaned_data["version"],
            rework=form.cleaned_data["rework"],
            label=form.cleaned_data["label"],
            user=request.user,
        )
    except services.StaleVersionError as stale:
        # What the person typed stays, on top of the newer version.
        data = request.POST.copy()
        data["version"] = str(getattr(stale.current, "version", ""))
        return _stale(request, map_obj, stale, action="edit", retry=HandoffUpdateForm(data))
    panel = panels.handoff_panel(_handoff(map_obj, handoff.pk), flash=_("Saved."))
    return _done(request, map_obj, panel)


@require_POST
def handoff_delete(
    request: HtmxHttpRequest, slug: str, map_id: int, handoff_id: int
) -> HttpResponse:
    """Remove a handoff (undoable), if it is still as the person saw it."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    handoff = _handoff(map_obj, handoff_id)
    try:
        services.handoff_delete(handoff_id=handoff.pk, version=_version(request), user=request.user)
    except services.StaleVersionError as stale:
        return _stale(request, map_obj, stale, action="delete")
    what = f"{handoff.from_step.title} → {handoff.to_step.title}"
    return _structure_done(request, map_obj, notice=panels.deleted(what))


# -- Stages and lanes ----------------------------------------------------------------


def _structure_refused(
    request: HtmxHttpRequest, map_obj: Map, status: int = 422, **kwargs: Any
) -> HttpResponse:
    """The structure panel with what was refused in place."""
    return _panel(
        request, map_obj, _structure(request, map_obj, map_data_from(map_obj), **kwargs), status
    )


def _structure_write(
    request: HtmxHttpRequest, map_obj: Map, write: Callable[[], object], **refused: Any
) -> HttpResponse:
    """Run a stage or lane write: the structure panel after it, 409 when stale, 422 when refused.

    `refused` names where a refusal's messages go: `lane_id` for a lane's own
    form, else the panel's top.
    """
    try:
        write()
    except services.StaleVersionError as stale:
        return _stale(request, map_obj, stale, action="delete")
    except ValidationError as error:
        if "lane_id" in refused:
            return _structure_refused(request, map_obj, lane_errors=error.messages, **refused)
        return _structure_refused(request, map_obj, errors=error.messages, **refused)
    return _structure_done(request, map_obj)


def _structure_done(
    request: HtmxHttpRequest, map_obj: Map, notice: panels.Notice | None = None
) -> HttpResponse:
    data = _stored(map_obj)
    return _done(request, map_obj, _structure(request, map_obj, data, notice=notice), data=data)


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
        return _structure_refused(request, map_obj, stage_form=form)
    return _structure_done(request, map_obj)


def _reorder(request: HtmxHttpRequest, map_obj: Map, move: Callable[[int], object]) -> HttpResponse:
    """Move a stage or lane to the POSTed `position`; a position that is no place is refused."""
    form = PositionForm(request.POST)
    if not form.is_valid():
        problems = [f"{e}" for errors in form.errors.values() for e in errors]
        return _structure_refused(request, map_obj, errors=problems)
    position = form.cleaned_data["position"]
    return _structure_write(request, map_obj, lambda: move(position))


@require_POST
def stage_edit(request: HtmxHttpRequest, slug: str, map_id: int, stage_id: int) -> HttpResponse:
    """Rename a stage, or move it (`position`)."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    stage = get_object_or_404(Stage, pk=stage_id, map=map_obj)
    if "position" in request.POST:
        return _reorder(
            request,
            map_obj,
            lambda at: services.stage_move(stage_id=stage.pk, position=at, user=request.user),
        )
    form = StageForm(request.POST)
    if form.is_valid():
        try:
            services.stage_rename(
                stage_id=stage.pk, name=form.cleaned_data["name"], user=request.user
            )
        except services.StaleVersionError as stale:
            return _stale(request, map_obj, stale, action="edit")
        except ValidationError as error:
            form.add_error("name", error.message_dict.get("name", error.messages))
    if form.errors:
        return _structure_refused(request, map_obj, rename_form=form, rename_stage_id=stage.pk)
    return _structure_done(request, map_obj)


@require_POST
def stage_delete(request: HtmxHttpRequest, slug: str, map_id: int, stage_id: int) -> HttpResponse:
    """Remove a stage with its steps (undoable), if the map is still as the person saw it."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    stage = get_object_or_404(Stage, pk=stage_id, map=map_obj)
    seen = _version(request, "map_version")
    return _structure_write(
        request,
        map_obj,
        lambda: services.stage_delete(stage_id=stage.pk, map_version=seen, user=request.user),
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
            for name, messages in error.message_dict.items():
                form.add_error(name if name in form.fields else None, messages)
    if form.errors:
        return _structure_refused(request, map_obj, lane_form=form)
    return _structure_done(request, map_obj)


@require_POST
def lane_edit(request: HtmxHttpRequest, slug: str, map_id: int, lane_id: int) -> HttpResponse:
    """Move a lane (`position`), rename its department (`name`) or change it (`department`)."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    lane = get_object_or_404(Lane, pk=lane_id, map=map_obj)
    if "position" in request.POST:
        return _reorder(
            request,
            map_obj,
            lambda at: services.lane_move(lane_id=lane.pk, position=at, user=request.user),
        )
    if "name" in request.POST:
        if not _can_rename_departments(request):
            # The same right as on the departments pages: it renames it in every map.
            return _structure_refused(
                request,
                map_obj,
                403,
                lane_id=lane.pk,
                lane_errors=[_("Only a facilitator can rename a department.")],
            )
        name = str(request.POST.get("name", ""))
        return _structure_write(
            request,
            map_obj,
            lambda: services.department_rename(lane_id=lane.pk, name=name, user=request.user),
            lane_id=lane.pk,
        )
    form = LaneForm(request.POST, map_obj=map_obj)
    if not form.is_valid():
        problems = [f"{e}" for errors in form.errors.values() for e in errors]
        return _structure_refused(request, map_obj, lane_id=lane.pk, lane_errors=problems)
    department = form.cleaned_data["department"]
    return _structure_write(
        request,
        map_obj,
        lambda: services.lane_set_department(
            lane_id=lane.pk,
            department_id=department.pk if department else None,
            new_department_name=form.cleaned_data["new_department"],
            color=form.cleaned_data["color"] or "#4C78A8",
            user=request.user,
        ),
        lane_id=lane.pk,
    )


@require_POST
def lane_delete(request: HtmxHttpRequest, slug: str, map_id: int, lane_id: int) -> HttpResponse:
    """Remove a lane with its steps (undoable), if the map is still as the person saw it."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    lane = get_object_or_404(Lane, pk=lane_id, map=map_obj)
    seen = _version(request, "map_version")
    return _structure_write(
        request,
        map_obj,
        lambda: services.lane_delete(lane_id=lane.pk, map_version=seen, user=request.user),
    )


# -- The map as a whole --------------------------------------------------------------


def _undo_done(
    request: HtmxHttpRequest, map_obj: Map, run: Callable[[], MapChange | None], *, redo: bool
) -> HttpResponse:
    """Undo or redo: the structure panel says what happened, or (409) why nothing did."""
    try:
        change = run()
    except UndoError as error:
        notice = panels.undo_refused(error.reason, error.change, redo=redo)
        data = _stored(map_obj)
        panel = _structure(request, map_obj, data, notice=notice)
        return _live(request, map_obj, panel=panel, status=409, data=data)
    return _structure_done(request, map_obj, notice=panels.undone(change, redo=redo))


@require_POST
def map_undo(request: HtmxHttpRequest, slug: str, map_id: int) -> HttpResponse:
    """Undo the map's newest change, whoever made it: the one the button named, if it says."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    seen = UndoForm(request.POST).seen()
    return _undo_done(
        request, map_obj, lambda: services.map_undo(map_obj=map_obj, seen=seen), redo=False
    )


@require_POST
def map_redo(request: HtmxHttpRequest, slug: str, map_id: int) -> HttpResponse:
    """Redo the map's oldest undone change: the one the button named, if it says."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    seen = UndoForm(request.POST).seen()
    return _undo_done(
        request, map_obj, lambda: services.map_redo(map_obj=map_obj, seen=seen), redo=True
    )


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

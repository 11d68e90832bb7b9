"""The editor's side panel as typed states: what it shows after each request.

The views decide *which* panel follows a request (the step just saved, the add
form of the next empty cell, the structure panel after a delete); this module
builds it from the map's plain data, so a panel adds no queries per step. Each
state has a `kind` the template switches on, and the template knows every kind
(a test checks), so no request can end on a panel the page cannot draw.

Conflicts take one path: a write refused because someone else changed (or
removed) the row meanwhile becomes `conflict_panel(...)`: the row's own panel
with its newer values and what to do now, or `Gone`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any, ClassVar

from django.db.models import Count
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from departments.formats import UNKNOWN, format_percent_value, format_signed
from departments.models import Department

from ..forms import (
    HandoffForm,
    HandoffUpdateForm,
    LaneForm,
    QuickStepForm,
    StageForm,
    StepForm,
    StepMoveForm,
    channel_options,
    request_values,
)
from ..mapdata import MapData, StepData
from ..models import Handoff, Lane, Map, MapChange, Stage, Step, channel_label
from ..units import day_text, format_minutes


@dataclass(frozen=True)
class ConflictRow:
    """One field of a conflict: its newer value, and what the person typed (if anything)."""

    label: str
    theirs: str
    mine: str | None = None


@dataclass(frozen=True)
class Conflict:
    """Why a write was refused (409), the row's newer values, and what to do now."""

    message: str
    advice: str
    rows: tuple[ConflictRow, ...] = ()

    @property
    def shows_mine(self) -> bool:
        """Whether the table has a "Yours" column (an edit, not a delete or move)."""
        return any(row.mine is not None for row in self.rows)


class PanelState:
    """Base of the side panel's states; `kind` names the template branch."""

    kind: ClassVar[str] = ""
    #: Says "this is the panel of …" to a screen reader when it opens.
    announce: str = ""


@dataclass(frozen=True)
class Move:
    """One button of the move pad: where the step goes, or None where it cannot."""

    key: str
    label: str
    icon: str
    lane_id: int | None
    stage_id: int | None
    position: int | None = None

    @property
    def possible(self) -> bool:
        """False at the map's edges: the button is shown disabled."""
        return self.lane_id is not None and self.stage_id is not None


@dataclass(frozen=True)
class HandoffRow:
    """A handoff of the selected step, named by the step at its other end and its lane."""

    pk: int
    outgoing: bool
    other_title: str
    other_lane: str
    rework: bool
    crosses: bool


@dataclass(frozen=True)
class StepPanel(PanelState):
    """A step's fields, its move pad and its handoffs."""

    kind: ClassVar[str] = "step"
    step: Step
    lane_name: str
    stage_name: str
    form: StepForm
    move_form: StepMoveForm
    moves: tuple[Move, ...]
    handoffs: tuple[HandoffRow, ...]
    handoff_options: SafeString
    handoff_form: HandoffForm
    channels: tuple[tuple[str, str], ...]
    day: str
    flash: str = ""
    conflict: Conflict | None = None

    @property
    def announce(self) -> str:  # type: ignore[override]
        """The step's name and place, as a screen reader hears the panel open."""
        return _("Step “%(title)s” in %(lane)s × %(stage)s") % {
            "title": self.step.title,
            "lane": self.lane_name,
            "stage": self.stage_name,
        }


@dataclass(frozen=True)
class AddPanel(PanelState):
    """The quick form that adds a step to one cell (or, without a cell, lets one pick it)."""

    kind: ClassVar[str] = "add"
    form: QuickStepForm
    lane: Lane | None
    stage: Stage | None
    flash: str = ""

    @property
    def announce(self) -> str:  # type: ignore[override]
        """Which cell the new step goes into."""
        if self.lane is None or self.stage is None:
            return _("Add a step")
        return _("Add a step in %(lane)s × %(stage)s") % {
            "lane": self.lane.department.name,
            "stage": self.stage.name,
        }


@dataclass(frozen=True)
class HandoffPanel(PanelState):
    """One handoff: both steps and their lanes, rework, label, delete."""

    kind: ClassVar[str] = "handoff"
    handoff: Handoff
    form: HandoffUpdateForm
    delete_version: int
    flash: str = ""
    conflict: Conflict | None = None

    @property
    def announce(self) -> str:  # type: ignore[override]
        """Both ends of the handoff and their lanes."""
        return _(
            "Handoff from “%(source)s” (%(source_lane)s) to “%(target)s” (%(target_lane)s)"
        ) % {
            "source": self.handoff.from_step.title,
            "source_lane": self.handoff.from_step.lane.department.name,
            "target": self.handoff.to_step.title,
            "target_lane": self.handoff.to_step.lane.department.name,
        }


@dataclass(frozen=True)
class LaneRow:
    """A lane in the structure panel, with how many maps renaming its department touches."""

    id: int
    department_id: int
    name: str
    color: str
    maps: int


@dataclass(frozen=True)
class Notice:
    """What the structure panel says on top after a delete, an undo or a redo."""

    kind: str
    text: str = ""
    reason: str = ""
    redo: bool = False
    undo_change: MapChange | None = None


@dataclass(frozen=True)
class StructurePanel(PanelState):
    """Stages and lanes: add, rename, move, remove; a lane's department changed or renamed."""

    kind: ClassVar[str] = "structure"
    data: MapData
    lanes: tuple[LaneRow, ...]
    stage_form: StageForm
    lane_form: LaneForm
    free_departments: tuple[Department, ...]
    can_rename_departments: bool
    rename_stage_id: int | None = None
    rename_form: StageForm | None = None
    lane_id: int | None = None
    lane_errors: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    notice: Notice | None = None
    conflict: Conflict | None = None
    announce: str = field(default="")


@dataclass(frozen=True)
class HistoryPanel(PanelState):
    """Who changed what: the newest changes of the map (the list comes with the undo state)."""

    kind: ClassVar[str] = "history"


@dataclass(frozen=True)
class Gone(PanelState):
    """What the person was working on was deleted meanwhile by someone else."""

    kind: ClassVar[str] = "gone"


#: Every kind the template draws; tests/valuestreams/test_editor_panels.py holds them together.
PANEL_KINDS = tuple(
    cls.kind for cls in (StepPanel, AddPanel, HandoffPanel, StructurePanel, HistoryPanel, Gone)
)


# -- Building the states ----------------------------------------------------------


def _moves(data: MapData, step: StepData) -> tuple[Move, ...]:
    lane_ids, stage_ids = [x.id for x in data.lanes], [x.id for x in data.stages]
    li, si = lane_ids.index(step.lane_id), stage_ids.index(step.stage_id)
    # data.steps is in reading order, so a cell's steps come by position, then id.
    cell = [x.id for x in data.steps if (x.lane_id, x.stage_id) == (step.lane_id, step.stage_id)]
    ci = cell.index(step.id)
    lane, stage = lane_ids[li], stage_ids[si]
    left = stage_ids[si - 1] if si else None
    right = stage_ids[si + 1] if si + 1 < len(stage_ids) else None
    up = lane_ids[li - 1] if li else None
    down = lane_ids[li + 1] if li + 1 < len(lane_ids) else None
    return (
        Move("left", _("Move left"), "←", lane, left),
        Move("right", _("Move right"), "→", lane, right),
        Move("up", _("Move up"), "↑", up, stage),
        Move("down", _("Move down"), "↓", down, stage),
        Move("earlier", _("Move earlier in cell"), "⤒", lane if ci else None, stage, ci - 1),
        Move(
            "later",
            _("Move later in cell"),
            "⤓",
            lane if ci + 1 < len(cell) else None,
            stage,
            ci + 1,
        ),
    )


def _handoff_options(data: MapData, step_id: int, chosen: str) -> SafeString:
    """The "Hand off to" choices: every other step not yet connected from this one, by lane.

    Built here, not in a template loop, and with the standard library's escape
    rather than `format_html` (the same markup): it runs on every save of a step,
    and a 1,000-step map has 1,000 options.
    """
    skipped = {h.to_step_id for h in data.handoffs if h.from_step_id == step_id}
    skipped.add(step_id)
    by_lane: dict[int, list[str]] = {lane.id: [] for lane in data.lanes}
    for x in data.steps:
        if x.id in skipped:
            continue
        value = str(x.id)
        selected = " selected" if value == chosen else ""
        by_lane[x.lane_id].append(f'<option value="{value}"{selected}>{escape(x.title)}</option>')
    groups = [
        f'<optgroup label="{escape(lane.name)}">{"".join(by_lane[lane.id])}</optgroup>'
        for lane in data.lanes
        if by_lane[lane.id]
    ]
    return mark_safe("".join(groups))  # every text in it is escaped above


def step_panel(
    map_obj: Map,
    step: Step,
    data: MapData,
    *,
    form: StepForm | None = None,
    move_form: StepMoveForm | None = None,
    handoff_form: HandoffForm | None = None,
    flash: str = "",
    conflict: Conflict | None = None,
) -> StepPanel:
    """The step's panel from the map's plain data (`data`), which must hold the step."""
    by_id = {x.id: x for x in data.steps}
    lanes = {x.id: x.name for x in data.lanes}
    me = by_id[step.pk]
    day = data.working_day_minutes
    handoffs = tuple(
        HandoffRow(
            pk=h.id,
            outgoing=h.from_step_id == step.pk,
            other_title=other.title,
            other_lane=lanes[other.lane_id],
            rework=h.rework,
            crosses=other.lane_id != me.lane_id,
        )
        for h in data.handoffs
        if step.pk in (h.from_step_id, h.to_step_id)
        for other in [by_id[h.to_step_id if h.from_step_id == step.pk else h.from_step_id]]
    )
    chosen = str(handoff_form.data.get("to_step", "")) if handoff_form is not None else ""
    return StepPanel(
        step=step,
        lane_name=lanes[me.lane_id],
        stage_name=next(x.name for x in data.stages if x.id == me.stage_id),
        form=form
        or StepForm(
            instance=step,
            initial={"version": step.version},
            auto_id="step_%s",
            working_day_minutes=day,
        ),
        move_form=move_form
        or StepMoveForm(
            map_obj=map_obj,
            initial={"lane": step.lane_id, "stage": step.stage_id, "version": step.version},
            auto_id="move_%s",
            places=(
                [(x.id, x.name) for x in data.lanes],
                [(x.id, x.name) for x in data.stages],
            ),
        ),
        moves=_moves(data, me),
        handoffs=handoffs,
        handoff_options=_handoff_options(data, step.pk, chosen),
        handoff_form=handoff_form
        or HandoffForm(map_obj=map_obj, initial={"from_step": step.pk}, auto_id="handoff_%s"),
        channels=tuple(channel_options([x.channel for x in data.steps])),
        day=day_text(day),
        flash=flash,
        conflict=conflict,
    )


def add_panel(map_obj: Map, form: QuickStepForm, *, flash: str = "") -> AddPanel:
    """The add form of the cell the form names (bound or initial), with the cell's names."""
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
    return AddPanel(form=form, lane=lane, stage=stage, flash=flash)


def next_empty_cell(data: MapData, lane_id: int, stage_id: int) -> tuple[int, int] | None:
    """The next cell to the right in the same lane with no step yet, if there is one."""
    stage_ids = [x.id for x in data.stages]
    if stage_id not in stage_ids:
        return None
    filled = {x.stage_id for x in data.steps if x.lane_id == lane_id}
    for later in stage_ids[stage_ids.index(stage_id) + 1 :]:
        if later not in filled:
            return lane_id, later
    return None


def handoff_panel(
    handoff: Handoff,
    *,
    form: HandoffUpdateForm | None = None,
    flash: str = "",
    conflict: Conflict | None = None,
) -> HandoffPanel:
    """A handoff's panel; `handoff` comes with both steps and their lanes' departments."""
    return HandoffPanel(
        handoff=handoff,
        form=form
        or HandoffUpdateForm(
            initial={"version": handoff.version, "rework": handoff.rework, "label": handoff.label}
        ),
        delete_version=handoff.version,
        flash=flash,
        conflict=conflict,
    )


def structure_panel(
    map_obj: Map,
    data: MapData,
    *,
    can_rename_departments: bool,
    stage_form: StageForm | None = None,
    lane_form: LaneForm | None = None,
    rename_stage_id: int | None = None,
    rename_form: StageForm | None = None,
    lane_id: int | None = None,
    lane_errors: Sequence[str] = (),
    errors: Sequence[str] = (),
    notice: Notice | None = None,
    conflict: Conflict | None = None,
) -> StructurePanel:
    """Stages and lanes of the map as stored (`data`); two queries: free departments, map counts."""
    lane_form = lane_form or LaneForm(map_obj=map_obj)
    department_field: Any = lane_form.fields["department"]
    free = tuple(department_field.queryset)
    counts = dict(
        Lane.objects.filter(department_id__in=[x.department_id for x in data.lanes])
        .values("department_id")
        .annotate(maps=Count("map_id", distinct=True))
        .values_list("department_id", "maps")
    )
    lanes = tuple(
        LaneRow(x.id, x.department_id, x.name, x.color, counts.get(x.department_id, 1))
        for x in data.lanes
    )
    return StructurePanel(
        data=data,
        lanes=lanes,
        stage_form=stage_form or StageForm(),
        lane_form=lane_form,
        free_departments=free,
        can_rename_departments=can_rename_departments,
        rename_stage_id=rename_stage_id,
        rename_form=rename_form,
        lane_id=lane_id,
        lane_errors=tuple(lane_errors),
        errors=tuple(errors),
        notice=notice,
        conflict=conflict,
        announce=notice.text if notice else _("Build the map"),
    )


def deleted(title: str) -> Notice:
    """After a delete: what went, with an undo button."""
    return Notice("deleted", _("Deleted “%(what)s”.") % {"what": title})


def undone(change: MapChange | None, *, redo: bool) -> Notice:
    """After an undo or redo: what it did."""
    if change is None:
        return Notice("undone", _("Nothing to redo.") if redo else _("Nothing to undo."))
    text = _("Redone: %(what)s") if redo else _("Undone: %(what)s")
    return Notice("undone", text % {"what": change.description})


def undo_refused(reason: str, change: MapChange | None, *, redo: bool) -> Notice:
    """409 of an undo or redo: why nothing happened (the template words each reason)."""
    return Notice("undo_refused", reason=reason, redo=redo, undo_change=change)


# -- The one conflict path --------------------------------------------------------


def _step_values(step: Step, day: int) -> dict[str, tuple[str, str]]:
    """A step's fields as (label, text) for the conflict table."""
    lines = {
        "title": (_("Title"), step.title),
        "process_time_minutes": (_("Process time"), format_minutes(step.process_time_minutes, day)),
        "lead_time_minutes": (_("Lead time"), format_minutes(step.lead_time_minutes, day)),
        "complete_accurate_pct": (_("%C&A"), format_percent_value(step.complete_accurate_pct)),
        "value_adding": (_("Value-adding"), _("yes") if step.value_adding else _("no")),
        "emotion": (
            _("Emotion"),
            UNKNOWN if step.emotion is None else format_signed(step.emotion),
        ),
        "channel": (_("Channel"), channel_label(step.channel) or UNKNOWN),
        "touchpoint": (_("Touchpoint"), step.touchpoint or UNKNOWN),
        "owner": (_("Owner"), step.owner or UNKNOWN),
        "description": (_("Description"), step.description or UNKNOWN),
        "pain_points": (_("Pain points"), "; ".join(step.pain_points) or UNKNOWN),
        "opportunities": (_("Opportunities"), "; ".join(step.opportunities) or UNKNOWN),
    }
    return lines


def _step_conflict(current: Step, action: str, mine: Step | None, day: int) -> Conflict:
    theirs = _step_values(current, day)
    if action == "edit" and mine is not None:
        ours = _step_values(mine, day)
        rows = tuple(
            ConflictRow(label, value, ours[name][1])
            for name, (label, value) in theirs.items()
            if ours[name][1] != value
        )
        return Conflict(
            _("Someone else changed this step while you were editing."),
            _(
                "Nothing of yours was saved. Press “Apply mine on top” to save your values over "
                "theirs, or Close to keep theirs."
            ),
            rows,
        )
    rows = tuple(ConflictRow(label, value) for label, value in theirs.values() if value != UNKNOWN)
    if action == "move":
        return Conflict(
            _("Someone changed this step meanwhile; it was not moved."),
            _("Here it is as it is now: move it again if you still want to."),
            rows,
        )
    return Conflict(
        _("Someone changed this step meanwhile; it was not deleted."),
        _("Check its newer values and delete it again if you still want to."),
        rows,
    )


def _handoff_conflict(current: Handoff, deleting: bool) -> Conflict:
    rows = (
        ConflictRow(_("Rework"), _("rework") if current.rework else _("not rework")),
        ConflictRow(_("Label"), current.label or UNKNOWN),
    )
    return Conflict(
        _("Someone else changed this handoff meanwhile."),
        _("It was not deleted. Delete it again if you still want to.")
        if deleting
        else _("Press “Apply mine on top” to save yours over it."),
        rows,
    )


def _structure_conflict(current: Stage | Lane, data: MapData) -> Conflict:
    if isinstance(current, Stage):
        inside = [x.title for x in data.steps if x.stage_id == current.pk]
        what = _("stage “%(name)s”") % {"name": current.name}
    else:
        inside = [x.title for x in data.steps if x.lane_id == current.pk]
        lane = next((x.name for x in data.lanes if x.id == current.pk), "")
        what = _("lane “%(name)s”") % {"name": lane}
    count = ngettext("%(count)s step", "%(count)s steps", len(inside)) % {"count": len(inside)}
    return Conflict(
        _("The map changed since you opened this panel: %(what)s was not removed.")
        % {"what": what},
        _("Remove it again if you still want to."),
        (ConflictRow(_("It now holds"), f"{count}: {', '.join(inside)}" if inside else count),),
    )


def conflict_panel(
    map_obj: Map,
    current: Step | Handoff | Stage | Lane | None,
    data: MapData,
    *,
    action: str,
    can_rename_departments: bool = False,
    retry: StepForm | HandoffUpdateForm | None = None,
    mine: Step | None = None,
) -> PanelState:
    """The panel of a write refused as stale (409): the row's newer values, or `Gone`.

    `action` is "edit", "move" or "delete"; `retry` is the person's form, ready to
    apply on top (an edit), and `mine` their values as a step, to compare.
    """
    if current is None:
        return Gone()
    if isinstance(current, Step):
        step = Step.objects.select_related("lane__department", "stage").get(pk=current.pk)
        conflict = _step_conflict(current, action, mine, data.working_day_minutes)
        step_form = retry if isinstance(retry, StepForm) else None
        return step_panel(map_obj, step, data, form=step_form, conflict=conflict)
    if isinstance(current, Handoff):
        handoff = Handoff.objects.select_related(
            "from_step__lane__department", "to_step__lane__department"
        ).get(pk=current.pk)
        deleting = action == "delete"
        handoff_form = retry if isinstance(retry, HandoffUpdateForm) and not deleting else None
        conflict = _handoff_conflict(current, deleting)
        return handoff_panel(handoff, form=handoff_form, conflict=conflict)
    return structure_panel(
        map_obj,
        data,
        can_rename_departments=can_rename_departments,
        conflict=_structure_conflict(current, data),
    )

"""Writes that touch several rows of the map core; each is one transaction."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import Any, ParamSpec, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from departments.models import HEX_COLOR, Department
from departments.pages import CONFLICT

from . import rows
from .change_texts import change_params
from .changes import (
    HISTORY_MARK,
    ensure_baseline,
    forget_written,
    history_model,
    lock_map,
    marking_history,
    record_updates,
    recording_change,
    redo_next,
    undo_latest,
    user_id_of,
)
from .changes import User as AnyUser
from .models import Handoff, Lane, Map, MapChange, MapState, Stage, Step
from .rules import STEP_FIELDS, step_value_errors


def map_touch(*, map_id: int) -> None:
    """Bump a map's version: cached analysis and polling viewers key on it."""
    Map.objects.filter(pk=map_id).update(version=F("version") + 1)


# -- The editor: every write below is one undoable change of one map ---------------


class StaleVersionError(Exception):
    """A write based on an older version of a row (or of the map): refused, never applied.

    `current` is the row as it is now (None when it is gone), so the editor can
    show the newer values and let the person apply theirs on top, or delete again.
    """

    def __init__(self, current: Step | Handoff | Stage | Lane | None) -> None:
        super().__init__("stale version")
        self.current = current


P = ParamSpec("P")
R = TypeVar("R")


def _editor_write(service: Callable[P, R]) -> Callable[P, R]:
    """Run an editor service as one transaction; a database refusal becomes a ValidationError.

    Each service checks its rules under the map's row lock first, so this only
    catches what no lock covers (a department deleted meanwhile, SQLite, which
    has no row locks). Foreign keys are checked at commit: that is why the
    transaction is opened here, where the refusal can still be caught.
    """

    @functools.wraps(service)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        forget_written()
        try:
            with transaction.atomic():
                return service(*args, **kwargs)
        except BaseException as error:
            forget_written()  # what it recorded, if anything, was rolled back
            if isinstance(error, IntegrityError):
                raise ValidationError({NON_FIELD_ERRORS: [CONFLICT]}) from error
            raise

    return run


def _lock_map_of(model: type[models.Model], pk: int, map_id: int | None = None) -> int:
    """Take the row lock of the map row `pk` belongs to and return the map's version.

    StaleVersionError(None) if the row is gone (or, given `map_id`, is not that
    map's). One query. Every editor change locks its map before it reads, so
    changes of one map are applied one after another (see `changes.lock_map`).
    """
    found = rows.fetch_one(
        _lock_sql(model, map_id is not None), [pk] if map_id is None else [pk, map_id]
    )
    if found is None:
        raise StaleVersionError(None)
    return int(found[0])


@functools.cache
def _lock_sql(model: type[models.Model], of_map: bool) -> str:
    """`_lock_map_of`'s statement for rows of `model`, written once: building it with
    the ORM (a subquery under select_for_update) cost more than running it."""
    quote = rows.quote
    owner = (
        f"SELECT {quote('map_id')} FROM {quote(model._meta.db_table)}"
        f" WHERE {quote(model._meta.pk.column)} = %s"
        + (f" AND {quote('map_id')} = %s" if of_map else "")
    )
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""  # not SQLite
    return (
        f"SELECT {quote('version')} FROM {quote(Map._meta.db_table)}"
        f" WHERE {quote(Map._meta.pk.column)} = ({owner}){lock}"
    )


def _check_step_values(values: Mapping[str, Any]) -> None:
    errors = step_value_errors(values)
    if errors:
        raise ValidationError(errors)


def _claim(model: type[Step] | type[Handoff], pk: int, version: int | None) -> None:
    """Compare-and-set on the row's version in one UPDATE; raise StaleVersionError if stale.

    The UPDATE also holds the row's write lock until the transaction ends, so two
    editors cannot both pass the check. No version at all counts as stale: a
    write that does not say what it saw could overwrite anything.
    """
    if version is None or not model.objects.filter(pk=pk, version=version).update(
        version=F("version") + 1
    ):
        raise StaleVersionError(model.objects.filter(pk=pk).first())


def _check_map_version(locked: int, seen: int | None, current: Stage | Lane) -> None:
    """Refuse a stage or lane delete made on an older view of the map.

    Stages and lanes carry no version of their own; deleting one takes every step
    in it, so the map's version (which any edit of those steps bumps) is what the
    person must have seen.
    """
    if seen is None or seen != locked:
        raise StaleVersionError(current)


def _renumber(steps: list[Step], *, skip: Step | None = None) -> list[Step]:
    """Give the steps of one cell positions 0, 1, 2, … in list order; save the changed ones.

    `skip` (the step being moved, written by the caller) gets its position but is
    not saved here. Returns the steps saved, whose history the caller records.
    """
    changed = []
    for index, step in enumerate(steps):
        if step.position != index and step is not skip:
            changed.append(step)
        step.position = index
    if changed:
        Step.objects.bulk_update(changed, ["position"])
    return changed


def _cell(map_id: int, lane_id: int, stage_id: int) -> list[Step]:
    """The steps of one cell in order, each with its history mark (`marking_history`)."""
    return list(Step.objects.raw(_cell_sql(), [map_id, lane_id, stage_id]))


def _history_known(alias: str) -> str:
    """Whether step `alias` has a history record yet, in SQL (`marking_history`'s mark)."""
    q = rows.quote
    table = q(history_model(Step)._meta.db_table)
    return f"EXISTS (SELECT 1 FROM {table} h WHERE h.{q('id')} = {alias}.{q('id')})"


@functools.cache
def _cell_sql() -> str:
    """`_cell`'s statement, written once from the models: the ORM took twice as long
    to build it (an annotated subquery) as the database to answer it, on every move."""
    quote = rows.quote
    known = f"{_history_known('s')} AS {quote(HISTORY_MARK)}"
    return (
        f"SELECT {rows.columns(Step, 's')}, {known} FROM {quote(Step._meta.db_table)} s"
        f" WHERE s.{quote('map_id')} = %s AND s.{quote('lane_id')} = %s"
        f" AND s.{quote('stage_id')} = %s ORDER BY s.{quote('position')}, s.{quote('id')}"
    )


@_editor_write
def step_create(
    *,
    map_obj: Map,
    lane_id: int,
    stage_id: int,
    values: Mapping[str, Any],
    user: AnyUser = None,
) -> Step:
    """Add a step at the end of the lane × stage cell; the lane and stage must be the map's."""
    lock_map(map_obj.pk)
    if not Lane.objects.filter(pk=lane_id, map_id=map_obj.pk).exists():
        raise ValidationError({"lane": _("Choose a lane of this map.")})
    if not Stage.objects.filter(pk=stage_id, map_id=map_obj.pk).exists():
        raise ValidationError({"stage": _("Choose a stage of this map.")})
    clean = {k: v for k, v in values.items() if k in STEP_FIELDS}
    _check_step_values(clean)
    with recording_change(
        map_id=map_obj.pk, user=user, code="step_added", title=clean.get("title", "")
    ):
        last = (
            Step.objects.filter(map_id=map_obj.pk, lane_id=lane_id, stage_id=stage_id)
            .order_by("-position")
            .values_list("position", flat=True)
            .first()
        )
        step = Step(
            map_id=map_obj.pk,
            lane_id=lane_id,
            stage_id=stage_id,
            position=0 if last is None else last + 1,
            **clean,
        )
        step.save()
    return step


@_editor_write
def step_update(
    *,
    step_id: int,
    version: int | None,
    values: Mapping[str, Any],
    user: AnyUser = None,
    map_id: int | None = None,
) -> Step:
    """Change a step's fields if `version` is still current; else StaleVersionError.

    With `map_id`, a step of another map counts as gone (StaleVersionError(None)),
    before anything is written: the editor need not read the step first.
    """
    clean = {k: v for k, v in values.items() if k in STEP_FIELDS}
    _check_step_values(clean)
    _lock_map_of(Step, step_id, map_id)
    _claim(Step, step_id, version)
    step = marking_history(Step.objects.all()).get(pk=step_id)
    ensure_baseline(Step, [step])
    with recording_change(
        map_id=step.map_id, user=user, code="step_edited", title=clean.get("title", step.title)
    ):
        for name, value in clean.items():
            setattr(step, name, value)
        step.save()
    return step


def _step_to_move(step_id: int, lane_id: int, stage_id: int) -> tuple[Step, bool, bool]:
    """The step with its lane, department and stage in place and its history mark, and
    whether the lane and the stage it goes to are its map's: one query instead of
    three, on the drag-and-drop the facilitator waits for."""
    row = rows.fetch_one(_step_to_move_sql(), [lane_id, stage_id, step_id])
    if row is None:
        raise Step.DoesNotExist
    (step, lane, department, stage), marks = rows.split(row, [Step, Lane, Department, Stage])
    rows.relate(lane, "department", department)
    rows.relate(step, "lane", lane)
    rows.relate(step, "stage", stage)
    lane_ok, stage_ok, marked = (bool(v) for v in marks)
    setattr(step, HISTORY_MARK, marked)
    return step, lane_ok, stage_ok


@functools.cache
def _step_to_move_sql() -> str:
    """`_step_to_move`'s statement, written once (see `valuestreams.rows`)."""
    q = rows.quote
    lanes, stages = q(Lane._meta.db_table), q(Stage._meta.db_table)
    return (
        f"SELECT {rows.columns(Step, 's')}, {rows.columns(Lane, 'l')},"
        f" {rows.columns(Department, 'd')}, {rows.columns(Stage, 'g')},"
        f" EXISTS (SELECT 1 FROM {lanes} x WHERE x.{q('id')} = %s"
        f" AND x.{q('map_id')} = s.{q('map_id')}),"
        f" EXISTS (SELECT 1 FROM {stages} y WHERE y.{q('id')} = %s"
        f" AND y.{q('map_id')} = s.{q('map_id')}),"
        f" {_history_known('s')}"
        f" FROM {q(Step._meta.db_table)} s"
        f" INNER JOIN {lanes} l ON l.{q('id')} = s.{q('lane_id')}"
        f" INNER JOIN {q(Department._meta.db_table)} d ON d.{q('id')} = l.{q('department_id')}"
        f" INNER JOIN {stages} g ON g.{q('id')} = s.{q('stage_id')}"
        f" WHERE s.{q('id')} = %s"
    )


@_editor_write
def step_move(
    *,
    step_id: int,
    version: int,
    lane_id: int,
    stage_id: int,
    position: int | None = None,
    user: AnyUser = None,
    map_id: int | None = None,
) -> Step:
    """Move a step to another lane × stage cell and/or place in its cell.

    `position` counts among the target cell's other steps (None = at the end).
    The lane and stage must belong to the step's own map: a lane of another map
    or another workspace's department is refused. Given `map_id`, a step of
    another map is refused as a gone one (StaleVersionError(None)).
    """
    _lock_map_of(Step, step_id, map_id)
    step, lane_ok, stage_ok = _step_to_move(step_id, lane_id, stage_id)
    if not lane_ok:
        raise ValidationError({"lane": _("Choose a lane of this map.")})
    if not stage_ok:
        raise ValidationError({"stage": _("Choose a stage of this map.")})
    if step.version != version:
        # Under the map's lock no other edit of this step can come between this
        # read and the write below (which compares the version again, as `_claim`).
        raise StaleVersionError(step)
    target = [s for s in _cell(step.map_id, lane_id, stage_id) if s.pk != step.pk]
    ensure_baseline(Step, [step, *target])
    where = len(target) if position is None else max(0, min(position, len(target)))
    with recording_change(map_id=step.map_id, user=user, code="step_moved", title=step.title):
        target.insert(where, step)
        step.lane_id, step.stage_id = lane_id, stage_id
        renumbered = _renumber(target, skip=step)
        # The move and its compare-and-set in one UPDATE; the step's history record
        # goes in one INSERT with the renumbered steps' (four queries became two).
        if not Step.objects.filter(pk=step_id, version=version).update(
            lane_id=lane_id, stage_id=stage_id, position=step.position, version=version + 1
        ):
            raise StaleVersionError(Step.objects.filter(pk=step_id).first())
        step.version = version + 1
        record_updates(Step, [*renumbered, step])
    return step


@_editor_write
def step_delete(*, step_id: int, version: int | None, user: AnyUser = None) -> None:
    """Delete a step and its handoffs (undoable), only if `version` is still current."""
    _lock_map_of(Step, step_id)
    _claim(Step, step_id, version)
    step = Step.objects.get(pk=step_id)
    with recording_change(map_id=step.map_id, user=user, code="step_deleted", title=step.title):
        step.delete()


def _check_handoff(map_id: int, from_step_id: int, to_step_id: int) -> dict[int, str]:
    """Refuse a loop, a foreign step or a duplicate; the two steps' titles by id."""
    if from_step_id == to_step_id:
        raise ValidationError({"to_step": _("A handoff joins two different steps.")})
    titles = dict(
        Step.objects.filter(pk__in=[from_step_id, to_step_id], map_id=map_id).values_list(
            "pk", "title"
        )
    )
    if len(titles) != 2:
        raise ValidationError({"to_step": _("Both steps must be on this map.")})
    if Handoff.objects.filter(from_step_id=from_step_id, to_step_id=to_step_id).exists():
        raise ValidationError({"to_step": _("These two steps are already connected.")})
    return titles


def _handoff_with_steps(handoff_id: int) -> Handoff:
    # The history line names both ends, so their titles come with the handoff.
    return Handoff.objects.select_related("from_step", "to_step").get(pk=handoff_id)


@_editor_write
def handoff_create(
    *,
    map_obj: Map,
    from_step_id: int,
    to_step_id: int,
    rework: bool = False,
    label: str = "",
    user: AnyUser = None,
) -> Handoff:
    """Connect two steps of the map; refuses a loop to itself, a duplicate or a foreign step."""
    lock_map(map_obj.pk)
    titles = _check_handoff(map_obj.pk, from_step_id, to_step_id)
    with recording_change(
        map_id=map_obj.pk,
        user=user,
        code="handoff_added",
        source=titles[from_step_id],
        target=titles[to_step_id],
    ):
        handoff = Handoff(
            map_id=map_obj.pk,
            from_step_id=from_step_id,
            to_step_id=to_step_id,
            rework=rework,
            label=label,
        )
        handoff.save()
    return handoff


@_editor_write
def handoff_update(
    *, handoff_id: int, version: int, rework: bool, label: str, user: AnyUser = None
) -> Handoff:
    """Mark a handoff as rework (or not) and label it, if `version` is still current."""
    _lock_map_of(Handoff, handoff_id)
    _claim(Handoff, handoff_id, version)
    handoff = _handoff_with_steps(handoff_id)
    ensure_baseline(Handoff, [handoff])
    if rework != handoff.rework:
        code = "handoff_rework_on" if rework else "handoff_rework_off"
    else:
        code = "handoff_labelled"
    with recording_change(
        map_id=handoff.map_id,
        user=user,
        code=code,
        source=handoff.from_step.title,
        target=handoff.to_step.title,
        label=label,
    ):
        handoff.rework, handoff.label = rework, label
        handoff.save()
    return handoff


@_editor_write
def handoff_delete(*, handoff_id: int, version: int | None, user: AnyUser = None) -> None:
    """Remove a handoff (undoable), only if `version` is still current."""
    _lock_map_of(Handoff, handoff_id)
    _claim(Handoff, handoff_id, version)
    handoff = _handoff_with_steps(handoff_id)
    with recording_change(
        map_id=handoff.map_id,
        user=user,
        code="handoff_deleted",
        source=handoff.from_step.title,
        target=handoff.to_step.title,
    ):
        handoff.delete()


def _reorder(rows: list[Any], row: Any, position: int) -> None:
    """Put `row` at `position` among `rows` and renumber them 0, 1, 2, …, saving only changes."""
    rows.remove(row)
    rows.insert(max(0, min(len(rows), position)), row)
    for index, item in enumerate(rows):
        if item.position != index:
            item.position = index
            item.save(update_fields=["position"])


@_editor_write
def stage_create(*, map_obj: Map, name: str, user: AnyUser = None) -> Stage:
    """Add a stage at the right end of the map; names are unique on a map."""
    lock_map(map_obj.pk)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("A stage needs a name.")})
    if Stage.objects.filter(map_id=map_obj.pk, name=name).exists():
        raise ValidationError({"name": _("This map already has a stage of that name.")})
    with recording_change(map_id=map_obj.pk, user=user, code="stage_added", name=name):
        last = Stage.objects.filter(map_id=map_obj.pk).aggregate(top=Max("position"))["top"]
        stage = Stage(map_id=map_obj.pk, name=name, position=0 if last is None else last + 1)
        stage.save()
    return stage


@_editor_write
def stage_rename(*, stage_id: int, name: str, user: AnyUser = None) -> Stage:
    """Rename a stage; names are unique on a map."""
    _lock_map_of(Stage, stage_id)
    stage = Stage.objects.get(pk=stage_id)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("A stage needs a name.")})
    if Stage.objects.filter(map_id=stage.map_id, name=name).exclude(pk=stage_id).exists():
        raise ValidationError({"name": _("This map already has a stage of that name.")})
    ensure_baseline(Stage, [stage])
    with recording_change(
        map_id=stage.map_id, user=user, code="stage_renamed", old=stage.name, name=name
    ):
        stage.name = name
        stage.save()
    return stage


@_editor_write
def stage_move(*, stage_id: int, position: int, user: AnyUser = None) -> Stage:
    """Put a stage at `position` (0 = leftmost) and renumber the others."""
    _lock_map_of(Stage, stage_id)
    stage = Stage.objects.get(pk=stage_id)
    stages = list(Stage.objects.filter(map_id=stage.map_id).order_by("position", "id"))
    ensure_baseline(Stage, stages)
    with recording_change(map_id=stage.map_id, user=user, code="stage_moved", name=stage.name):
        _reorder(stages, next(s for s in stages if s.pk == stage.pk), position)
    return stage


@_editor_write
def stage_delete(*, stage_id: int, map_version: int | None, user: AnyUser = None) -> None:
    """Remove a stage with the steps in it and their handoffs (undoable).

    Only if the map is still at `map_version`, the version the person saw.
    """
    locked = _lock_map_of(Stage, stage_id)
    stage = Stage.objects.get(pk=stage_id)
    _check_map_version(locked, map_version, stage)
    with recording_change(map_id=stage.map_id, user=user, code="stage_removed", name=stage.name):
        for step in Step.objects.filter(stage_id=stage.pk):
            step.delete()
        stage.delete()


@_editor_write
def lane_create(
    *,
    map_obj: Map,
    department_id: int | None = None,
    new_department_name: str = "",
    color: str = "#4C78A8",
    user: AnyUser = None,
) -> Lane:
    """Add a department's lane at the bottom of the map, creating the department if asked.

    The department must belong to the map's workspace and not have a lane yet.
    """
    lock_map(map_obj.pk)
    department = _lane_department(map_obj, department_id, new_department_name, color)
    if Lane.objects.filter(map_id=map_obj.pk, department_id=department.pk).exists():
        raise ValidationError({"department": _("This department already has a lane here.")})
    with recording_change(
        map_id=map_obj.pk, user=user, code="lane_added", department=department.name
    ):
        last = Lane.objects.filter(map_id=map_obj.pk).aggregate(top=Max("position"))["top"]
        lane = Lane(
            map_id=map_obj.pk, department=department, position=0 if last is None else last + 1
        )
        lane.save()
    return lane


def _lane_department(
    map_obj: Map, department_id: int | None, new_department_name: str, color: str
) -> Department:
    """The workspace's department a lane is to stand for: chosen by id, or found or made by name."""
    if department_id is None:
        name = new_department_name.strip()
        if not name:
            raise ValidationError({"department": _("Choose a department or name a new one.")})
        department = Department.objects.filter(
            workspace_id=map_obj.workspace_id, name__iexact=name
        ).first()
        if department is None:
            if not re.fullmatch(HEX_COLOR, color):
                raise ValidationError({"color": _("Use a hex colour such as #4C78A8.")})
            department = _department_create(map_obj.workspace_id, name, color)
        return department
    # Locked so that deleting the department waits for this lane, or this sees it gone.
    found = Department.objects.select_for_update(no_key=True).filter(
        pk=department_id, workspace_id=map_obj.workspace_id
    )
    department = found.first()
    if department is None:
        raise ValidationError({"department": _("Choose a department of this workspace.")})
    return department


def _department_create(workspace_id: int, name: str, color: str) -> Department:
    """A new department, or the one of that name someone added at the same moment."""
    try:
        with transaction.atomic():
            return Department.objects.create(workspace_id=workspace_id, name=name, color=color)
    except IntegrityError:
        return Department.objects.get(workspace_id=workspace_id, name__iexact=name)


@_editor_write
def lane_move(*, lane_id: int, position: int, user: AnyUser = None) -> Lane:
    """Put a lane at `position` (0 = top) and renumber the others."""
    _lock_map_of(Lane, lane_id)
    lane = Lane.objects.select_related("department").get(pk=lane_id)
    lanes = list(Lane.objects.filter(map_id=lane.map_id).order_by("position", "id"))
    ensure_baseline(Lane, lanes)
    with recording_change(
        map_id=lane.map_id, user=user, code="lane_moved", department=lane.department.name
    ):
        _reorder(lanes, next(x for x in lanes if x.pk == lane.pk), position)
    return lane


@_editor_write
def lane_set_department(
    *,
    lane_id: int,
    department_id: int | None = None,
    new_department_name: str = "",
    color: str = "#4C78A8",
    user: AnyUser = None,
) -> Lane:
    """Let a lane stand for another department of the workspace (undoable).

    Only this map changes; the department is an existing one without a lane here
    or, with `new_department_name`, one created (or found by that name).
    """
    _lock_map_of(Lane, lane_id)
    lane = Lane.objects.select_related("department", "map").get(pk=lane_id)
    department = _lane_department(lane.map, department_id, new_department_name, color)
    if department.pk == lane.department_id:
        return lane
    if Lane.objects.filter(map_id=lane.map_id, department_id=department.pk).exists():
        raise ValidationError({"department": _("This department already has a lane here.")})
    ensure_baseline(Lane, [lane])
    with recording_change(
        map_id=lane.map_id,
        user=user,
        code="lane_department_changed",
        old=lane.department.name,
        department=department.name,
    ):
        lane.department = department
        lane.save()
    return lane


@_editor_write
def department_rename(*, lane_id: int, name: str, user: AnyUser = None) -> Department:
    """Rename the department a lane stands for: in every map of the workspace.

    Recorded in this map's history but not undoable (departments keep no history);
    every map with a lane for it gets a new version, so open editors redraw.
    """
    _lock_map_of(Lane, lane_id)
    lane = Lane.objects.select_related("department").get(pk=lane_id)
    department = lane.department
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("A department needs a name.")})
    taken = Department.objects.filter(workspace_id=department.workspace_id, name__iexact=name)
    if taken.exclude(pk=department.pk).exists():
        raise ValidationError(
            {"name": _("A department with this name already exists in the workspace.")}
        )
    old = department.name
    if old == name:
        return department
    with recording_change(
        map_id=lane.map_id, user=user, code="department_renamed", old=old, name=name
    ) as change:
        Department.objects.filter(pk=department.pk).update(name=name)
        change.undoable = False
        change.save(update_fields=["undoable"])
    Map.objects.filter(lanes__department_id=department.pk).exclude(pk=lane.map_id).update(
        version=F("version") + 1
    )
    department.name = name
    return department


def department_map_count(department_id: int) -> int:
    """How many maps have a lane for the department: what renaming it touches."""
    return Map.objects.filter(lanes__department_id=department_id).distinct().count()


@_editor_write
def lane_delete(*, lane_id: int, map_version: int | None, user: AnyUser = None) -> None:
    """Remove a lane with the steps in it and their handoffs (undoable).

    Only if the map is still at `map_version`, the version the person saw.
    """
    locked = _lock_map_of(Lane, lane_id)
    lane = Lane.objects.select_related("department").get(pk=lane_id)
    _check_map_version(locked, map_version, lane)
    with recording_change(
        map_id=lane.map_id, user=user, code="lane_removed", department=lane.department.name
    ):
        for step in Step.objects.filter(lane_id=lane.pk):
            step.delete()
        lane.delete()


@transaction.atomic
def map_copy_as_future_state(*, map_obj: Map, name: str = "", user: AnyUser = None) -> Map:
    """A future-state copy of the map: same stages, lanes, steps and handoffs, new ids.

    The copy is `based_on` the current-state map (the original's own current state
    when copying a future state), so the two can be compared metric by metric.
    """
    current = map_obj if map_obj.state == MapState.CURRENT else (map_obj.based_on or map_obj)
    copy = Map.objects.create(
        workspace_id=map_obj.workspace_id,
        kind=map_obj.kind,
        state=MapState.FUTURE,
        name=name.strip() or f"{map_obj.name} ({_('future state')})",
        description=map_obj.description,
        persona_id=map_obj.persona_id,
        based_on=current,
    )
    stages = list(Stage.objects.filter(map_id=map_obj.pk).order_by("position", "id"))
    lanes = list(Lane.objects.filter(map_id=map_obj.pk).order_by("position", "id"))
    steps = list(Step.objects.filter(map_id=map_obj.pk).order_by("id"))
    handoffs = list(Handoff.objects.filter(map_id=map_obj.pk).order_by("id"))
    new_stages = Stage.objects.bulk_create(
        Stage(map=copy, name=s.name, position=s.position) for s in stages
    )
    new_lanes = Lane.objects.bulk_create(
        Lane(map=copy, department_id=x.department_id, position=x.position) for x in lanes
    )
    stage_map = {old.pk: new.pk for old, new in zip(stages, new_stages, strict=True)}
    lane_map = {old.pk: new.pk for old, new in zip(lanes, new_lanes, strict=True)}
    new_steps = Step.objects.bulk_create(
        Step(
            map=copy,
            lane_id=lane_map[s.lane_id],
            stage_id=stage_map[s.stage_id],
            position=s.position,
            **{name: getattr(s, name) for name in STEP_FIELDS},
        )
        for s in steps
    )
    step_map = {old.pk: new.pk for old, new in zip(steps, new_steps, strict=True)}
    Handoff.objects.bulk_create(
        Handoff(
            map=copy,
            from_step_id=step_map[h.from_step_id],
            to_step_id=step_map[h.to_step_id],
            label=h.label,
            rework=h.rework,
        )
        for h in handoffs
    )
    MapChange.objects.create(
        map=copy,
        user_id=user_id_of(user),
        code="future_state_created",
        params=change_params("future_state_created", map=map_obj.name),
        undone=False,
    )
    return copy


def map_undo(*, map_obj: Map, seen: int | None = None) -> MapChange | None:
    """Undo the map's newest change (all rows it wrote); None when nothing is left to undo.

    `seen` is the change the person meant (the one their undo button named).
    Raises UndoError when that is no longer the next one or the data no longer
    allows it; nothing is changed then.
    """
    return undo_latest(map_id=map_obj.pk, seen=seen)


def map_redo(*, map_obj: Map, seen: int | None = None) -> MapChange | None:
    """Redo the map's oldest undone change; None when there is nothing to redo."""
    return redo_next(map_id=map_obj.pk, seen=seen)

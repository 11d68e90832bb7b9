"""Editor changes: record what one edit wrote, and undo or redo it exactly.

Every edit service runs inside `recording_change(...)`. That creates a
`MapChange` and, through a context variable read by a django-simple-history
signal, stamps the change's id on every history row the edit writes (including
rows deleted by cascade). Undo and redo then work from those history rows alone:

- undo puts each touched row back as it was just before the change: rows the
  change created are deleted, rows it deleted are re-created with the same id,
  and rows it updated get back only the fields the change altered, so a
  colleague's later edit of another field survives;
- redo applies the state each row had at the end of the change.

Rows written by undo and redo carry no change id, so a change's own rows stay
exactly what the edit wrote, however often it is undone and redone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.signals import request_finished, request_started
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Exists, F, Max, OuterRef, QuerySet
from django.db.models.signals import post_delete
from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

from departments.models import Department

from .change_texts import change_params
from .models import Handoff, Lane, Map, MapChange, Stage, Step

_current_change: ContextVar[int | None] = ContextVar("crosswalk_current_change", default=None)


@dataclass(frozen=True)
class Written:
    """The change an edit just recorded and the map's version its write produced."""

    change: MapChange
    version: int

    def of(self, map_id: int) -> int | None:
        """The version written if the change is of map `map_id`, else None."""
        return self.version if self.change.map_id == map_id else None


_written: ContextVar[Written | None] = ContextVar("crosswalk_written", default=None)


def last_written() -> Written | None:
    """What the last change recorded in this thread or task wrote, if it was committed.

    Lets the editor answer a write without reading back what it has just
    written (the map's version, the newest change). Callers compare the version
    with the map they show: state is known by version, so an older entry never
    passes for a newer one.
    """
    return _written.get()


def forget_written() -> None:
    """Clear `last_written`: an edit begins, or its transaction did not commit."""
    _written.set(None)


@receiver(request_started)
@receiver(request_finished)
def _forget_written_between_requests(sender: Any, **kwargs: Any) -> None:
    # Only a write of the request itself counts: one recorded inside a transaction
    # that an outer one rolled back later (SQLite may even give its ids out again)
    # must not be taken for the map's state by a later request of this thread.
    forget_written()


#: Models an editor change may touch, parents before children: re-creating goes
#: in this order, deleting in the reverse one.
TRACKED: tuple[type[models.Model], ...] = (Stage, Lane, Step, Handoff)

#: Fields that belong to the row's bookkeeping, never restored from history.
_SKIPPED_FIELDS = {"version"}


class UndoError(Exception):
    """An undo or redo that the current data no longer allows; nothing was changed.

    `reason` says why, as a code the editor turns into a message: "changed"
    (someone changed the same rows since), "department" (a department it needs
    was deleted), "conflict" (another database rule refused it) or "newer" (the
    change the person saw is no longer the next one). `change` is the change that
    could not be undone or, for "newer", the one that is next now.
    """

    def __init__(self, reason: str, change: MapChange | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.change = change


@receiver(pre_create_historical_record)
def _stamp_change(sender: Any, history_instance: Any, **kwargs: Any) -> None:
    # Every history row written while a change is being recorded belongs to it.
    if hasattr(history_instance, "change_id"):
        history_instance.change_id = _current_change.get()


@receiver(post_delete, sender=Map)
def _forget_history(sender: Any, instance: Map, **kwargs: Any) -> None:
    # A deleted map (alone or with its workspace) takes its editor history along:
    # nothing of a deleted workspace stays behind. This runs after the cascade has
    # written the deletion records of the map's rows, so those go too.
    for model in TRACKED:
        model.history.model.objects.filter(map_id=instance.pk).delete()  # type: ignore[attr-defined]
    Map.history.model.objects.filter(id=instance.pk).delete()


User = AbstractBaseUser | AnonymousUser | None


def user_id_of(user: User) -> Any:
    """The id of a signed-in user, None for nobody or an anonymous visitor."""
    if user is None or not user.is_authenticated:
        return None
    return user.pk


@contextmanager
def recording_change(*, map_id: int, user: User, code: str, **params: Any) -> Iterator[MapChange]:
    """Run an edit as one change of map `map_id`; must be called inside a transaction.

    The change is stored as `code` (a key of `change_texts.CHANGE_TEXTS`) and
    its parameters, and read in each reader's language.

    The caller takes the map's row lock (`lock_map`) before it reads anything.

    Discards the redo stack (undone changes), stamps the change id on every
    history row written inside, and bumps the map's version at the end.
    """
    MapChange.objects.filter(map_id=map_id, undone=True).delete()
    change = MapChange.objects.create(
        map_id=map_id, user_id=user_id_of(user), code=code, params=change_params(code, **params)
    )
    token = _current_change.set(change.pk)
    try:
        yield change
    finally:
        _current_change.reset(token)
    # The version bump reads the new version back in the same statement (PostgreSQL
    # and SQLite both have RETURNING; the ORM's update returns only a row count).
    with connection.cursor() as cursor:
        table = Map._meta.db_table
        cursor.execute(
            f"UPDATE {table} SET version = version + 1 WHERE id = %s RETURNING version", [map_id]
        )
        (version,) = cursor.fetchone()
    _written.set(Written(change, version))


def record_updates(model: type[models.Model], objs: list[Any]) -> None:
    """Write the history records of rows the caller has just updated, in one INSERT.

    The same records a `save()` of each would write, stamped with the change being
    recorded, in one query instead of one per row (a step moved to the top of a
    cell renumbers every step below it).
    """
    if not objs:
        return
    history_manager(model).bulk_history_create(
        objs, update=True, custom_historical_attrs={"change_id": _current_change.get()}
    )


@contextmanager
def _untracked() -> Iterator[None]:
    token = _current_change.set(None)
    try:
        yield
    finally:
        _current_change.reset(token)


_M = TypeVar("_M", bound=models.Model)

#: The annotation `marking_history` adds: whether the row has a history record yet.
HISTORY_MARK = "history_known"


def history_manager(model: type[models.Model]) -> Any:
    """``model.history``, simple_history's manager of `model`'s history, made once.

    Reading ``model.history`` builds a new manager class each time (simple_history's
    descriptor), a noticeable part of an edit that reads it a few times. The
    manager of the whole model (not of one row) keeps no state between queries.
    """
    found = _HISTORY_MANAGERS.get(model)
    if found is None:
        found = _HISTORY_MANAGERS[model] = model.history  # type: ignore[attr-defined]
    return found


def history_model(model: type[models.Model]) -> Any:
    """The historical model simple_history made for `model`."""
    return history_manager(model).model


_HISTORY_MANAGERS: dict[type[models.Model], Any] = {}


def marking_history(queryset: QuerySet[_M]) -> QuerySet[_M]:
    """`queryset` with each row marked whether it has a history record yet.

    A service that reads the rows it is about to change anyway reads the mark
    with them, so `ensure_baseline` needs no query of its own.
    """
    history = history_model(queryset.model)
    known = Exists(history.objects.filter(id=OuterRef("pk")))
    marked: QuerySet[_M] = queryset.annotate(**{HISTORY_MARK: known})
    return marked


def ensure_baseline(model: type[models.Model], objs: list[Any]) -> None:
    """Write a starting history record for rows that have none, before a change edits them.

    Rows made by bulk writes (import, demo data, future-state copies) have no
    history yet, and undo needs the state a row had before the change. One query
    to look (none when the rows were read through `marking_history`), one insert
    for those missing; the record carries no change id.
    """
    if not objs:
        return
    unmarked = [o.pk for o in objs if not hasattr(o, HISTORY_MARK)]
    known = (
        set(
            history_model(model)
            .objects.filter(id__in=unmarked)
            .values_list("id", flat=True)
            .distinct()
        )
        if unmarked
        else set()
    )
    missing = [o for o in objs if not getattr(o, HISTORY_MARK, False) and o.pk not in known]
    if missing:
        model.history.bulk_history_create(missing, update=True)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class _Touched:
    """What one change did to one row: the state before and after it."""

    model: type[models.Model]
    pk: int
    before: Any | None  # historical record just before the change, None if created by it
    after: Any  # the change's last historical record of the row
    created: bool
    deleted: bool


def _touched_rows(change: MapChange) -> list[_Touched]:
    """Every row of the map core the change wrote, with its before and after states."""
    touched: list[_Touched] = []
    for model in TRACKED:
        history = model.history.model  # type: ignore[attr-defined]
        records = list(history.objects.filter(change_id=change.pk).order_by("history_id"))
        if not records:
            continue
        first: dict[int, Any] = {}
        last: dict[int, Any] = {}
        for record in records:
            first.setdefault(record.id, record)
            last[record.id] = record
        # The state before the change: each row's newest record older than its first one.
        before: dict[int, Any] = {}
        for pk, rec in first.items():
            if rec.history_type == "+":
                continue
            before[pk] = (
                history.objects.filter(id=pk, history_id__lt=rec.history_id)
                .order_by("-history_id")
                .first()
            )
        for pk, rec in first.items():
            touched.append(
                _Touched(
                    model=model,
                    pk=pk,
                    before=before.get(pk),
                    after=last[pk],
                    created=rec.history_type == "+",
                    deleted=last[pk].history_type == "-",
                )
            )
    return touched


def _field_names(model: type[models.Model]) -> list[str]:
    return [
        f.attname
        for f in model._meta.concrete_fields
        if not f.primary_key and f.attname not in _SKIPPED_FIELDS
    ]


def _values(record: Any, names: list[str]) -> dict[str, Any]:
    return {name: getattr(record, name) for name in names}


def _next_versions(model: type[models.Model], pks: list[int]) -> dict[int, int]:
    """A version above any the row ever had, so stale forms are refused after undo."""
    if not pks or "version" not in {f.attname for f in model._meta.concrete_fields}:
        return {}
    history = model.history.model  # type: ignore[attr-defined]
    rows = history.objects.filter(id__in=pks).values("id").annotate(top=Max("version"))
    return {row["id"]: row["top"] + 1 for row in rows}


def _put(model: type[models.Model], pk: int, values: dict[str, Any], version: int | None) -> None:
    """Create or update the row `pk` with `values`, writing a history record."""
    instance = model._default_manager.filter(pk=pk).first()
    if instance is None:
        instance = model(pk=pk, **values)
    else:
        for name, value in values.items():
            setattr(instance, name, value)
    if version is not None:
        setattr(instance, "version", version)  # noqa: B010 - only Step and Handoff have one
    instance.save()


@dataclass(frozen=True)
class _Write:
    """One row to bring from `expected` (what the change left) to `target`.

    Both are field values (only the fields the change altered, for an update) or
    None for "the row does not exist".
    """

    row: _Touched
    expected: dict[str, Any] | None
    target: dict[str, Any] | None


def _plan(row: _Touched, *, undo: bool) -> _Write | None:
    """What undoing (or redoing) the change means for one row; None for nothing."""
    names = _field_names(row.model)
    before: dict[str, Any] | None
    if row.created:
        before = None
    elif row.before is not None:
        before = _values(row.before, names)
    elif row.deleted:
        # The deletion record holds the full state when no older record exists.
        before = _values(row.after, names)
    else:
        return None  # an update with no earlier state on record: nothing to go back to
    after = None if row.deleted else _values(row.after, names)
    if before is not None and after is not None:
        # Only what the change altered, so later edits of other fields survive.
        altered = [k for k in names if before[k] != after[k]]
        if not altered:
            return None
        before = {k: before[k] for k in altered}
        after = {k: after[k] for k in altered}
    if before is None and after is None:
        return None
    if undo:
        return _Write(row, expected=after, target=before)
    return _Write(row, expected=before, target=after)


def _matches(current: Any, values: dict[str, Any] | None) -> bool:
    """True when the stored row (None: no row) has `values` (None: should not exist)."""
    if values is None or current is None:
        return values is None and current is None
    return all(getattr(current, name) == value for name, value in values.items())


def _check(write: _Write, current: Any) -> bool:
    """True when the write should be made; UndoError when the row is in neither state.

    A row already in the target state needs nothing. A row in any other state
    than the change left it was changed since (by someone, or by an older change
    that is still applied): writing over it would lose that, so undo refuses.
    """
    if _matches(current, write.expected):
        return True
    if _matches(current, write.target):
        return False
    raise UndoError("changed")


def _current_rows(writes: list[_Write]) -> dict[tuple[type[models.Model], int], Any]:
    """The touched rows as stored now, locked: one query per model."""
    current: dict[tuple[type[models.Model], int], Any] = {}
    for model in TRACKED:
        pks = [w.row.pk for w in writes if w.row.model is model]
        if pks:
            for obj in model._default_manager.select_for_update().filter(pk__in=pks):
                current[(model, obj.pk)] = obj
    return current


def _check_departments(writes: list[_Write]) -> None:
    """Refuse to bring back a lane whose department was deleted since."""
    wanted = {
        w.target["department_id"]
        for w in writes
        if w.row.model is Lane and w.target and "department_id" in w.target
    }
    if wanted and Department.objects.filter(pk__in=wanted).count() != len(wanted):
        raise UndoError("department")


def _apply(rows: list[_Touched], *, undo: bool) -> None:
    """Bring every touched row to its before (undo) or after (redo) state, or refuse.

    Runs under the map's row lock: every row must still be as the change left it
    (undo) or as it was before the change (redo), else UndoError and nothing is written.
    """
    writes = [w for w in (_plan(row, undo=undo) for row in rows) if w is not None]
    current = _current_rows(writes)
    todo = [w for w in writes if _check(w, current.get((w.row.model, w.row.pk)))]
    _check_departments(todo)
    order = {model: i for i, model in enumerate(TRACKED)}
    saves = sorted((w for w in todo if w.target is not None), key=lambda w: order[w.row.model])
    deletes = sorted((w for w in todo if w.target is None), key=lambda w: -order[w.row.model])
    versions: dict[type[models.Model], dict[int, int]] = {
        model: _next_versions(model, [w.row.pk for w in saves if w.row.model is model])
        for model in TRACKED
    }
    for write in saves:
        row, values = write.row, write.target or {}
        _put(row.model, row.pk, values, versions[row.model].get(row.pk))
    for write in deletes:
        write.row.model._default_manager.filter(pk=write.row.pk).delete()


def _replay(*, change: MapChange, undo: bool) -> None:
    """Undo or redo `change` in a savepoint: all of it, or nothing and UndoError."""
    rows = _touched_rows(change)
    try:
        with transaction.atomic(), _untracked():
            _apply(rows, undo=undo)
            # Foreign keys are checked at commit; check them here, where a refusal
            # can still be reported instead of failing the whole request.
            connection.check_constraints(table_names=[m._meta.db_table for m in TRACKED])
    except IntegrityError as error:
        raise UndoError("conflict") from error


def lock_map(map_id: int) -> bool:
    """Take the map's row lock until the transaction ends; False when the map is gone.

    Every editor change takes it before it reads anything, so the changes of one
    map run one after another: what a change checked (the newest change, a cell's
    last position, a free name) stays true until it commits. On SQLite, which has
    no row locks, FOR UPDATE is left out; SQLite lets one writer in at a time.
    """
    return bool(list(Map.objects.select_for_update().filter(pk=map_id).values_list("pk")))


def _refuse_if_stale(change: MapChange | None, seen: int | None) -> None:
    # The person asked to undo (or redo) the change they saw: if that is no longer
    # the next one, someone else was quicker, and undoing another change would surprise.
    if seen is not None and (change is None or change.pk != seen):
        raise UndoError("newer", change)


def _step(*, map_id: int, seen: int | None, undo: bool) -> MapChange | None:
    """Undo the next change to undo (or redo the next to redo) under the map's lock."""
    with transaction.atomic():
        lock_map(map_id)
        changes = MapChange.objects.filter(map_id=map_id)
        if undo:
            change = changes.filter(undone=False, undoable=True).order_by("-id").first()
        else:
            change = changes.filter(undone=True).order_by("id").first()
        _refuse_if_stale(change, seen)
        if change is None:
            return None
        try:
            _replay(change=change, undo=undo)
        except UndoError as error:
            if undo:
                changes.filter(pk=change.pk).update(undoable=False)
            else:
                changes.filter(undone=True, id__gte=change.pk).delete()
            failure = UndoError(error.reason, change)
        else:
            changes.filter(pk=change.pk).update(undone=undo)
            Map.objects.filter(pk=map_id).update(version=F("version") + 1)
            return change
    # Outside the transaction: the mark (or the dropped redo) is kept, the step is refused.
    raise failure


def undo_latest(*, map_id: int, seen: int | None = None) -> MapChange | None:
    """Undo the newest change of the map that is not undone; None when there is none.

    `seen` is the id of the change the person meant to undo: when another one is
    next by now, UndoError("newer") and nothing changes. A change that can no
    longer be undone is marked so (UndoError says why) and the undo stack moves
    past it: the older changes stay undoable.
    """
    return _step(map_id=map_id, seen=seen, undo=True)


def redo_next(*, map_id: int, seen: int | None = None) -> MapChange | None:
    """Redo the oldest undone change of the map; None when there is none.

    `seen` works as for undo. A change that can no longer be redone is dropped
    with the undone changes after it (UndoError says why).
    """
    return _step(map_id=map_id, seen=seen, undo=False)

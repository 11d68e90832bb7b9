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
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, models, transaction
from django.db.models import F, Max
from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

from .models import Handoff, Lane, Map, MapChange, Stage, Step

_current_change: ContextVar[int | None] = ContextVar("crosswalk_current_change", default=None)

#: Models an editor change may touch, parents before children: re-creating goes
#: in this order, deleting in the reverse one.
TRACKED: tuple[type[models.Model], ...] = (Stage, Lane, Step, Handoff)

#: Fields that belong to the row's bookkeeping, never restored from history.
_SKIPPED_FIELDS = {"version"}


class UndoError(Exception):
    """An undo or redo that the current data no longer allows; nothing was changed."""


@receiver(pre_create_historical_record)
def _stamp_change(sender: Any, history_instance: Any, **kwargs: Any) -> None:
    # Every history row written while a change is being recorded belongs to it.
    if hasattr(history_instance, "change_id"):
        history_instance.change_id = _current_change.get()


User = AbstractBaseUser | AnonymousUser | None


def user_id_of(user: User) -> Any:
    """The id of a signed-in user, None for nobody or an anonymous visitor."""
    if user is None or not user.is_authenticated:
        return None
    return user.pk


@contextmanager
def recording_change(*, map_id: int, user: User, description: str) -> Iterator[MapChange]:
    """Run an edit as one change of map `map_id`; must be called inside a transaction.

    Discards the redo stack (undone changes), stamps the change id on every
    history row written inside, and bumps the map's version at the end.
    """
    MapChange.objects.filter(map_id=map_id, undone=True).delete()
    change = MapChange.objects.create(
        map_id=map_id, user_id=user_id_of(user), description=description[:300]
    )
    token = _current_change.set(change.pk)
    try:
        yield change
    finally:
        _current_change.reset(token)
    Map.objects.filter(pk=map_id).update(version=F("version") + 1)


@contextmanager
def _untracked() -> Iterator[None]:
    token = _current_change.set(None)
    try:
        yield
    finally:
        _current_change.reset(token)


def ensure_baseline(model: type[models.Model], objs: list[Any]) -> None:
    """Write a starting history record for rows that have none, before a change edits them.

    Rows made by bulk writes (import, demo data, future-state copies) have no
    history yet, and undo needs the state a row had before the change. One query
    to look, one insert for those missing; the record carries no change id.
    """
    if not objs:
        return
    manager = model.history  # type: ignore[attr-defined]
    known = set(
        manager.model.objects.filter(id__in=[o.pk for o in objs])
        .values_list("id", flat=True)
        .distinct()
    )
    missing = [o for o in objs if o.pk not in known]
    if missing:
        manager.bulk_history_create(missing, update=True)


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


def _apply(rows: list[_Touched], *, undo: bool) -> None:
    """Write the before (undo) or after (redo) state of every touched row."""
    saves: list[tuple[_Touched, dict[str, Any]]] = []
    deletes: list[_Touched] = []
    for row in rows:
        names = _field_names(row.model)
        if undo:
            if row.created:
                deletes.append(row)
            elif row.deleted:
                # The deletion record holds the full state when no older record exists.
                saves.append((row, _values(row.before or row.after, names)))
            elif row.before is not None:
                # Only what the change altered, so later edits of other fields survive.
                old, new = _values(row.before, names), _values(row.after, names)
                saves.append((row, {k: v for k, v in old.items() if new[k] != v}))
        elif row.deleted:
            deletes.append(row)
        elif row.created or row.before is None:
            saves.append((row, _values(row.after, names)))
        else:
            old, new = _values(row.before, names), _values(row.after, names)
            saves.append((row, {k: v for k, v in new.items() if old[k] != v}))
    order = {model: i for i, model in enumerate(TRACKED)}
    saves.sort(key=lambda item: order[item[0].model])
    deletes.sort(key=lambda row: -order[row.model])
    versions: dict[type[models.Model], dict[int, int]] = {
        model: _next_versions(model, [r.pk for r, _ in saves if r.model is model])
        for model in TRACKED
    }
    for row, values in saves:
        if values:
            _put(row.model, row.pk, values, versions[row.model].get(row.pk))
    for row in deletes:
        row.model._default_manager.filter(pk=row.pk).delete()


def _replay(*, map_id: int, change: MapChange, undo: bool) -> MapChange:
    rows = _touched_rows(change)
    try:
        with transaction.atomic(), _untracked():
            _apply(rows, undo=undo)
    except IntegrityError as error:
        raise UndoError(str(error)) from error
    Map.objects.filter(pk=map_id).update(version=F("version") + 1)
    return change


@transaction.atomic
def undo_latest(*, map_id: int) -> MapChange | None:
    """Undo the newest change of the map that is not undone; None when there is none."""
    while True:
        change = MapChange.objects.filter(map_id=map_id, undone=False).order_by("-id").first()
        if change is None:
            return None
        # Claim it atomically: two people pressing undo at once undo two changes, not one twice.
        if MapChange.objects.filter(pk=change.pk, undone=False).update(undone=True):
            return _replay(map_id=map_id, change=change, undo=True)


@transaction.atomic
def redo_next(*, map_id: int) -> MapChange | None:
    """Redo the oldest undone change of the map; None when there is none."""
    while True:
        change = MapChange.objects.filter(map_id=map_id, undone=True).order_by("id").first()
        if change is None:
            return None
        if MapChange.objects.filter(pk=change.pk, undone=True).update(undone=False):
            return _replay(map_id=map_id, change=change, undo=False)

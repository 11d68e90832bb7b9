"""Model instances from the rows of statements written once, for the editor's hot reads.

The ORM builds each statement anew on every call: for the few reads every editor
write makes (the map with its workspace and the user's membership, the step being
moved with its lane, department and stage) building took longer than the
database's answer. Those statements are written once from the models' metadata
(so a new column is read too) and their rows made into instances here, with the
same conversions from database values the ORM applies and related objects in
place, so reading them asks nothing more.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connection, models

_M = TypeVar("_M", bound=models.Model)


def quote(name: str) -> str:
    """A table or column name quoted for this database."""
    return connection.ops.quote_name(name)


@functools.cache
def _reader(model: type[models.Model]) -> tuple[list[str], list[tuple[int, list[Any], Any]]]:
    """The model's field names in column order, and each column's converters from the
    database's value (datetimes on SQLite, say), as the ORM's compiler applies them."""
    fields: list[Any] = list(model._meta.concrete_fields)
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if found:
            converters.append((index, found, column))
    return [f.attname for f in fields], converters


def columns(model: type[models.Model], alias: str) -> str:
    """The select list of every column of `model` in table `alias`, in field order."""
    return ", ".join(f"{alias}.{quote(f.column)}" for f in model._meta.concrete_fields)


def width(model: type[models.Model]) -> int:
    """How many columns `columns` selects for `model`."""
    return len(_reader(model)[0])


def instance(model: type[_M], values: Sequence[Any]) -> _M:
    """The instance of `model` whose columns (`columns` order) are `values`."""
    names, converters = _reader(model)
    row = list(values)
    for index, found, column in converters:
        for convert in found:
            row[index] = convert(row[index], column, connection)
    return model.from_db(connection.alias, names, row)


def fetch_one(sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    """The first row of `sql` run with `params`, or None."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row: tuple[Any, ...] | None = cursor.fetchone()
    return row


def split(
    row: Sequence[Any], models_in_order: Sequence[type[models.Model]]
) -> tuple[list[Any], Sequence[Any]]:
    """The instances whose columns (`columns` of each, in that order) open `row`, and
    the columns after them. A model whose primary key is NULL (a LEFT JOIN that
    found nothing) gives None."""
    found: list[Any] = []
    at = 0
    for model in models_in_order:
        values = row[at : at + width(model)]
        at += width(model)
        found.append(None if values[0] is None else instance(model, values))
    return found, row[at:]


def relate(obj: models.Model, name: str, related: models.Model | None) -> None:
    """Put `related` in place as `obj`'s foreign key `name`, as select_related does."""
    field: Any = obj._meta.get_field(name)
    field.set_cached_value(obj, related)

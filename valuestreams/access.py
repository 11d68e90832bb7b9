"""Access helpers for maps and what is on them: scoped by workspace, checked by role."""

from __future__ import annotations

import functools
from typing import Any, cast

from django.db import connection, models
from django.http import Http404, HttpRequest

from departments.access import admit, get_workspace_for_user
from departments.models import Membership, Role, Workspace

from .models import Map


def get_map_for_user(request: HttpRequest, slug: str, map_id: int, role: Role = Role.VIEWER) -> Map:
    """The map `map_id` of workspace `slug`.

    404 when it is not there for this user, 403 when the role is too weak. The
    map, its workspace and the user's membership come in one query (every editor
    write starts here); only when that finds nothing does the workspace check
    run on its own, so a weaker role still answers 403 before a missing map 404.
    The membership is let in by `admit`, as `get_workspace_for_user` does.
    """
    user = request.user
    if not user.is_authenticated:
        raise Http404
    with connection.cursor() as cursor:
        cursor.execute(_map_access_sql(), [map_id, slug, user.pk])
        row = cursor.fetchone()
    if row is None:
        get_workspace_for_user(request, slug, role)  # 404 for a non-member, 403 for a weak role
        raise Http404
    found, workspace, member_id, member_role = _map_from_row(row)
    membership = Membership(id=member_id, workspace=workspace, user_id=user.pk, role=member_role)
    admit(request, membership, role)
    return found


#: The models read with a map, as the ORM's select_related("workspace", "persona",
#: "based_on") reads them: the field of Map that holds each, and whether it may be
#: missing (a LEFT JOIN).
_RELATED: tuple[tuple[str, bool], ...] = (
    ("workspace", False),
    ("persona", True),
    ("based_on", True),
)


def _fields(model: type[models.Model]) -> list[Any]:
    return list(model._meta.concrete_fields)


def _relation(name: str) -> Any:
    """Map's foreign key `name` (typed loosely: django-stubs types get_field as any field)."""
    return cast(Any, Map._meta.get_field(name))


@functools.cache
def _reader(model: type[models.Model]) -> tuple[list[str], list[tuple[int, list[Any], Any]]]:
    """The model's field names in column order, and each column's converters from the
    database's value (datetimes on SQLite, say), as the ORM's compiler applies them."""
    fields = _fields(model)
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if found:
            converters.append((index, found, column))
    return [f.attname for f in fields], converters


def _instance(model: type[models.Model], values: tuple[Any, ...]) -> Any:
    names, converters = _reader(model)
    if converters:
        row = list(values)
        for index, found, column in converters:
            for convert in found:
                row[index] = convert(row[index], column, connection)
        values = tuple(row)
    return model.from_db(connection.alias, names, values)


@functools.cache
def _map_access_sql() -> str:
    """The one query of `get_map_for_user`, written once from the models' metadata.

    The ORM spent about 0.7 ms building this statement on every request (three
    related models, the membership's columns): twice what the database takes to
    answer it. The columns come from the models, so a new field is read as well.
    """
    quote = connection.ops.quote_name
    map_table = quote(Map._meta.db_table)
    columns = [f"m.{quote(f.column)}" for f in _fields(Map)]
    joins = []
    for index, (name, optional) in enumerate(_RELATED):
        field = _relation(name)
        related = field.related_model
        alias = f"r{index}"
        columns += [f"{alias}.{quote(f.column)}" for f in _fields(related)]
        kind = "LEFT OUTER JOIN" if optional else "INNER JOIN"
        joins.append(
            f"{kind} {quote(related._meta.db_table)} {alias}"
            f" ON {alias}.{quote(related._meta.pk.column)} = m.{quote(field.column)}"
        )
    members = quote(Membership._meta.db_table)
    columns += [f"ms.{quote('id')}", f"ms.{quote('role')}"]
    return (
        f"SELECT {', '.join(columns)} FROM {map_table} m {' '.join(joins)}"
        f" INNER JOIN {members} ms ON ms.{quote('workspace_id')} = r0.{quote('id')}"
        f" WHERE m.{quote('id')} = %s AND r0.{quote('slug')} = %s"
        f" AND ms.{quote('user_id')} = %s"
    )


def _map_from_row(row: tuple[Any, ...]) -> tuple[Map, Workspace, int, str]:
    """The map with its related models in place (no query on reading them), the
    workspace, and the membership's id and role, from a row of `_map_access_sql`."""
    at = len(_reader(Map)[0])
    found = _instance(Map, row[:at])
    for name, _optional in _RELATED:
        field = _relation(name)
        size = len(_reader(field.related_model)[0])
        values = row[at : at + size]
        at += size
        # A missing one (LEFT JOIN) is kept as None too: reading it asks nothing.
        related = None if values[0] is None else _instance(field.related_model, values)
        field.set_cached_value(found, related)
    return found, found.workspace, row[at], row[at + 1]

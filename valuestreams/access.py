"""Access helpers for maps and what is on them: scoped by workspace, checked by role."""

from __future__ import annotations

import functools
from typing import Any

from django.db.models import Model
from django.http import Http404, HttpRequest

from departments.access import admit, get_workspace_for_user
from departments.models import Membership, Role, Workspace

from .models import Map
from .rows import columns, fetch_one, quote, relate, split


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
    row = fetch_one(_map_access_sql(), [map_id, slug, user.pk])
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


@functools.cache
def _map_access_sql() -> str:
    """The one query of `get_map_for_user`, written once from the models' metadata.

    The ORM spent about 0.7 ms building this statement on every request (three
    related models, the membership's columns): twice what the database takes to
    answer it. The columns come from the models, so a new field is read as well.
    """
    map_table = quote(Map._meta.db_table)
    selected = [columns(Map, "m")]
    joins = []
    for index, (name, optional) in enumerate(_RELATED):
        field: Any = Map._meta.get_field(name)
        related = field.related_model
        alias = f"r{index}"
        selected.append(columns(related, alias))
        kind = "LEFT OUTER JOIN" if optional else "INNER JOIN"
        joins.append(
            f"{kind} {quote(related._meta.db_table)} {alias}"
            f" ON {alias}.{quote(related._meta.pk.column)} = m.{quote(field.column)}"
        )
    members = quote(Membership._meta.db_table)
    selected += [f"ms.{quote('id')}", f"ms.{quote('role')}"]
    # r0 is the workspace, the first of _RELATED.
    return (
        f"SELECT {', '.join(selected)} FROM {map_table} m {' '.join(joins)}"
        f" INNER JOIN {members} ms ON ms.{quote('workspace_id')} = r0.{quote('id')}"
        f" WHERE m.{quote('id')} = %s AND r0.{quote('slug')} = %s"
        f" AND ms.{quote('user_id')} = %s"
    )


@functools.cache
def _row_models() -> tuple[type[Model], ...]:
    """Map and its related models, in the order their columns open a row of
    `_map_access_sql` (looked up once, not on every request)."""
    found: list[type[Model]] = [Map]
    for name, _optional in _RELATED:
        model = Map._meta.get_field(name).related_model
        assert isinstance(model, type)
        found.append(model)
    return tuple(found)


def _map_from_row(row: tuple[Any, ...]) -> tuple[Map, Workspace, int, str]:
    """The map with its related models in place (no query on reading them), the
    workspace, and the membership's id and role, from a row of `_map_access_sql`."""
    (found, *others), (member_id, member_role) = split(row, _row_models())
    for (name, _optional), obj in zip(_RELATED, others, strict=True):
        # A missing one (LEFT JOIN) is kept as None too: reading it asks nothing.
        relate(found, name, obj)
    return found, found.workspace, member_id, member_role

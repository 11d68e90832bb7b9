"""Access helpers for maps and what is on them: scoped by workspace, checked by role."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from departments.access import get_workspace_for_user
from departments.models import Role

from .models import Map


def get_map_for_user(request: HttpRequest, slug: str, map_id: int, role: Role = Role.VIEWER) -> Map:
    """The map `map_id` of workspace `slug`.

    404 when it is not there for this user, 403 when the role is too weak.
    """
    workspace = get_workspace_for_user(request, slug, role)
    map_obj = (
        Map.objects.filter(workspace=workspace, pk=map_id)
        .select_related("workspace", "persona", "based_on")
        .first()
    )
    if map_obj is None:
        raise Http404
    return map_obj

"""Access helpers for maps and what is on them: scoped by workspace, checked by role."""

from __future__ import annotations

from django.db.models import F
from django.http import Http404, HttpRequest

from departments.access import admit, get_workspace_for_user
from departments.models import Membership, Role

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
    found = (
        Map.objects.filter(pk=map_id, workspace__slug=slug, workspace__memberships__user=user.pk)
        .select_related("workspace", "persona", "based_on")
        .annotate(
            member_id=F("workspace__memberships__id"), member_role=F("workspace__memberships__role")
        )
        .first()
    )
    if found is None:
        get_workspace_for_user(request, slug, role)  # 404 for a non-member, 403 for a weak role
        raise Http404
    membership = Membership(
        id=found.member_id,  # type: ignore[attr-defined]
        workspace=found.workspace,
        user_id=user.pk,
        role=found.member_role,  # type: ignore[attr-defined]
    )
    admit(request, membership, role)
    return found

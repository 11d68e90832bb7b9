"""Who may see and change what: every workspace-scoped view goes through here.

A user who is not a member of a workspace gets 404 for anything in it (we do not
confirm that it exists); a member whose role is too weak for a write gets 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django_htmx.middleware import HtmxDetails

from .language import apply_workspace_language
from .models import Membership, Role, Workspace


class HtmxHttpRequest(HttpRequest):
    """A request as django-htmx's middleware leaves it, for type checking."""

    htmx: HtmxDetails


def get_membership(
    user: AbstractBaseUser | AnonymousUser, slug: str, role: Role = Role.VIEWER
) -> Membership:
    """The user's membership of the workspace `slug`, if it grants at least `role`.

    Raises Http404 for a non-member and PermissionDenied (403) for a weaker role.
    """
    if not user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.select_related("workspace")
        .filter(workspace__slug=slug, user_id=user.pk)
        .first()
    )
    if membership is None:
        raise Http404
    if not membership.has_role(role):
        raise PermissionDenied
    return membership


def get_workspace_for_user(request: HttpRequest, slug: str, role: Role = Role.VIEWER) -> Workspace:
    """The workspace behind `slug`: 404 for a non-member, 403 for a weaker role (`admit`)."""
    return admit(request, get_membership(request.user, slug), role)


def admit(request: HttpRequest, membership: Membership, role: Role = Role.VIEWER) -> Workspace:
    """Let the request in through `membership` if it grants `role` (else 403).

    The membership is kept on the request so templates can show only the
    controls the user's role allows; the workspace's language applies.
    """
    if not membership.has_role(role):
        raise PermissionDenied
    request.membership = membership  # type: ignore[attr-defined]
    apply_workspace_language(request, membership.workspace)
    return membership.workspace


def signed_in(user: Any) -> Any:
    """The user when signed in, else None: what a "made by" field stores."""
    return user if user is not None and user.is_authenticated else None

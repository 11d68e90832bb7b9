"""Invite links: make one, revoke one, join a workspace by one.

Each is one transaction. Joining claims a use with a compare-and-set UPDATE, so
however many people open the same link at once, no more than `max_uses` join.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .access import signed_in
from .models import InviteJoin, InviteLink, Membership, Workspace, new_token, token_digest


def invite_create(
    *,
    workspace: Workspace,
    role: str,
    days: int,
    max_uses: int,
    label: str = "",
    user: Any = None,
) -> tuple[InviteLink, str]:
    """A new invite link and its token; the token is returned once and never stored."""
    token, digest = new_token()
    link = InviteLink(
        workspace=workspace,
        token_hash=digest,
        role=role,
        label=label,
        expires_at=timezone.now() + timedelta(days=days),
        max_uses=max_uses,
        created_by=signed_in(user),
    )
    link.full_clean()
    link.save()
    return link, token


def invite_revoke(*, link: InviteLink) -> None:
    """Stop a link from admitting anyone more; people who joined by it stay members."""
    InviteLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def invite_for_token(token: str) -> InviteLink | None:
    """The link behind `token` while usable; None if unknown, revoked, expired or used up."""
    return (
        InviteLink.objects.usable()
        .select_related("workspace")
        .filter(token_hash=token_digest(token))
        .first()
    )


class InviteUsedUp(Exception):
    """The link stopped being usable between showing it and joining by it."""


@transaction.atomic
def invite_accept(*, link: InviteLink, user: Any) -> Membership:
    """Make `user` a member by `link`; an existing member keeps their role and uses no place.

    Raises InviteUsedUp when the link was revoked, expired or filled meanwhile.
    """
    existing = Membership.objects.filter(workspace_id=link.workspace_id, user_id=user.pk).first()
    if existing is not None:
        return existing
    claimed = InviteLink.objects.usable().filter(pk=link.pk).update(uses=F("uses") + 1)
    if not claimed:
        raise InviteUsedUp
    membership = Membership.objects.create(
        workspace_id=link.workspace_id, user=user, role=link.role
    )
    InviteJoin.objects.create(link=link, membership=membership)
    return membership

"""Writes of the workshop app: share links, presence, votes and comments."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from departments.models import new_token
from valuestreams.models import Map

from .models import ShareLink


def share_link_create(
    *, map_obj: Map, days: int | None, label: str = "", user: Any = None
) -> tuple[ShareLink, str]:
    """A new read-only link to `map_obj` and its token (returned once, never stored)."""
    token, digest = new_token()
    link = ShareLink(
        map=map_obj,
        token_hash=digest,
        label=label,
        expires_at=timezone.now() + timedelta(days=days) if days else None,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    link.full_clean()
    link.save()
    return link, token


def share_link_revoke(*, link: ShareLink) -> None:
    """Close a share link for good; open pages stop following the map within minutes."""
    ShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())

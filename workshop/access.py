"""Access by share token: a share link opens its own map and nothing else."""

from __future__ import annotations

from django.http import Http404

from departments.models import token_digest

from .models import ShareLink


def get_share_link(token: str) -> ShareLink:
    """The usable share link behind `token` with its map; 404 for anything else.

    Unknown, revoked and expired links all look the same: not found.
    """
    link = (
        ShareLink.objects.usable()
        .select_related("map__workspace")
        .filter(token_hash=token_digest(token))
        .first()
    )
    if link is None:
        raise Http404
    return link

"""What a map's workshop looks like now: presence, dots and comments, for the panel and overlay.

Reads only; a fixed handful of queries per map whatever its size.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from datetime import timedelta
from typing import Any

from django.db.models import Count
from django.utils import timezone

from valuestreams.models import Map

from .models import Comment, Dot, Presence, Vote
from .services import PRESENCE_SECONDS


@dataclass(frozen=True)
class Person:
    """Someone in the map now."""

    user: int
    name: str
    initials: str
    step: int | None
    me: bool


@dataclass(frozen=True)
class WorkshopState:
    """The overlay's data: who is here, dots per step, open comments per step and handoff."""

    presence: list[Person]
    dots: dict[str, int]
    comments: dict[str, int]
    vote: int | None
    running: bool
    stamp: str = field(default="")

    def as_json(self) -> dict[str, Any]:
        """The JSON the browser draws from; `stamp` changes whenever anything shown does."""
        return asdict(self)


def display_name(user: Any) -> str:
    """A member's name as others see it in a workshop: full name, else username."""
    return str(user.get_full_name() or user.get_username())


def initials(name: str) -> str:
    """Up to two initials of a name, for badges on the diagram."""
    parts = [p for p in name.replace(".", " ").replace("_", " ").split() if p]
    letters = "".join(p[0] for p in parts[:2]) if len(parts) > 1 else name[:2]
    return letters.upper()


def current_vote(map_obj: Map) -> Vote | None:
    """The map's vote that is not closed, else None."""
    return Vote.objects.filter(map=map_obj, closed_at__isnull=True).first()


def workshop_state(map_obj: Map, user: Any) -> WorkshopState:
    """The overlay state of `map_obj` as `user` sees it."""
    since = timezone.now() - timedelta(seconds=PRESENCE_SECONDS)
    people = [
        Person(
            user=p.user_id,
            name=display_name(p.user),
            initials=initials(display_name(p.user)),
            step=p.step_id,
            me=p.user_id == user.pk,
        )
        for p in Presence.objects.filter(map=map_obj, seen_at__gte=since)
        .select_related("user")
        .order_by("user__first_name", "user__username")
    ]
    vote = current_vote(map_obj)
    dots: dict[str, int] = {}
    if vote is not None:
        dots = {
            str(step): n
            for step, n in Dot.objects.filter(vote=vote)
            .values_list("step_id")
            .annotate(n=Count("id"))
            .values_list("step_id", "n")
        }
    comments: dict[str, int] = {}
    open_comments = Comment.objects.filter(map=map_obj, resolved_at__isnull=True)
    for step_id, handoff_id in open_comments.values_list("step_id", "handoff_id"):
        key = f"step-{step_id}" if step_id else f"handoff-{handoff_id}"
        comments[key] = comments.get(key, 0) + 1
    state = WorkshopState(
        presence=people,
        dots=dots,
        comments=comments,
        vote=vote.pk if vote else None,
        running=bool(vote and vote.is_running),
    )
    stamp = hashlib.sha1(
        json.dumps(state.as_json(), sort_keys=True, default=str).encode(), usedforsecurity=False
    ).hexdigest()[:16]
    return replace(state, stamp=stamp)

"""Writes of the workshop app: share links, presence, votes and comments."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from departments.access import signed_in
from departments.models import Membership, new_token
from valuestreams.models import Handoff, Improvement, Map, Step

from .live import notify_overlay
from .models import Comment, Dot, Mention, Presence, ShareLink, Vote


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
        created_by=signed_in(user),
    )
    link.full_clean()
    link.save()
    return link, token


def share_link_revoke(*, link: ShareLink) -> None:
    """Close a share link for good; open pages stop following the map within minutes."""
    ShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


#: A member counts as present this long after their last heartbeat.
PRESENCE_SECONDS = 15


def presence_beat(*, map_obj: Map, user: Any, step_id: int | None) -> None:
    """Record that `user` has the map open with `step_id` selected (None: nothing selected).

    Notifies the map's streams only when that changes what others see (someone
    arrives or selects another step), not on every heartbeat.
    """
    now = timezone.now()
    if step_id is not None and not Step.objects.filter(pk=step_id, map=map_obj).exists():
        step_id = None
    with transaction.atomic():
        before = (
            Presence.objects.filter(map=map_obj, user=user).values("step_id", "seen_at").first()
        )
        Presence.objects.update_or_create(
            map=map_obj, user=user, defaults={"step_id": step_id, "seen_at": now}
        )
        if (
            before is None
            or before["seen_at"] < now - timedelta(seconds=PRESENCE_SECONDS)
            or before["step_id"] != step_id
        ):
            notify_overlay(map_obj.pk)


def presence_leave(*, map_obj: Map, user: Any) -> None:
    """Remove `user` from the map's presence at once (the page was closed)."""
    with transaction.atomic():
        if Presence.objects.filter(map=map_obj, user=user).delete()[0]:
            notify_overlay(map_obj.pk)


#: Tries to find a free slot when one member's dots race each other.
DOT_ATTEMPTS = 3


class VoteError(Exception):
    """A vote action the current state does not allow; the message says why."""


@transaction.atomic
def vote_start(*, map_obj: Map, question: str, dots: int, minutes: int, user: Any) -> Vote:
    """Open a dot vote on the map's steps; refused while another vote is open on it."""
    vote = Vote(
        map=map_obj,
        question=question,
        dots=dots,
        ends_at=timezone.now() + timedelta(minutes=minutes),
        started_by=user,
    )
    try:
        vote.full_clean()
        with transaction.atomic():
            vote.save()
    except (ValidationError, IntegrityError) as error:
        raise VoteError(_("A vote is already open on this map: close it first.")) from error
    notify_overlay(map_obj.pk)
    return vote


@transaction.atomic
def vote_close(*, vote: Vote) -> None:
    """Close the vote for good: its dots stay as the result."""
    if Vote.objects.filter(pk=vote.pk, closed_at__isnull=True).update(closed_at=timezone.now()):
        notify_overlay(vote.map_id)


def dot_add(*, vote: Vote, user: Any, step_id: int) -> Dot:
    """Place one of `user`'s dots on a step of the vote's map.

    The dot takes the member's lowest free slot; the unique slot makes two
    dots placed at once take different slots or fail, never exceed the allowance.
    """
    if not vote.is_running:
        raise VoteError(_("This vote has ended."))
    if not Step.objects.filter(pk=step_id, map_id=vote.map_id).exists():
        raise VoteError(_("This step is not on the map."))
    for _attempt in range(DOT_ATTEMPTS):
        used = set(Dot.objects.filter(vote=vote, user=user).values_list("slot", flat=True))
        free = [slot for slot in range(1, vote.dots + 1) if slot not in used]
        if not free:
            raise VoteError(_("You have placed all your dots."))
        try:
            with transaction.atomic():
                dot = Dot.objects.create(vote=vote, user=user, step_id=step_id, slot=free[0])
                notify_overlay(vote.map_id)
            return dot
        except IntegrityError:
            continue  # another of this member's dots took the slot meanwhile: look again
    raise VoteError(_("Another of your dots was placed at the same moment: try again."))


@transaction.atomic
def dot_remove(*, vote: Vote, user: Any, step_id: int) -> None:
    """Take back one of `user`'s dots from a step while the vote runs."""
    if not vote.is_running:
        raise VoteError(_("This vote has ended."))
    dot = Dot.objects.filter(vote=vote, user=user, step_id=step_id).order_by("-slot").first()
    if dot is not None:
        dot.delete()
        notify_overlay(vote.map_id)


@transaction.atomic
def vote_to_improvements(*, vote: Vote, step_ids: list[int], user: Any) -> list[Improvement]:
    """Improvement cards for the chosen steps of a closed vote, linked to their steps.

    A step that already has a card from this map keeps it: no duplicates.
    """
    tallies = dict(
        Dot.objects.filter(vote=vote, step_id__in=step_ids)
        .values_list("step_id")
        .annotate(n=Count("id"))
        .values_list("step_id", "n")
    )
    steps = Step.objects.filter(pk__in=step_ids, map_id=vote.map_id).exclude(
        improvements__map_id=vote.map_id
    )
    cards = [
        Improvement(
            workspace_id=vote.map.workspace_id,
            map_id=vote.map_id,
            step=step,
            title=step.title[:200],
            description=_("%(dots)s dots in the vote “%(question)s”.")
            % {"dots": tallies.get(step.pk, 0), "question": vote.question},
            created_by=user,
        )
        for step in steps
    ]
    for card in cards:
        card.full_clean()
    return Improvement.objects.bulk_create(cards)


MENTION = re.compile(r"(?<![\w@])@([\w.@+-]+)")


def mentioned_users(*, workspace_id: int, body: str) -> list[Any]:
    """Members of the workspace named as @username in `body` (case-insensitive)."""
    names = {name.rstrip(".").lower() for name in MENTION.findall(body)}
    if not names:
        return []
    members = Membership.objects.filter(workspace_id=workspace_id).select_related("user")
    return [m.user for m in members if m.user.get_username().lower() in names]


@transaction.atomic
def comment_add(
    *, map_obj: Map, user: Any, body: str, step_id: int | None = None, handoff_id: int | None = None
) -> Comment:
    """A comment on a step or a handoff of the map, with its @mentions recorded."""
    comment = Comment(
        map=map_obj, step_id=step_id, handoff_id=handoff_id, author=user, body=body.strip()
    )
    comment.full_clean()
    if step_id is not None and not Step.objects.filter(pk=step_id, map=map_obj).exists():
        raise ValidationError({"target": _("This step is not on the map.")})
    if handoff_id is not None and not Handoff.objects.filter(pk=handoff_id, map=map_obj).exists():
        raise ValidationError({"target": _("This handoff is not on the map.")})
    comment.save()
    people = mentioned_users(workspace_id=map_obj.workspace_id, body=comment.body)
    Mention.objects.bulk_create(Mention(comment=comment, user=person) for person in people)
    notify_overlay(map_obj.pk)
    return comment


@transaction.atomic
def comment_resolve(*, comment: Comment, user: Any, resolved: bool) -> None:
    """Mark a comment resolved (or open again)."""
    comment.resolved_at = timezone.now() if resolved else None
    comment.resolved_by = user if resolved else None
    comment.save(update_fields=["resolved_at", "resolved_by"])
    notify_overlay(comment.map_id)

"""Everyone in the room: share links, presence, dot votes and comments on a map.

This app sits on top of the map core: it imports `valuestreams` and
`departments`; neither imports it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from valuestreams.models import Handoff, Map, Step


class ShareLinkQuerySet(models.QuerySet["ShareLink"]):
    """Reads of share links."""

    def usable(self) -> ShareLinkQuerySet:
        """Links that open their map now: not revoked and not expired."""
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
        )


class ShareLink(models.Model):
    """A read-only link to one map for people without an account.

    It opens that map's page and presentation mode and nothing else. Only the
    token's digest is stored; the link is shown once, when it is made.
    """

    map = models.ForeignKey(Map, on_delete=models.CASCADE, related_name="share_links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    label = models.CharField(_("label"), max_length=120, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("share link")

    def __str__(self) -> str:
        return self.label or f"{self.map} · {self.created_at:%Y-%m-%d}"

    @property
    def is_usable(self) -> bool:
        """True while the link opens its map."""
        return self.revoked_at is None and (
            self.expires_at is None or self.expires_at > timezone.now()
        )


class Presence(models.Model):
    """Who has a map open now, and which step they have selected; a heartbeat keeps it fresh.

    A row whose `seen_at` is older than PRESENCE_SECONDS counts as gone.
    """

    map = models.ForeignKey(Map, on_delete=models.CASCADE, related_name="presences")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    step = models.ForeignKey(
        Step, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("presence")
        constraints = [
            models.UniqueConstraint(fields=["map", "user"], name="presence_one_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.map}"


class VoteQuerySet(models.QuerySet["Vote"]):
    """Reads of dot votes."""

    def running(self) -> VoteQuerySet:
        """Votes that take dots now: not closed and not past their end."""
        return self.filter(closed_at__isnull=True, ends_at__gt=timezone.now())


class Vote(models.Model):
    """A dot vote on a map's steps: each member places up to `dots` dots until `ends_at`.

    At most one vote per map is not closed (a database rule). A vote past its
    end takes no more dots; closing it freezes the result.
    """

    map = models.ForeignKey(Map, on_delete=models.CASCADE, related_name="votes")
    question = models.CharField(_("question"), max_length=200)
    dots = models.PositiveSmallIntegerField(_("dots per participant"), default=3)
    ends_at = models.DateTimeField(_("ends"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = VoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("dot vote")
        constraints = [
            models.UniqueConstraint(
                fields=["map"],
                condition=Q(closed_at__isnull=True),
                name="vote_one_open_per_map",
                violation_error_message=_("A vote is already open on this map."),
            ),
            models.CheckConstraint(
                condition=Q(dots__gte=1) & Q(dots__lte=20), name="vote_dots_range"
            ),
        ]

    def __str__(self) -> str:
        return self.question

    @property
    def is_running(self) -> bool:
        """True while the vote takes dots."""
        return self.closed_at is None and self.ends_at > timezone.now()


class Dot(models.Model):
    """One dot one member placed on one step.

    `slot` (1…the vote's dots) is unique per member and vote, so two dots placed
    at the same moment can never exceed a member's allowance.
    """

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="placed")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="+")
    slot = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dot")
        constraints = [
            models.UniqueConstraint(fields=["vote", "user", "slot"], name="dot_slot_unique"),
            models.CheckConstraint(
                condition=Q(slot__gte=1) & Q(slot__lte=20), name="dot_slot_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.step_id}"


class Comment(models.Model):
    """A comment on one step or one handoff of a map, open until someone resolves it."""

    map = models.ForeignKey(Map, on_delete=models.CASCADE, related_name="comments")
    step = models.ForeignKey(
        Step, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    handoff = models.ForeignKey(
        Handoff, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("comment"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mentions: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Mention", related_name="mentioned_in", blank=True
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("comment")
        constraints = [
            models.CheckConstraint(
                condition=(Q(step__isnull=False) & Q(handoff__isnull=True))
                | (Q(step__isnull=True) & Q(handoff__isnull=False)),
                name="comment_on_step_or_handoff",
            ),
            models.CheckConstraint(condition=~Q(body=""), name="comment_body_not_blank"),
        ]

    def __str__(self) -> str:
        return self.body[:60]


class Mention(models.Model):
    """A member named with @username in a comment."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("mention")
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="mention_unique"),
        ]

    def __str__(self) -> str:
        return f"@{self.user} in {self.comment_id}"

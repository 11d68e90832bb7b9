"""Everyone in the room: share links, presence, dot votes and comments on a map.

This app sits on top of the map core: it imports `valuestreams` and
`departments`; neither imports it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from valuestreams.models import Map


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

"""Stored event logs, their events, and the mark on a map that was discovered from one.

Imported into `valuestreams.models`, so they belong to the `valuestreams` app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from departments.models import Workspace


class EventLogStatus(models.TextChoices):
    """Where an uploaded log is on its way from file to evidence."""

    UPLOADED = "uploaded", _("Waiting for the column choice")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class EventLogQuerySet(models.QuerySet["EventLog"]):
    """Reads of event logs."""

    def for_workspace(self, workspace: Workspace) -> EventLogQuerySet:
        """Logs of one workspace, newest first, without their stored upload."""
        return self.filter(workspace=workspace).defer("source").order_by("-created_at", "-id")


class EventLog(models.Model):
    """An event log from a ticket or case system, stored so it can be re-filtered.

    While it waits for processing, `source` holds the uploaded file; it is cleared
    once the events are stored. `evidence` is the full-log evidence as JSON
    (`eventlog_analysis.Evidence`), `problems` the reasons a failed import gave.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="event_logs")
    name = models.CharField(_("name"), max_length=200)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EventLogStatus.choices, default=EventLogStatus.UPLOADED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    source = models.BinaryField(null=True, blank=True, editable=False)
    source_size = models.PositiveBigIntegerField(default=0)
    columns = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    discovery_filter = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    evidence = models.JSONField(null=True, blank=True)
    cases = models.PositiveIntegerField(default=0)
    events = models.PositiveIntegerField(default=0)
    dropped_events = models.PositiveIntegerField(default=0)
    unknown_lane_events = models.PositiveIntegerField(default=0)
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("event log")
        indexes = [models.Index(fields=["status", "id"])]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="eventlog_name_not_blank"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in EventLogStatus]),
                name="eventlog_status_valid",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="eventlog_progress_range"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_finished(self) -> bool:
        return self.status in (EventLogStatus.DONE, EventLogStatus.FAILED)


class Event(models.Model):
    """One event of a stored log: a case, its number within the case, time, activity, lane."""

    log = models.ForeignKey(
        EventLog, on_delete=models.CASCADE, related_name="event_rows", db_index=False
    )
    case_id = models.CharField(max_length=200)
    seq = models.PositiveIntegerField()
    timestamp = models.DateTimeField()
    activity = models.CharField(max_length=200)
    lane = models.CharField(max_length=200)

    class Meta:
        ordering = ["log", "case_id", "seq"]
        verbose_name = _("event")
        constraints = [
            # Also the index every read of a log's events in case order uses.
            models.UniqueConstraint(fields=["log", "case_id", "seq"], name="event_unique_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} #{self.seq} {self.activity}"


class Discovery(models.Model):
    """Marks a map as discovered from an event log: which log, period, size and filter.

    The map itself is a normal map. The log may be deleted later; its name and
    figures stay here so the map still says where it came from.
    """

    map = models.OneToOneField(
        "valuestreams.Map", on_delete=models.CASCADE, related_name="discovery"
    )
    log = models.ForeignKey(
        EventLog, on_delete=models.SET_NULL, null=True, blank=True, related_name="discoveries"
    )
    log_name = models.CharField(_("event log"), max_length=200)
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    cases = models.PositiveIntegerField(default=0)
    events = models.PositiveIntegerField(default=0)
    lane_column = models.CharField(_("lane column"), max_length=200, blank=True)
    filter = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("discovery")
        verbose_name_plural = _("discoveries")

    def __str__(self) -> str:
        return f"{self.map} ← {self.log_name}"

"""The map core: one model of lanes, stages, steps and handoffs for all three map kinds.

Journey fields (touchpoint, channel, emotion, pain points, opportunities) and
value-stream fields (process time, lead time, %C&A, value-adding) sit on the same
step; a kind only changes what is shown. Times are minutes.

Invariants that span tables (a lane's department belongs to the map's workspace,
a step's lane and stage belong to its map, a handoff joins steps of its own map)
are enforced by database triggers created in migration 0002, because SQL check
constraints cannot look at other rows.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from departments.models import KPI, DecisionRight, Department, Workspace
from journeys.models import Persona

from .rules import MAX_MINUTES


class ChangeTrackedHistory(models.Model):
    """Abstract base of the map core's history records: which editor change wrote them.

    Every edit service runs inside one `MapChange`; its id lands on all the
    history rows that edit wrote, so undo and redo can find exactly those rows.
    A plain integer, not a foreign key, because discarded changes are deleted
    while their history stays.
    """

    change_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        abstract = True


class MapKind(models.TextChoices):
    """The three kinds of map; they share one core and differ only in what is shown."""

    VALUE_STREAM = "value_stream", _("Value stream")
    CUSTOMER_JOURNEY = "customer_journey", _("Customer journey")
    EMPLOYEE_JOURNEY = "employee_journey", _("Employee journey")


class MapState(models.TextChoices):
    """Current state as it is today, or a future state that improves on it."""

    CURRENT = "current", _("Current state")
    FUTURE = "future", _("Future state")


class MapQuerySet(models.QuerySet["Map"]):
    """Reads of maps."""

    def for_workspace(self, workspace: Workspace) -> MapQuerySet:
        """Maps of one workspace."""
        return self.filter(workspace=workspace)

    def with_counts(self) -> MapQuerySet:
        """Annotate `step_count`, `handoff_count` and `rework_count`.

        Each count is its own subquery on an index: joining steps and handoffs in
        one query would count steps × handoffs rows (minutes for a 10,000-step map).
        """

        def count(model: type[Step] | type[Handoff], **where: Any) -> Coalesce:
            rows = (
                model._default_manager.filter(map=OuterRef("pk"), **where).order_by().values("map")
            )
            return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)

        return self.annotate(
            step_count=count(Step),
            handoff_count=count(Handoff),
            rework_count=count(Handoff, rework=True),
        )


class Map(models.Model):
    """A customer journey, employee journey or value-stream map.

    `version` goes up with every change to the map or anything on it, so cached
    analysis and polling viewers can tell cheaply whether anything changed.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="maps")
    kind = models.CharField(
        _("kind"), max_length=20, choices=MapKind.choices, default=MapKind.VALUE_STREAM
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    persona = models.ForeignKey(
        Persona,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="maps",
        verbose_name=_("persona"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=MapState.choices, default=MapState.CURRENT
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="future_states",
        verbose_name=_("based on"),
        help_text=_("The current-state map this future state improves."),
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(bases=[ChangeTrackedHistory])
    objects = MapQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name", "state"]
        verbose_name = _("map")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in MapKind]), name="map_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in MapState]), name="map_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(based_on__isnull=True) | Q(state=MapState.FUTURE),
                name="map_only_future_is_based_on",
            ),
            models.CheckConstraint(
                condition=Q(based_on__isnull=True) | ~Q(based_on=F("id")),
                name="map_not_based_on_itself",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="map_name_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_journey(self) -> bool:
        return self.kind != MapKind.VALUE_STREAM


class Stage(models.Model):
    """A column of the map: a phase of the journey or a stretch of the value stream."""

    map = models.ForeignKey(Map, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveIntegerField(default=0)

    history = HistoricalRecords(bases=[ChangeTrackedHistory])

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("stage")
        constraints = [
            models.UniqueConstraint(fields=["map", "name"], name="stage_unique_name"),
            models.CheckConstraint(condition=~Q(name=""), name="stage_name_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name


class Lane(models.Model):
    """A department's row on one map, in the map's own lane order."""

    map = models.ForeignKey(Map, on_delete=models.CASCADE, related_name="lanes")
    # RESTRICT, not PROTECT: a department in use cannot be deleted on its own,
    # yet deleting the whole workspace (which takes the map and its lanes) works.
    department = models.ForeignKey(Department, on_delete=models.RESTRICT, related_name="lanes")
    position = models.PositiveIntegerField(default=0)

    history = HistoricalRecords(bases=[ChangeTrackedHistory])

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("lane")
        constraints = [
            models.UniqueConstraint(fields=["map", "department"], name="lane_unique_department"),
        ]

    def __str__(self) -> str:
        return f"{self.department} on {self.map}"


class Channel(models.TextChoices):
    """Suggested channels; the field accepts free text because organisations differ."""

    IN_PERSON = "in person", _("In person")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    WEB = "web", _("Web / portal")
    APP = "app", _("App")
    LETTER = "letter", _("Letter")
    CHAT = "chat", _("Chat")
    SYSTEM = "system", _("System")


#: How a suggested channel reads on a step (lower case, as stored, in English).
CHANNEL_NAMES = {
    Channel.IN_PERSON: pgettext_lazy("channel on a step", "in person"),
    Channel.PHONE: pgettext_lazy("channel on a step", "phone"),
    Channel.EMAIL: pgettext_lazy("channel on a step", "email"),
    Channel.WEB: pgettext_lazy("channel on a step", "web"),
    Channel.APP: pgettext_lazy("channel on a step", "app"),
    Channel.LETTER: pgettext_lazy("channel on a step", "letter"),
    Channel.CHAT: pgettext_lazy("channel on a step", "chat"),
    Channel.SYSTEM: pgettext_lazy("channel on a step", "system"),
}


def channel_label(value: str) -> str:
    """A step's channel for people: a suggested one in the reader's language, else as typed."""
    name = CHANNEL_NAMES.get(value)  # type: ignore[call-overload]
    return value if name is None else str(name)


class Step(models.Model):
    """A unit of work or a moment of the journey, in one lane × stage cell.

    PT and LT in minutes (LT ≥ PT), %C&A 0–100 for the step's output, emotion −2…+2.
    `version` supports optimistic locking: an edit based on an older version is refused.
    """

    map = models.ForeignKey(Map, on_delete=models.CASCADE, related_name="steps")
    # RESTRICT: a lane or stage with steps is not deleted by accident, but
    # deleting the map cascades to all three at once.
    lane = models.ForeignKey(Lane, on_delete=models.RESTRICT, related_name="steps")
    stage = models.ForeignKey(Stage, on_delete=models.RESTRICT, related_name="steps")
    position = models.PositiveIntegerField(_("order in cell"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    process_time_minutes = models.FloatField(_("process time (min)"), null=True, blank=True)
    lead_time_minutes = models.FloatField(_("lead time (min)"), null=True, blank=True)
    complete_accurate_pct = models.FloatField(_("%C&A"), null=True, blank=True)
    value_adding = models.BooleanField(_("value-adding"), default=False)
    touchpoint = models.CharField(_("touchpoint"), max_length=200, blank=True)
    channel = models.CharField(_("channel"), max_length=60, blank=True)
    emotion = models.SmallIntegerField(_("emotion"), null=True, blank=True)
    pain_points = models.JSONField(_("pain points"), default=list, blank=True)
    opportunities = models.JSONField(_("opportunities"), default=list, blank=True)
    owner = models.CharField(_("owner"), max_length=120, blank=True)
    decision_right = models.ForeignKey(
        DecisionRight,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="steps",
        verbose_name=_("decision right"),
        help_text=_("The decision this step waits for or depends on."),
    )
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(bases=[ChangeTrackedHistory])

    class Meta:
        ordering = ["stage__position", "lane__position", "position", "id"]
        verbose_name = _("step")
        indexes = [models.Index(fields=["map", "stage", "lane", "position"])]
        constraints = [
            # Two steps never share a place in a cell. Checked at commit (PostgreSQL),
            # because renumbering a cell and undoing a move pass through duplicates.
            # SQLite cannot defer it and goes without: it has one writer at a time.
            models.UniqueConstraint(
                fields=["lane", "stage", "position"],
                name="step_unique_position",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.CheckConstraint(condition=~Q(title=""), name="step_title_not_blank"),
            models.CheckConstraint(
                condition=Q(process_time_minutes__isnull=True) | Q(process_time_minutes__gte=0),
                name="step_process_time_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(lead_time_minutes__isnull=True) | Q(lead_time_minutes__gte=0),
                name="step_lead_time_not_negative",
            ),
            # The upper bound keeps every sum of times finite (see rules.py); it
            # also refuses NaN on PostgreSQL, where NaN is larger than any number.
            models.CheckConstraint(
                condition=Q(process_time_minutes__isnull=True)
                | Q(process_time_minutes__lte=MAX_MINUTES),
                name="step_process_time_at_most_ten_years",
            ),
            models.CheckConstraint(
                condition=Q(lead_time_minutes__isnull=True) | Q(lead_time_minutes__lte=MAX_MINUTES),
                name="step_lead_time_at_most_ten_years",
            ),
            models.CheckConstraint(
                condition=Q(process_time_minutes__isnull=True)
                | Q(lead_time_minutes__isnull=True)
                | Q(lead_time_minutes__gte=F("process_time_minutes")),
                name="step_lead_time_at_least_process_time",
            ),
            models.CheckConstraint(
                condition=Q(complete_accurate_pct__isnull=True)
                | (Q(complete_accurate_pct__gte=0) & Q(complete_accurate_pct__lte=100)),
                name="step_complete_accurate_in_range",
            ),
            models.CheckConstraint(
                condition=Q(emotion__isnull=True) | (Q(emotion__gte=-2) & Q(emotion__lte=2)),
                name="step_emotion_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def wait_minutes(self) -> float | None:
        """LT − PT, or None when either is unknown."""
        if self.lead_time_minutes is None or self.process_time_minutes is None:
            return None
        return self.lead_time_minutes - self.process_time_minutes


class Handoff(models.Model):
    """A directed connection from one step to the next; `rework` marks work sent back."""

    map = models.ForeignKey(Map, on_delete=models.CASCADE, related_name="handoffs")
    from_step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="outgoing")
    to_step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="incoming")
    label = models.CharField(_("label"), max_length=200, blank=True)
    rework = models.BooleanField(_("rework"), default=False)
    decision_right = models.ForeignKey(
        DecisionRight,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handoffs",
        verbose_name=_("decision right"),
        help_text=_("The decision this handoff depends on."),
    )
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(bases=[ChangeTrackedHistory])

    class Meta:
        ordering = ["id"]
        verbose_name = _("handoff")
        constraints = [
            models.UniqueConstraint(fields=["from_step", "to_step"], name="handoff_unique_pair"),
            models.CheckConstraint(
                condition=~Q(from_step=F("to_step")), name="handoff_joins_two_steps"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_step} → {self.to_step}"


class ImprovementStatus(models.TextChoices):
    """The columns of the improvement board."""

    IDEA = "idea", _("Idea")
    PLANNED = "planned", _("Planned")
    DOING = "doing", _("Doing")
    DONE = "done", _("Done")


class Improvement(models.Model):
    """An improvement on the board: impact and effort 1–5 put quick wins first."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="improvements")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    map = models.ForeignKey(
        Map, on_delete=models.SET_NULL, null=True, blank=True, related_name="improvements"
    )
    step = models.ForeignKey(
        Step, on_delete=models.SET_NULL, null=True, blank=True, related_name="improvements"
    )
    impact = models.PositiveSmallIntegerField(_("impact (1–5)"), default=3)
    effort = models.PositiveSmallIntegerField(_("effort (1–5)"), default=3)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ImprovementStatus.choices,
        default=ImprovementStatus.IDEA,
    )
    owner = models.CharField(_("owner"), max_length=120, blank=True)
    done_date = models.DateField(_("done on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["status", "-impact", "effort", "title"]
        verbose_name = _("improvement")
        constraints = [
            models.CheckConstraint(
                condition=Q(impact__gte=1) & Q(impact__lte=5), name="improvement_impact_range"
            ),
            models.CheckConstraint(
                condition=Q(effort__gte=1) & Q(effort__lte=5), name="improvement_effort_range"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ImprovementStatus]),
                name="improvement_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=ImprovementStatus.DONE) | Q(done_date__isnull=False),
                name="improvement_done_has_date",
            ),
            models.CheckConstraint(
                condition=Q(step__isnull=True) | Q(map__isnull=False),
                name="improvement_step_needs_map",
            ),
            # One card per text of a step: a second click (or a second person
            # clicking at the same moment) finds the first card.
            models.UniqueConstraint(
                fields=["step", "title"],
                condition=Q(step__isnull=False),
                name="improvement_unique_title_per_step",
                violation_error_message=_("This step already has an improvement with this title."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_quick_win(self) -> bool:
        """High impact for little effort: the ones to pick first."""
        return self.impact >= 4 and self.effort <= 2


class MapMetric(models.TextChoices):
    """The map metrics a KPI can follow (names as in the analysis JSON)."""

    LEAD_TIME = "lead_time_minutes", _("Lead time")
    PROCESS_TIME = "process_time_minutes", _("Process time")
    WAIT_TIME = "wait_time_minutes", _("Waiting on the critical path")
    ACTIVITY_RATIO = "activity_ratio", _("Activity ratio")
    ROLLED_COMPLETE_ACCURATE = "rolled_complete_accurate", _("Rolled %C&A")
    CROSS_DEPARTMENT_HANDOFFS = "cross_department_handoffs", _("Cross-department handoffs")


class MetricUnit(models.TextChoices):
    """The unit a KPI counts in, so a map's minutes and fractions can stand beside it."""

    MINUTES = "minutes", _("Minutes")
    HOURS = "hours", _("Hours")
    WORKING_DAYS = "working_days", _("Working days")
    PERCENT = "percent", _("Percent")
    NUMBER = "number", _("Number")


class KPIMapMetric(models.Model):
    """Binds a shared goal's KPI to one metric of a (current-state) map.

    The map's current value, and its future state's, then appear beside the
    KPI's readings, and the map's hotspots count as threats to the goal. Lives
    here, not on the KPI, because `departments` does not know maps.
    """

    kpi = models.OneToOneField(KPI, on_delete=models.CASCADE, related_name="map_metric")
    map = models.ForeignKey(
        Map, on_delete=models.CASCADE, related_name="kpi_metrics", verbose_name=_("map")
    )
    metric = models.CharField(
        _("metric"), max_length=40, choices=MapMetric.choices, default=MapMetric.LEAD_TIME
    )
    unit = models.CharField(
        _("shown in"), max_length=20, choices=MetricUnit.choices, default=MetricUnit.WORKING_DAYS
    )

    class Meta:
        verbose_name = _("KPI bound to a map metric")
        constraints = [
            models.CheckConstraint(
                condition=Q(metric__in=[m.value for m in MapMetric]), name="kpimapmetric_metric"
            ),
            models.CheckConstraint(
                condition=Q(unit__in=[u.value for u in MetricUnit]), name="kpimapmetric_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi} = {self.get_metric_display()} of {self.map}"

    def in_unit(self, value: float | None, working_day_minutes: int) -> float | None:
        """A value of the map metric (minutes, a fraction or a count) in the KPI's unit."""
        if value is None:
            return None
        if self.metric.endswith("_minutes"):
            per = {MetricUnit.HOURS: 60.0, MetricUnit.WORKING_DAYS: float(working_day_minutes)}
            return round(value / per.get(MetricUnit(self.unit), 1.0), 1)
        if self.unit == MetricUnit.PERCENT:
            return round(value * 100, 1)
        return round(value, 3)


class MapChange(models.Model):
    """One edit made in the editor: the unit of undo and redo, and a line of the history.

    Changes form a stack per map: undo takes the newest change that is not undone,
    redo the oldest undone one; a new change discards the undone ones (the redo
    stack), as in any editor. A change that can no longer be undone (the data
    changed since) is marked `undoable=False` and skipped by undo.
    """

    map = models.ForeignKey(Map, on_delete=models.CASCADE, related_name="changes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What happened, as a code and its parameters, so each reader sees it in their
    # own language (`change_texts`); `legacy_description` holds the English sentence
    # of changes recorded before codes existed.
    code = models.CharField(_("code"), max_length=40, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    legacy_description = models.CharField(_("description"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    undone = models.BooleanField(_("undone"), default=False)
    # False once an undo found the map changed too much since: the undo stack then
    # passes over it, so the older changes can still be undone.
    undoable = models.BooleanField(_("can be undone"), default=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("map change")
        indexes = [models.Index(fields=["map", "undone", "id"])]

    def __str__(self) -> str:
        return self.description

    @property
    def description(self) -> str:
        """The history line in the active language."""
        from .change_texts import describe_change

        return describe_change(self.code, self.params, self.legacy_description)


# Event logs and discoveries live with the other imports; importing them here
# registers them with the app.
from .imports.models import Discovery, Event, EventLog, EventLogStatus  # noqa: E402, F401

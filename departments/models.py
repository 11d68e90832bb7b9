"""Workspaces, their members and roles, departments, decision rights and shared goals.

This app imports neither `journeys` nor `valuestreams`: everything else builds on it.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

HEX_COLOR = r"^#[0-9A-Fa-f]{6}$"


class Role(models.TextChoices):
    """What a member may do; each role includes the rights of the ones below it."""

    OWNER = "owner", _("Owner")
    FACILITATOR = "facilitator", _("Facilitator")
    EDITOR = "editor", _("Editor")
    VIEWER = "viewer", _("Viewer")


# Higher rank = more rights. Kept beside Role so the order is defined once.
ROLE_RANK = {Role.VIEWER: 0, Role.EDITOR: 1, Role.FACILITATOR: 2, Role.OWNER: 3}


class WorkspaceQuerySet(models.QuerySet["Workspace"]):
    """Reads of workspaces, scoped to a user."""

    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> WorkspaceQuerySet:
        """Workspaces the user is a member of (none for an anonymous user)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user_id=user.pk)


class Workspace(models.Model):
    """An organisation's shared space: its departments, maps and goals live here."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)
    working_day_minutes = models.PositiveIntegerField(
        _("working day (minutes)"),
        default=480,
        help_text=_("Used to show long times in working days."),
    )
    language = models.CharField(
        _("default language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_(
            "Used for members whose browser asks for none of the offered languages "
            "and who have not chosen one."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("workspace")
        constraints = [
            models.CheckConstraint(
                condition=Q(working_day_minutes__gt=0) & Q(working_day_minutes__lte=1440),
                name="workspace_working_day_in_range",
            )
        ]

    def __str__(self) -> str:
        return self.name


class UserProfile(models.Model):
    """What a person chose for themselves across workspaces: for now, the interface language.

    Made when a person first uses the language switch; until then the browser's
    Accept-Language (or the workspace's default) decides.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)

    class Meta:
        verbose_name = _("user profile")

    def __str__(self) -> str:
        return str(self.user)


class Membership(models.Model):
    """A user's role in one workspace."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        verbose_name = _("membership")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="membership_unique_user"),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role]), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.workspace} ({self.role})"

    def has_role(self, role: Role) -> bool:
        """True when this membership's role is `role` or a stronger one."""
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[role]


class Department(models.Model):
    """A group with its own identity: what it is recognised for, its strengths and weaknesses.

    Departments are the lanes of every map in the workspace.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField(_("name"), max_length=120)
    short_name = models.CharField(_("short name"), max_length=20, blank=True)
    color = models.CharField(
        _("colour"), max_length=7, default="#4C78A8", help_text=_("Hex colour, e.g. #4C78A8")
    )
    recognised_for = models.TextField(_("recognised for"), blank=True)
    core_tasks = models.TextField(_("core tasks"), blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    weaknesses = models.TextField(_("weaknesses"), blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        constraints = [
            models.UniqueConstraint(
                "workspace",
                Lower("name"),
                name="department_unique_name",
                violation_error_message=_(
                    "A department with this name already exists in the workspace."
                ),
            ),
            models.CheckConstraint(
                condition=Q(color__regex=HEX_COLOR), name="department_color_hex"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="department_name_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The short name where there is one, for tight places like lane headers."""
        return self.short_name or self.name


class DecisionRightStatus(models.TextChoices):
    """Who holds a decision: one department, several together, nobody clearly, or in dispute."""

    OWNED = "owned", _("Owned")
    SHARED = "shared", _("Shared")
    UNCLEAR = "unclear", _("Unclear")
    CONTESTED = "contested", _("Contested")

    @classmethod
    def troubled(cls) -> tuple[str, ...]:
        """The statuses where cross-department work stalls: nobody can decide quickly."""
        return (cls.UNCLEAR.value, cls.CONTESTED.value)


class DecisionRight(models.Model):
    """An area of decisions and who holds it: owned by one, shared, or unclear.

    Unclear decision rights are where cross-department work stalls, so they are
    shown prominently.
    """

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="decision_rights"
    )
    area = models.CharField(_("decision area"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DecisionRightStatus.choices,
        default=DecisionRightStatus.UNCLEAR,
    )
    departments = models.ManyToManyField(
        Department, related_name="decision_rights", blank=True, verbose_name=_("departments")
    )

    class Meta:
        ordering = ["area"]
        verbose_name = _("decision right")
        constraints = [
            models.UniqueConstraint(
                "workspace",
                Lower("area"),
                name="decisionright_unique_area",
                violation_error_message=_(
                    "This decision area is already recorded in the workspace."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in DecisionRightStatus]),
                name="decisionright_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.area


class GoalStatus(models.TextChoices):
    """Where a shared goal stands."""

    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


class SharedGoal(models.Model):
    """A goal several departments share, with the risk and the reward, measured by KPIs."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("title"), max_length=200)
    why = models.TextField(_("why it matters"), blank=True)
    orchestrator = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orchestrated_goals",
        verbose_name=_("orchestrator"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=GoalStatus.choices, default=GoalStatus.PROPOSED
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)

    class Meta:
        ordering = ["due_date", "title"]
        verbose_name = _("shared goal")
        constraints = [
            models.UniqueConstraint(
                "workspace",
                Lower("title"),
                name="goal_unique_title",
                violation_error_message=_(
                    "A shared goal with this title already exists in the workspace."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in GoalStatus]), name="goal_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ParticipantRole(models.TextChoices):
    """A department's part in a shared goal."""

    LEAD = "lead", _("Lead")
    CONTRIBUTOR = "contributor", _("Contributor")


class GoalParticipant(models.Model):
    """A department's part in a shared goal and its share of the risk and the reward (%)."""

    goal = models.ForeignKey(SharedGoal, on_delete=models.CASCADE, related_name="participants")
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        related_name="goal_participations",
        verbose_name=_("department"),
    )
    role = models.CharField(
        _("role"),
        max_length=12,
        choices=ParticipantRole.choices,
        default=ParticipantRole.CONTRIBUTOR,
    )
    risk_share_pct = models.PositiveSmallIntegerField(_("share of risk (%)"), default=0)
    reward_share_pct = models.PositiveSmallIntegerField(_("share of reward (%)"), default=0)

    class Meta:
        # "lead" sorts after "contributor": descending puts the lead first.
        ordering = ["-role", "department__name"]
        verbose_name = _("goal participant")
        constraints = [
            models.UniqueConstraint(fields=["goal", "department"], name="participant_unique"),
            models.CheckConstraint(
                condition=Q(risk_share_pct__gte=0) & Q(risk_share_pct__lte=100),
                name="participant_risk_pct_range",
            ),
            models.CheckConstraint(
                condition=Q(reward_share_pct__gte=0) & Q(reward_share_pct__lte=100),
                name="participant_reward_pct_range",
            ),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in ParticipantRole]),
                name="participant_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} in {self.goal}"


class Direction(models.TextChoices):
    """Which way a KPI should move."""

    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class KPI(models.Model):
    """A number a shared goal is held to: from a baseline towards a target."""

    goal = models.ForeignKey(SharedGoal, on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    baseline = models.FloatField(_("baseline"))
    target = models.FloatField(_("target"))
    direction = models.CharField(
        _("direction"), max_length=6, choices=Direction.choices, default=Direction.LOWER
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        constraints = [
            models.UniqueConstraint(
                "goal",
                Lower("name"),
                name="kpi_unique_name",
                violation_error_message=_("This goal already has a KPI with this name."),
            ),
            models.CheckConstraint(
                condition=Q(direction__in=[d.value for d in Direction]), name="kpi_direction_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def progress(self, value: float) -> float | None:
        """Share of the way from baseline to target that `value` has covered (may pass 1)."""
        span = self.target - self.baseline
        if span == 0:
            return None
        return (value - self.baseline) / span


class KPIReading(models.Model):
    """One dated measurement of a KPI."""

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="readings")
    date = models.DateField(_("date"))
    value = models.FloatField(_("value"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("KPI reading")
        constraints = [
            models.UniqueConstraint(fields=["kpi", "date"], name="kpireading_unique_date"),
        ]

    def __str__(self) -> str:
        return f"{self.kpi}: {self.value} on {self.date}"


def token_digest(token: str) -> str:
    """The SHA-256 of a link token: links store only this, so a database leak opens nothing.

    Tokens are 256 random bits, so a fast hash is enough (no guessing to slow down).
    """
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh unguessable token and its digest."""
    token = secrets.token_urlsafe(32)
    return token, token_digest(token)


class InviteRole(models.TextChoices):
    """Roles an invite link may grant: at most editor, so a leaked link cannot take over."""

    VIEWER = Role.VIEWER.value, Role.VIEWER.label
    EDITOR = Role.EDITOR.value, Role.EDITOR.label


class InviteLinkQuerySet(models.QuerySet["InviteLink"]):
    """Reads of invite links."""

    def usable(self) -> InviteLinkQuerySet:
        """Links that may still be used now: not revoked, not expired, uses left."""
        return self.filter(
            revoked_at__isnull=True, expires_at__gt=timezone.now(), uses__lt=F("max_uses")
        )


class InviteLink(models.Model):
    """A link that makes whoever opens it a member of a workspace with a fixed role.

    Only the token's digest is stored; the link itself is shown once, when made.
    `uses` goes up with each person who joins, in one compare-and-set UPDATE, so
    two people joining at once never exceed `max_uses`.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invite_links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    label = models.CharField(
        _("label"),
        max_length=120,
        blank=True,
        help_text=_("Who the link is for, e.g. “Workshop 12 May”."),
    )
    role = models.CharField(
        _("role"), max_length=12, choices=InviteRole.choices, default=InviteRole.VIEWER
    )
    expires_at = models.DateTimeField(_("expires"))
    max_uses = models.PositiveIntegerField(_("maximum uses"), default=25)
    uses = models.PositiveIntegerField(_("uses"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = InviteLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invite link")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in InviteRole]), name="invitelink_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(max_uses__gte=1) & Q(uses__lte=F("max_uses")),
                name="invitelink_uses_within_max",
            ),
        ]

    def __str__(self) -> str:
        return self.label or f"{self.get_role_display()} · {self.created_at:%Y-%m-%d}"

    @property
    def is_usable(self) -> bool:
        """True when someone may still join by this link."""
        return (
            self.revoked_at is None
            and self.expires_at > timezone.now()
            and self.uses < self.max_uses
        )


class InviteJoin(models.Model):
    """Who joined a workspace by which invite link, and when."""

    link = models.ForeignKey(InviteLink, on_delete=models.CASCADE, related_name="joins")
    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="invite_join"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("joined by invite")

    def __str__(self) -> str:
        return f"{self.membership} via {self.link}"

"""Every URL of the project, aimed at a workspace the user is not a member of, gives 404.

The walker reads every pattern from the URL resolver (through includes), fills
each keyword argument with an object of a foreign workspace and sends GET and
POST. It also aims each object id at the user's own workspace, so a view that
checks the workspace but then loads an object by id alone is caught too.

A URL with a keyword argument the walker does not know fails loudly: add a
builder to BUILDERS below, so that every new view is covered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from departments.invites import invite_create
from departments.models import (
    KPI,
    DecisionRight,
    Department,
    GoalParticipant,
    InviteLink,
    KPIReading,
    Membership,
    Role,
    SharedGoal,
    Workspace,
)
from journeys.models import Persona
from valuestreams.imports.models import EventLog, EventLogStatus
from valuestreams.models import Handoff, Improvement, KPIMapMetric, Lane, Map, Stage, Step
from workshop.models import Comment, Dot, ShareLink, Vote
from workshop.services import share_link_create

from .factories import DepartmentFactory, UserFactory, map_with_steps

pytestmark = pytest.mark.django_db

ONE_HOUR = timedelta(hours=1)

# Patterns that are not inside a workspace: nothing to aim at another workspace.
SKIP_NAMES = {
    "home",
    "login",
    "logout",
    "set_language",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    # Reached by a token, not by membership: tests/departments/test_invites.py
    # and tests/workshop/test_share.py.
    "invite_accept",
    "share_map",
    "share_present",
    "share_poll",
    "share_stream",
}
SKIP_PREFIXES = ("admin/", "i18n/", "static/", "media/", "__debug__/")


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    kwargs: tuple[str, ...]

    def __str__(self) -> str:
        return self.name or self.route


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            if route.startswith(SKIP_PREFIXES) or pattern.name in SKIP_NAMES:
                continue
            kwargs = list(getattr(pattern.pattern, "converters", {}))
            regex = getattr(pattern.pattern, "regex", None)
            if not kwargs and regex is not None:
                kwargs = list(regex.groupindex)
            name = f"{namespace}{pattern.name}" if pattern.name else ""
            yield Route(name, route, tuple(kwargs))


def all_routes() -> list[Route]:
    """Every workspace URL of the project, found through the resolver (recursively)."""
    routes = []
    for route in _walk(get_resolver().url_patterns):
        # An include's own prefix (e.g. "w/<slug:slug>/") may hold kwargs too.
        names = set(route.kwargs) | _prefix_kwargs(route.route)
        routes.append(Route(route.name, route.route, tuple(sorted(names))))
    return routes


def _prefix_kwargs(route: str) -> set[str]:
    return set(re.findall(r"<(?:\w+:)?(\w+)>", route)) | set(re.findall(r"\(\?P<(\w+)>", route))


@dataclass
class World:
    """One of every kind of object in a workspace."""

    workspace: Workspace
    department: Department
    decision_right: DecisionRight
    goal: SharedGoal
    kpi: KPI
    persona: Persona
    map: Map
    step: Step
    stage: Stage
    lane: Lane
    handoff: Handoff
    improvement: Improvement
    membership: Membership
    invite: InviteLink
    share: ShareLink
    vote: Vote
    comment: Comment
    event_log: EventLog


def build_world(workspace: Workspace) -> World:
    department = DepartmentFactory.create(workspace=workspace)
    goal = SharedGoal.objects.create(workspace=workspace, title="Goal", orchestrator=department)
    GoalParticipant.objects.create(goal=goal, department=department)
    kpi = KPI.objects.create(goal=goal, name="KPI", baseline=1, target=2)
    KPIReading.objects.create(kpi=kpi, date="2025-01-01", value=1)
    right = DecisionRight.objects.create(workspace=workspace, area="Area")
    right.departments.add(department)
    persona = Persona.objects.create(workspace=workspace, name="Persona")
    map_obj, (step, second) = map_with_steps(workspace, persona=persona)
    # The manager's pages follow these links: a foreign one must not leak through them.
    KPIMapMetric.objects.create(kpi=kpi, map=map_obj)
    Step.objects.filter(pk=step.pk).update(decision_right=right)
    improvement = Improvement.objects.create(
        workspace=workspace, title="Improvement", map=map_obj, step=step
    )
    membership = Membership.objects.create(
        workspace=workspace, user=UserFactory.create(), role=Role.VIEWER
    )
    return World(
        workspace=workspace,
        department=department,
        decision_right=right,
        goal=goal,
        kpi=kpi,
        persona=persona,
        map=map_obj,
        step=step,
        stage=step.stage,
        lane=step.lane,
        handoff=Handoff.objects.get(from_step=step, to_step=second),
        improvement=improvement,
        membership=membership,
        invite=invite_create(workspace=workspace, role="viewer", days=1, max_uses=1)[0],
        share=share_link_create(map_obj=map_obj, days=None)[0],
        vote=Vote.objects.create(map=map_obj, question="Q", ends_at=timezone.now() + ONE_HOUR),
        comment=Comment.objects.create(map=map_obj, step=step, body="Hm"),
        event_log=EventLog.objects.create(
            workspace=workspace, name="Log", status=EventLogStatus.UPLOADED, source=b"x"
        ),
    )


# URL keyword arguments that name no object (a file format), so no foreign id exists.
NOT_OBJECTS = {"slug", "fmt"}

# URL keyword argument -> its value in a world. Unknown names fail the walker.
BUILDERS: dict[str, Callable[[World], Any]] = {
    "slug": lambda w: w.workspace.slug,
    "department_id": lambda w: w.department.pk,
    "decision_right_id": lambda w: w.decision_right.pk,
    "goal_id": lambda w: w.goal.pk,
    "kpi_id": lambda w: w.kpi.pk,
    "persona_id": lambda w: w.persona.pk,
    "map_id": lambda w: w.map.pk,
    "step_id": lambda w: w.step.pk,
    "stage_id": lambda w: w.stage.pk,
    "lane_id": lambda w: w.lane.pk,
    "handoff_id": lambda w: w.handoff.pk,
    "improvement_id": lambda w: w.improvement.pk,
    "membership_id": lambda w: w.membership.pk,
    "fmt": lambda w: "pptx",
    "invite_id": lambda w: w.invite.pk,
    "share_id": lambda w: w.share.pk,
    "vote_id": lambda w: w.vote.pk,
    "comment_id": lambda w: w.comment.pk,
    "log_id": lambda w: w.event_log.pk,
}


class UnknownKwarg(LookupError):
    """A URL needs a keyword argument the walker cannot fill yet."""


def kwargs_for(route: Route, world: World) -> dict[str, Any]:
    values = {}
    for name in route.kwargs:
        if name not in BUILDERS:
            raise UnknownKwarg(
                f"URL {route} ({route.route}) takes {name!r}, which the foreign-workspace "
                f"walker cannot fill: add a builder for it to BUILDERS in {__name__}"
            )
        values[name] = BUILDERS[name](world)
    return values


ROUTES = all_routes()


def test_the_walker_finds_the_workspace_urls() -> None:
    names = {route.name for route in ROUTES}

    assert {"workspace_home", "map_detail", "department_edit", "member_list"} <= names
    assert {
        "dashboard",
        "department_detail",
        "decision_right_list",
        "decision_right_links",
        "goal_detail",
        "kpi_map_metric_edit",
        "improvement_status",
        "improvement_from_step",
    } <= names


def test_every_url_kwarg_has_a_builder() -> None:
    unknown = {
        f"{route}: {name}" for route in ROUTES for name in route.kwargs if name not in BUILDERS
    }

    assert not unknown, f"add builders for these URL kwargs: {sorted(unknown)}"


def test_every_url_outside_the_skip_list_is_inside_a_workspace() -> None:
    without_slug = [str(route) for route in ROUTES if "slug" not in route.kwargs]

    assert not without_slug, f"URLs without a workspace slug: {without_slug}"


def test_an_unknown_kwarg_is_an_explicit_error(workspace: Workspace) -> None:
    route = Route("new_view", "w/<slug:slug>/things/<int:thing_id>/", ("slug", "thing_id"))

    with pytest.raises(UnknownKwarg, match="thing_id"):
        kwargs_for(route, build_world(workspace))


def snapshot(workspace: Workspace) -> dict[str, Any]:
    """Every row that belongs to the workspace, to prove a refused POST changed nothing."""
    querysets: dict[str, Any] = {
        "departments": Department.objects.filter(workspace=workspace),
        "rights": DecisionRight.objects.filter(workspace=workspace),
        "goals": SharedGoal.objects.filter(workspace=workspace),
        "participants": GoalParticipant.objects.filter(goal__workspace=workspace),
        "kpis": KPI.objects.filter(goal__workspace=workspace),
        "readings": KPIReading.objects.filter(kpi__goal__workspace=workspace),
        "personas": Persona.objects.filter(workspace=workspace),
        "maps": Map.objects.filter(workspace=workspace),
        "stages": Stage.objects.filter(map__workspace=workspace),
        "lanes": Lane.objects.filter(map__workspace=workspace),
        "steps": Step.objects.filter(map__workspace=workspace),
        "handoffs": Handoff.objects.filter(map__workspace=workspace),
        "improvements": Improvement.objects.filter(workspace=workspace),
        "kpi_map_metrics": KPIMapMetric.objects.filter(map__workspace=workspace),
        "members": Membership.objects.filter(workspace=workspace),
        "invites": InviteLink.objects.filter(workspace=workspace),
        "shares": ShareLink.objects.filter(map__workspace=workspace),
        "votes": Vote.objects.filter(map__workspace=workspace),
        "dots": Dot.objects.filter(vote__map__workspace=workspace),
        "comments": Comment.objects.filter(map__workspace=workspace),
        "event_logs": EventLog.objects.filter(workspace=workspace),
    }
    return {key: sorted(_row(obj) for obj in qs) for key, qs in querysets.items()}


def _row(obj: Model) -> tuple[Any, ...]:
    return tuple(
        str(getattr(obj, field.attname))
        for field in obj._meta.concrete_fields
        if field.name not in {"updated_at"}
    )


def check_refused(client: Any, url: str) -> None:
    """GET and POST both refused with 404; 405 only where the method is not served at all."""
    statuses = {}
    for method in ("get", "post"):
        statuses[method] = getattr(client, method)(url).status_code
    assert set(statuses.values()) <= {404, 405}, (url, statuses)
    assert 404 in statuses.values(), (url, statuses)


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_url_of_a_foreign_workspace_is_not_found(
    client: Any, owner: Any, workspace: Workspace, other_workspace: Workspace, route: Route
) -> None:
    mine, theirs = build_world(workspace), build_world(other_workspace)
    before = snapshot(other_workspace)
    client.force_login(owner)  # the strongest role at home, a stranger over there

    # Everything from the foreign workspace.
    check_refused(client, reverse(route.name, kwargs=kwargs_for(route, theirs)))

    # The own workspace's slug with one foreign object id at a time.
    own = kwargs_for(route, mine)
    foreign = kwargs_for(route, theirs)
    for name in route.kwargs:
        if name in NOT_OBJECTS:
            continue
        url = reverse(route.name, kwargs={**own, name: foreign[name]})
        check_refused(client, url)

    assert snapshot(other_workspace) == before

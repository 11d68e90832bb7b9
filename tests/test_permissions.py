"""Who may do what: every view × anonymous, outsider and each role.

Anonymous users are sent to the login page, members of another workspace get
404 (we do not confirm the workspace exists), members whose role is too weak get
403, and members with the role get the page (200) or are redirected after a
write (302). Empty POSTs are enough: the access check comes before the form.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from departments.invites import invite_create
from departments.models import KPI, DecisionRight, Membership, Role, SharedGoal
from journeys.models import Persona
from valuestreams.models import Improvement
from workshop.models import Comment, Vote
from workshop.services import share_link_create

from .factories import DepartmentFactory, UserFactory, map_with_steps

pytestmark = pytest.mark.django_db

IDENTITIES = ["anonymous", "outsider", "viewer", "editor", "facilitator", "owner"]
RANK = {"viewer": 0, "editor": 1, "facilitator": 2, "owner": 3}


@dataclass(frozen=True)
class Case:
    """One view: its URL name, the kwargs it needs (besides slug), method, weakest role.

    `deny_only`: only the refusals are checked here (the view needs a real payload
    to succeed, and its own tests cover that).
    """

    name: str
    kwargs: tuple[str, ...]
    method: str
    role: str
    deny_only: bool = False

    def __str__(self) -> str:
        return f"{self.method} {self.name}"


def case(name: str, *kwargs: str, method: str = "GET", role: str = "viewer", **extra: Any) -> Case:
    return Case(name, kwargs, method, role, **extra)


def both(name: str, *kwargs: str, role: str) -> list[Case]:
    return [case(name, *kwargs, role=role), case(name, *kwargs, method="POST", role=role)]


CASES = [
    # Read pages: every member.
    case("workspace_home"),
    case("department_list"),
    case("department_detail", "department_id"),
    case("decision_right_list"),
    case("goal_list"),
    case("goal_detail", "goal_id"),
    case("persona_list"),
    case("map_list"),
    case("map_detail", "map_id"),
    case("map_download", "map_id"),
    *[case("map_export", "map_id", fmt) for fmt in ("pptx", "svg", "png", "pdf", "json")],
    case("improvement_list"),
    case("workspace_deck"),
    case("dashboard"),
    case("map_analysis_json", "map_id"),
    case("map_editor", "map_id"),
    case("map_present", "map_id"),
    case("map_history", "map_id"),
    # Departments, decision rights, goals, KPIs, personas, improvements: facilitators.
    *both("department_create", role="facilitator"),
    *both("department_edit", "department_id", role="facilitator"),
    *both("department_delete", "spare_department_id", role="facilitator"),
    *both("decision_right_create", role="facilitator"),
    *both("decision_right_edit", "decision_right_id", role="facilitator"),
    *both("decision_right_delete", "decision_right_id", role="facilitator"),
    *both("goal_create", role="facilitator"),
    *both("goal_edit", "goal_id", role="facilitator"),
    *both("kpi_create", "goal_id", role="facilitator"),
    *both("kpi_edit", "goal_id", "kpi_id", role="facilitator"),
    *both("kpi_reading_create", "goal_id", "kpi_id", role="facilitator"),
    *both("persona_create", role="facilitator"),
    *both("persona_edit", "persona_id", role="facilitator"),
    *both("improvement_create", role="facilitator"),
    *both("improvement_edit", "improvement_id", role="facilitator"),
    *both("decision_right_links", "decision_right_id", role="facilitator"),
    *both("kpi_map_metric_edit", "goal_id", "kpi_id", role="facilitator"),
    case("improvement_status", "improvement_id", method="POST", role="facilitator", deny_only=True),
    case("improvement_from_step", "map_id", "step_id", method="POST", role="facilitator"),
    # Maps: editors.
    *both("map_create", role="editor"),
    *both("map_import", role="editor"),
    *both("map_delete", "map_id", role="editor"),
    case("step_add", "map_id", method="POST", role="editor", deny_only=True),
    case("step_edit", "map_id", "step_id", method="POST", role="editor", deny_only=True),
    case("step_delete", "map_id", "step_id", method="POST", role="editor", deny_only=True),
    case("handoff_add", "map_id", method="POST", role="editor", deny_only=True),
    case("stage_add", "map_id", method="POST", role="editor", deny_only=True),
    case("lane_add", "map_id", method="POST", role="editor", deny_only=True),
    # Invite links: facilitators.
    *both("invite_list", role="facilitator"),
    case("invite_revoke", "invite_id", method="POST", role="facilitator"),
    # Share links of a map: facilitators.
    *both("share_list", "map_id", role="facilitator"),
    case("share_revoke", "map_id", "share_id", method="POST", role="facilitator"),
    # Workshop: every member is present, votes and comments; facilitators run votes.
    case("workshop_room", "map_id"),
    case("workshop_state", "map_id"),
    case("my_mentions"),
    case("presence_beat", "map_id", method="POST"),
    case("presence_leave", "map_id", method="POST", deny_only=True),
    case("vote_start", "map_id", method="POST", role="facilitator", deny_only=True),
    case("vote_close", "map_id", "vote_id", method="POST", role="facilitator"),
    case("vote_improvements", "map_id", "vote_id", method="POST", role="facilitator"),
    case("vote_dot", "map_id", "vote_id", method="POST", deny_only=True),
    case("comment_add", "map_id", method="POST", deny_only=True),
    case("comment_resolve", "map_id", "comment_id", method="POST", role="editor"),
    # Members: owners.
    *both("member_list", role="owner"),
    *both("member_edit", "membership_id", role="owner"),
    *both("member_remove", "membership_id", role="owner"),
    case("workspace_language", method="POST", role="owner"),
]


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    """Hundreds of users are made here; a slow password hash only costs time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(workspace: Any) -> dict[str, Any]:
    """One of everything in the workspace, keyed by URL kwarg name."""
    department = DepartmentFactory.create(workspace=workspace)
    goal = SharedGoal.objects.create(workspace=workspace, title="Faster", orchestrator=department)
    map_obj, (step, _) = map_with_steps(workspace)
    target = Membership.objects.create(
        workspace=workspace, user=UserFactory.create(), role=Role.VIEWER
    )
    return {
        "slug": workspace.slug,
        "department_id": department.pk,
        "spare_department_id": DepartmentFactory.create(workspace=workspace).pk,
        "decision_right_id": DecisionRight.objects.create(workspace=workspace, area="Budget").pk,
        "goal_id": goal.pk,
        "kpi_id": KPI.objects.create(goal=goal, name="Days", baseline=9, target=3).pk,
        "persona_id": Persona.objects.create(workspace=workspace, name="Sanne").pk,
        "map_id": map_obj.pk,
        "step_id": step.pk,
        "improvement_id": Improvement.objects.create(workspace=workspace, title="Stock").pk,
        "membership_id": target.pk,
        **{fmt: fmt for fmt in ("pptx", "svg", "png", "pdf", "json")},
        "vote_id": Vote.objects.create(
            map=map_obj, question="Q", ends_at=timezone.now() + timedelta(hours=1)
        ).pk,
        "comment_id": Comment.objects.create(map=map_obj, step=step, body="Hm").pk,
        "share_id": share_link_create(map_obj=map_obj, days=None)[0].pk,
        "invite_id": invite_create(workspace=workspace, role="viewer", days=1, max_uses=1)[0].pk,
    }


def url_of(item: Case, world: dict[str, Any]) -> str:
    kwargs = {"slug": world["slug"]}
    for key in item.kwargs:
        if key in ("pptx", "svg", "png", "pdf", "json"):
            kwargs["fmt"] = key  # the export format is a kwarg of its own
        else:
            kwargs[key.removeprefix("spare_")] = world[key]
    return reverse(item.name, kwargs=kwargs)


def expected_status(item: Case, identity: str) -> int | None:
    """The status the identity must get, or None for "allowed" (200 or 302)."""
    if identity == "anonymous":
        return 302
    if identity == "outsider":
        return 404
    if RANK[identity] < RANK[item.role]:
        return 403
    return None


def test_every_identity_of_the_matrix_is_checked() -> None:
    assert set(IDENTITIES) == {"anonymous", "outsider", *RANK}


# Allowed calls of "deny only" views need a real payload to succeed; the views' own
# tests cover them, so the matrix leaves them out rather than skipping them.
MATRIX = [
    (item, identity)
    for item in CASES
    for identity in IDENTITIES
    if not (item.deny_only and expected_status(item, identity) is None)
]


@pytest.mark.parametrize(("item", "identity"), MATRIX, ids=lambda v: str(v))
def test_the_permission_matrix(
    request: pytest.FixtureRequest, client: Any, world: dict[str, Any], item: Case, identity: str
) -> None:
    if identity != "anonymous":
        client.force_login(request.getfixturevalue(identity))
    expected = expected_status(item, identity)
    url = url_of(item, world)

    response = client.get(url) if item.method == "GET" else client.post(url)

    if expected is None:
        assert response.status_code in (200, 302), response.status_code
    else:
        assert response.status_code == expected
    if identity == "anonymous":
        assert response["Location"].startswith(reverse("login"))

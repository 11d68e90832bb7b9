"""The database refuses bad rows even when they are written past the forms.

Each test writes with `objects.create` or `queryset.update`, which skip model and
form validation, and expects the database (check constraints, unique constraints
or the cross-table triggers of the 0002 migrations) to raise IntegrityError.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from departments.models import KPI, GoalParticipant, KPIReading, Membership, Role, SharedGoal
from journeys.models import Persona
from valuestreams.models import Handoff, Improvement, Lane, Map, Step

from .factories import (
    DepartmentFactory,
    HandoffFactory,
    LaneFactory,
    MapFactory,
    StageFactory,
    StepFactory,
    UserFactory,
    map_with_steps,
)

pytestmark = pytest.mark.django_db


def refused(write: Callable[[], Any]) -> None:
    """Assert that `write` raises IntegrityError, inside its own savepoint."""
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def test_a_step_cannot_have_a_negative_process_time(workspace):
    step = StepFactory.create(map=MapFactory.create(workspace=workspace))
    refused(lambda: Step.objects.filter(pk=step.pk).update(process_time_minutes=-1))


def test_a_step_cannot_have_a_negative_lead_time(workspace):
    step = StepFactory.create(map=MapFactory.create(workspace=workspace), process_time_minutes=None)
    refused(lambda: Step.objects.filter(pk=step.pk).update(lead_time_minutes=-5))


def test_a_step_cannot_have_a_lead_time_below_its_process_time(workspace):
    map_obj = MapFactory.create(workspace=workspace)
    lane, stage = LaneFactory.create(map=map_obj), StageFactory.create(map=map_obj)
    refused(
        lambda: Step.objects.create(
            map=map_obj,
            lane=lane,
            stage=stage,
            title="Too fast",
            process_time_minutes=60,
            lead_time_minutes=30,
        )
    )


def test_a_step_cannot_be_more_than_100_percent_complete_and_accurate(workspace):
    step = StepFactory.create(map=MapFactory.create(workspace=workspace))
    refused(lambda: Step.objects.filter(pk=step.pk).update(complete_accurate_pct=100.5))


def test_a_step_cannot_have_an_emotion_of_3(workspace):
    step = StepFactory.create(map=MapFactory.create(workspace=workspace))
    refused(lambda: Step.objects.filter(pk=step.pk).update(emotion=3))


def test_a_step_cannot_have_an_emotion_of_minus_3(workspace):
    step = StepFactory.create(map=MapFactory.create(workspace=workspace))
    refused(lambda: Step.objects.filter(pk=step.pk).update(emotion=-3))


def test_a_handoff_cannot_lead_from_a_step_to_itself(workspace):
    map_obj, (first, _second) = map_with_steps(workspace)
    refused(lambda: Handoff.objects.create(map=map_obj, from_step=first, to_step=first))


def test_the_same_handoff_cannot_be_stored_twice(workspace):
    map_obj, (first, second) = map_with_steps(workspace)
    refused(lambda: Handoff.objects.create(map=map_obj, from_step=first, to_step=second))


def test_a_handoff_cannot_join_steps_of_two_maps(workspace):
    map_obj, (first, _second) = map_with_steps(workspace)
    _other_map, (other_step, _) = map_with_steps(workspace)
    refused(lambda: Handoff.objects.create(map=map_obj, from_step=first, to_step=other_step))


def test_a_handoff_cannot_be_moved_to_another_map(workspace):
    handoff = HandoffFactory.create(map=MapFactory.create(workspace=workspace))
    other_map = MapFactory.create(workspace=workspace)
    refused(lambda: Handoff.objects.filter(pk=handoff.pk).update(map=other_map))


def test_a_step_cannot_sit_in_a_lane_of_another_map(workspace):
    map_obj = MapFactory.create(workspace=workspace)
    foreign_lane = LaneFactory.create(map=MapFactory.create(workspace=workspace))
    stage = StageFactory.create(map=map_obj)
    refused(lambda: Step.objects.create(map=map_obj, lane=foreign_lane, stage=stage, title="Stray"))


def test_a_step_cannot_sit_in_a_stage_of_another_map(workspace):
    map_obj = MapFactory.create(workspace=workspace)
    lane = LaneFactory.create(map=map_obj)
    foreign_stage = StageFactory.create(map=MapFactory.create(workspace=workspace))
    refused(lambda: Step.objects.create(map=map_obj, lane=lane, stage=foreign_stage, title="Stray"))


def test_a_step_cannot_be_moved_into_a_stage_of_another_map(workspace):
    step = StepFactory.create(map=MapFactory.create(workspace=workspace))
    foreign_stage = StageFactory.create(map=MapFactory.create(workspace=workspace))
    refused(lambda: Step.objects.filter(pk=step.pk).update(stage=foreign_stage))


def test_a_lane_cannot_show_a_department_of_another_workspace(workspace, other_workspace):
    map_obj = MapFactory.create(workspace=workspace)
    foreign = DepartmentFactory.create(workspace=other_workspace)
    refused(lambda: Lane.objects.create(map=map_obj, department=foreign))


def test_a_map_cannot_follow_a_persona_of_another_workspace(workspace, other_workspace):
    persona = Persona.objects.create(workspace=other_workspace, name="Stranger")
    refused(lambda: Map.objects.create(workspace=workspace, name="Journey", persona=persona))


def test_a_map_cannot_be_given_a_persona_of_another_workspace_later(workspace, other_workspace):
    map_obj = MapFactory.create(workspace=workspace)
    persona = Persona.objects.create(workspace=other_workspace, name="Stranger")
    refused(lambda: Map.objects.filter(pk=map_obj.pk).update(persona=persona))


def test_a_department_colour_must_be_a_hex_colour(workspace):
    refused(lambda: DepartmentFactory.create(workspace=workspace, color="blue"))


def test_a_department_colour_cannot_be_changed_to_a_short_hex(workspace):
    department = DepartmentFactory.create(workspace=workspace)
    refused(lambda: type(department).objects.filter(pk=department.pk).update(color="#abc"))


def test_an_improvement_cannot_have_an_impact_of_6(workspace):
    refused(lambda: Improvement.objects.create(workspace=workspace, title="Big", impact=6))


def test_an_improvement_cannot_have_an_effort_of_0(workspace):
    refused(lambda: Improvement.objects.create(workspace=workspace, title="Free", effort=0))


def test_a_done_improvement_needs_a_done_date(workspace):
    refused(
        lambda: Improvement.objects.create(
            workspace=workspace, title="Finished", status="done", done_date=None
        )
    )


def test_an_improvement_cannot_point_at_a_map_of_another_workspace(workspace, other_workspace):
    foreign_map = MapFactory.create(workspace=other_workspace)
    refused(
        lambda: Improvement.objects.create(workspace=workspace, title="Theirs", map=foreign_map)
    )


def test_an_improvement_step_must_belong_to_its_map(workspace):
    map_obj = MapFactory.create(workspace=workspace)
    other_step = StepFactory.create(map=MapFactory.create(workspace=workspace))
    refused(
        lambda: Improvement.objects.create(
            workspace=workspace, title="Mixed", map=map_obj, step=other_step
        )
    )


def test_a_user_cannot_be_a_member_of_the_same_workspace_twice(workspace, editor):
    refused(lambda: Membership.objects.create(workspace=workspace, user=editor, role=Role.VIEWER))


def test_a_membership_role_must_be_a_known_role(workspace):
    user = UserFactory.create()
    refused(lambda: Membership.objects.create(workspace=workspace, user=user, role="king"))


def test_a_kpi_cannot_have_two_readings_on_the_same_date(workspace):
    goal = SharedGoal.objects.create(workspace=workspace, title="Faster")
    kpi = KPI.objects.create(goal=goal, name="Lead time", baseline=10, target=5)
    KPIReading.objects.create(kpi=kpi, date=dt.date(2025, 1, 1), value=9)
    refused(lambda: KPIReading.objects.create(kpi=kpi, date=dt.date(2025, 1, 1), value=8))


def test_a_goal_participant_must_be_a_department_of_the_goal_workspace(workspace, other_workspace):
    goal = SharedGoal.objects.create(workspace=workspace, title="Together")
    foreign = DepartmentFactory.create(workspace=other_workspace)
    refused(lambda: GoalParticipant.objects.create(goal=goal, department=foreign))


def test_a_goal_participant_cannot_carry_more_than_all_of_the_risk(workspace):
    goal = SharedGoal.objects.create(workspace=workspace, title="Together")
    department = DepartmentFactory.create(workspace=workspace)
    refused(
        lambda: GoalParticipant.objects.create(goal=goal, department=department, risk_share_pct=101)
    )


def test_a_goal_orchestrator_must_be_a_department_of_the_goal_workspace(workspace, other_workspace):
    foreign = DepartmentFactory.create(workspace=other_workspace)
    refused(
        lambda: SharedGoal.objects.create(workspace=workspace, title="Led", orchestrator=foreign)
    )


def test_a_decision_right_cannot_name_a_department_of_another_workspace(workspace, other_workspace):
    right = workspace.decision_rights.create(area="Budget")
    foreign = DepartmentFactory.create(workspace=other_workspace)
    refused(lambda: right.departments.add(foreign))


ON_SQLITE = connection.vendor == "sqlite"


def refused_at_commit(write: Callable[[], Any]) -> None:
    """Like `refused`, for rules PostgreSQL checks at commit: checked here and now."""
    with pytest.raises(IntegrityError), transaction.atomic():
        write()
        connection.check_constraints()


@pytest.mark.skipif(ON_SQLITE, reason="SQLite cannot defer a unique constraint; it has none")
def test_two_steps_cannot_share_a_place_in_their_cell(workspace):
    _map, (first, _second) = map_with_steps(workspace)
    refused_at_commit(
        lambda: StepFactory.create(
            map=first.map, lane=first.lane, stage=first.stage, position=first.position
        )
    )


def test_the_last_owner_cannot_be_demoted_past_the_forms(workspace, owner):
    membership = Membership.objects.get(user=owner)
    refused_at_commit(lambda: Membership.objects.filter(pk=membership.pk).update(role=Role.EDITOR))


@pytest.mark.skipif(ON_SQLITE, reason="SQLite cannot tell a removal from a workspace's cascade")
def test_the_last_owner_cannot_be_removed_past_the_forms(workspace, owner):
    membership = Membership.objects.get(user=owner)
    refused_at_commit(lambda: Membership.objects.filter(pk=membership.pk).delete())


def test_an_owner_can_go_while_another_owner_stays(workspace, owner, facilitator):
    Membership.objects.filter(user=facilitator).update(role=Role.OWNER)
    with transaction.atomic():
        Membership.objects.filter(user=owner).delete()
        connection.check_constraints()
    assert Membership.objects.filter(workspace=workspace, role=Role.OWNER).count() == 1


def test_a_workspace_is_deleted_with_its_owners(workspace, owner):
    with transaction.atomic():
        workspace.delete()
        connection.check_constraints()
    assert not Membership.objects.filter(user=owner).exists()

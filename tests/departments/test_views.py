"""Write pages of the departments app: departments, decision rights, goals, KPIs, members.

Roles and foreign workspaces are covered for every view in tests/test_permissions.py
and tests/test_foreign_workspace.py; here: what each page does, and bad input.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from departments.models import (
    KPI,
    DecisionRight,
    Department,
    GoalParticipant,
    KPIReading,
    Membership,
    Role,
    SharedGoal,
)

from ..factories import DepartmentFactory, LaneFactory, MapFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_facilitator(client, facilitator):
    client.force_login(facilitator)
    return client


@pytest.fixture
def as_owner(client, owner):
    client.force_login(owner)
    return client


def department_data(**overrides):
    data = {"name": "Legal", "short_name": "LEG", "color": "#112233", "recognised_for": ""}
    data.update(overrides)
    return data


def test_a_facilitator_adds_a_department(as_facilitator, workspace):
    response = as_facilitator.post(
        reverse("department_create", args=[workspace.slug]), department_data()
    )

    department = Department.objects.get(workspace=workspace, name="Legal")
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "department_detail", args=[workspace.slug, department.pk]
    )


def test_the_new_department_page_shows_the_form(as_facilitator, workspace):
    response = as_facilitator.get(reverse("department_create", args=[workspace.slug]))

    assert response.status_code == 200
    assert b'name="color"' in response.content


def test_a_department_colour_that_is_not_hex_is_refused_in_place(as_facilitator, workspace):
    response = as_facilitator.post(
        reverse("department_create", args=[workspace.slug]), department_data(color="blue")
    )

    assert response.status_code == 200
    assert "Use a hex colour like #4C78A8." in response.text
    assert 'aria-invalid="true"' in response.text
    assert 'value="Legal"' in response.text  # nothing typed is lost
    assert not Department.objects.filter(name="Legal").exists()


def test_a_duplicate_department_name_is_refused(as_facilitator, workspace):
    DepartmentFactory.create(workspace=workspace, name="Legal")

    response = as_facilitator.post(
        reverse("department_create", args=[workspace.slug]), department_data(name="legal")
    )

    assert "A department with this name already exists." in response.text
    assert Department.objects.filter(workspace=workspace).count() == 1


def test_the_same_department_name_is_fine_in_another_workspace(
    as_facilitator, workspace, other_workspace
):
    DepartmentFactory.create(workspace=other_workspace, name="Legal")

    response = as_facilitator.post(
        reverse("department_create", args=[workspace.slug]), department_data()
    )

    assert response.status_code == 302


def test_a_blank_department_name_is_refused(as_facilitator, workspace):
    response = as_facilitator.post(
        reverse("department_create", args=[workspace.slug]), department_data(name="   ")
    )

    assert response.status_code == 200
    assert not Department.objects.exists()


def test_a_facilitator_edits_a_department(as_facilitator, workspace):
    department = DepartmentFactory.create(workspace=workspace, name="Legal")

    response = as_facilitator.post(
        reverse("department_edit", args=[workspace.slug, department.pk]),
        department_data(name="Legal affairs", strengths="Careful"),
    )

    department.refresh_from_db()
    assert response.status_code == 302
    assert (department.name, department.strengths) == ("Legal affairs", "Careful")


def test_editing_a_department_keeps_its_own_name_allowed(as_facilitator, workspace):
    department = DepartmentFactory.create(workspace=workspace, name="Legal")

    response = as_facilitator.post(
        reverse("department_edit", args=[workspace.slug, department.pk]), department_data()
    )

    assert response.status_code == 302


def test_a_facilitator_deletes_an_unused_department_after_confirming(as_facilitator, workspace):
    department = DepartmentFactory.create(workspace=workspace)
    url = reverse("department_delete", args=[workspace.slug, department.pk])

    assert as_facilitator.get(url).status_code == 200
    response = as_facilitator.post(url)

    assert response.status_code == 302
    assert not Department.objects.filter(pk=department.pk).exists()


def test_a_department_with_lanes_on_maps_is_not_deleted(as_facilitator, workspace):
    map_obj = MapFactory.create(workspace=workspace, name="Onboarding")
    lane = LaneFactory.create(map=map_obj)

    response = as_facilitator.post(
        reverse("department_delete", args=[workspace.slug, lane.department.pk]), follow=True
    )

    assert response.status_code == 200
    assert "cannot be deleted: it is a lane on Onboarding" in response.text
    assert Department.objects.filter(pk=lane.department.pk).exists()


def test_the_department_list_shows_buttons_only_to_facilitators(client, workspace, viewer):
    url = reverse("department_list", args=[workspace.slug])
    client.force_login(viewer)

    assert reverse("department_create", args=[workspace.slug]) not in client.get(url).text


def test_the_department_list_shows_the_new_button_to_a_facilitator(as_facilitator, workspace):
    url = reverse("department_list", args=[workspace.slug])

    assert reverse("department_create", args=[workspace.slug]) in as_facilitator.get(url).text


def test_a_facilitator_records_a_decision_right(as_facilitator, workspace):
    hr, it = (
        DepartmentFactory.create(workspace=workspace),
        DepartmentFactory.create(workspace=workspace),
    )

    response = as_facilitator.post(
        reverse("decision_right_create", args=[workspace.slug]),
        {"area": "Laptops", "status": "shared", "departments": [hr.pk, it.pk]},
    )

    right = DecisionRight.objects.get(area="Laptops")
    assert response.status_code == 302
    assert set(right.departments.all()) == {hr, it}


def test_a_decision_right_cannot_name_a_foreign_department(
    as_facilitator, workspace, other_workspace
):
    foreign = DepartmentFactory.create(workspace=other_workspace)

    response = as_facilitator.post(
        reverse("decision_right_create", args=[workspace.slug]),
        {"area": "Laptops", "status": "shared", "departments": [foreign.pk]},
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not DecisionRight.objects.exists()


def test_a_duplicate_decision_area_is_refused(as_facilitator, workspace):
    DecisionRight.objects.create(workspace=workspace, area="Laptops")

    response = as_facilitator.post(
        reverse("decision_right_create", args=[workspace.slug]),
        {"area": "Laptops", "status": "owned"},
    )

    assert "This decision area is already recorded." in response.text
    assert DecisionRight.objects.count() == 1


def test_a_facilitator_edits_and_deletes_a_decision_right(as_facilitator, workspace):
    right = DecisionRight.objects.create(workspace=workspace, area="Laptops")

    as_facilitator.post(
        reverse("decision_right_edit", args=[workspace.slug, right.pk]),
        {"area": "Laptop stock", "status": "owned"},
    )
    right.refresh_from_db()
    assert (right.area, right.status) == ("Laptop stock", "owned")

    as_facilitator.post(reverse("decision_right_delete", args=[workspace.slug, right.pk]))
    assert not DecisionRight.objects.exists()


def test_the_decision_right_list_shows_every_right(client, workspace, viewer):
    DecisionRight.objects.create(workspace=workspace, area="Laptops", status="unclear")
    client.force_login(viewer)

    response = client.get(reverse("decision_right_list", args=[workspace.slug]))

    assert "Laptops" in response.text
    assert reverse("decision_right_create", args=[workspace.slug]) not in response.text


def goal_data(departments=(), **overrides):
    data = {
        "title": "Ready on day one",
        "why": "",
        "orchestrator": "",
        "status": "active",
        "due_date": "",
        "participants-TOTAL_FORMS": str(max(len(departments), 1)),
        "participants-INITIAL_FORMS": "0",
        "participants-MIN_NUM_FORMS": "0",
        "participants-MAX_NUM_FORMS": "1000",
    }
    for i, (department, role, risk, reward) in enumerate(departments):
        data.update(
            {
                f"participants-{i}-department": department.pk,
                f"participants-{i}-role": role,
                f"participants-{i}-risk_share_pct": risk,
                f"participants-{i}-reward_share_pct": reward,
            }
        )
    data.update(overrides)
    return data


def test_a_facilitator_creates_a_goal_with_its_departments(as_facilitator, workspace):
    hr, it = (
        DepartmentFactory.create(workspace=workspace),
        DepartmentFactory.create(workspace=workspace),
    )

    response = as_facilitator.post(
        reverse("goal_create", args=[workspace.slug]),
        goal_data([(hr, "lead", 60, 50), (it, "contributor", 40, 50)], orchestrator=hr.pk),
    )

    goal = SharedGoal.objects.get(title="Ready on day one")
    assert response.status_code == 302
    assert goal.orchestrator == hr
    assert {(p.department, p.role, p.risk_share_pct) for p in goal.participants.all()} == {
        (hr, "lead", 60),
        (it, "contributor", 40),
    }


def test_the_new_goal_page_shows_the_participant_rows(as_facilitator, workspace):
    response = as_facilitator.get(reverse("goal_create", args=[workspace.slug]))

    assert response.status_code == 200
    assert 'name="participants-0-department"' in response.text


def test_a_risk_share_above_100_is_refused_and_nothing_is_saved(as_facilitator, workspace):
    hr = DepartmentFactory.create(workspace=workspace)

    response = as_facilitator.post(
        reverse("goal_create", args=[workspace.slug]), goal_data([(hr, "lead", 120, 50)])
    )

    assert response.status_code == 200
    assert "less than or equal to 100" in response.text
    assert not SharedGoal.objects.exists()


def test_a_department_listed_twice_in_a_goal_is_refused(as_facilitator, workspace):
    hr = DepartmentFactory.create(workspace=workspace)

    response = as_facilitator.post(
        reverse("goal_create", args=[workspace.slug]),
        goal_data([(hr, "lead", 50, 50), (hr, "contributor", 50, 50)]),
    )

    assert "Please correct the duplicate data for department" in response.text
    assert not SharedGoal.objects.exists()


def test_a_goal_orchestrator_from_another_workspace_is_refused(
    as_facilitator, workspace, other_workspace
):
    foreign = DepartmentFactory.create(workspace=other_workspace)

    response = as_facilitator.post(
        reverse("goal_create", args=[workspace.slug]), goal_data(orchestrator=foreign.pk)
    )

    assert "Select a valid choice" in response.text
    assert not SharedGoal.objects.exists()


def test_a_participant_from_another_workspace_is_refused(
    as_facilitator, workspace, other_workspace
):
    foreign = DepartmentFactory.create(workspace=other_workspace)

    as_facilitator.post(
        reverse("goal_create", args=[workspace.slug]), goal_data([(foreign, "lead", 10, 10)])
    )

    assert not GoalParticipant.objects.exists()


def test_a_duplicate_goal_title_is_refused(as_facilitator, workspace):
    SharedGoal.objects.create(workspace=workspace, title="Ready on day one")

    response = as_facilitator.post(reverse("goal_create", args=[workspace.slug]), goal_data())

    assert "A shared goal with this title already exists." in response.text


def test_a_facilitator_edits_a_goal_and_removes_a_participant(as_facilitator, workspace):
    hr = DepartmentFactory.create(workspace=workspace)
    goal = SharedGoal.objects.create(workspace=workspace, title="Ready on day one")
    participant = GoalParticipant.objects.create(goal=goal, department=hr)
    data = goal_data(
        [(hr, "lead", 0, 0)],
        status="achieved",
        **{
            "participants-INITIAL_FORMS": "1",
            "participants-0-id": participant.pk,
            "participants-0-DELETE": "on",
        },
    )

    response = as_facilitator.post(reverse("goal_edit", args=[workspace.slug, goal.pk]), data)

    goal.refresh_from_db()
    assert response.status_code == 302
    assert goal.status == "achieved"
    assert not goal.participants.exists()


@pytest.fixture
def goal(workspace):
    return SharedGoal.objects.create(workspace=workspace, title="Faster")


@pytest.fixture
def kpi(goal):
    return KPI.objects.create(goal=goal, name="Lead time", baseline=10, target=5)


def test_a_facilitator_adds_a_kpi(as_facilitator, workspace, goal):
    response = as_facilitator.post(
        reverse("kpi_create", args=[workspace.slug, goal.pk]),
        {"name": "Calls", "unit": "calls", "baseline": "3", "target": "1", "direction": "lower"},
    )

    assert response.status_code == 302
    assert goal.kpis.get().name == "Calls"


def test_a_kpi_without_numbers_is_refused(as_facilitator, workspace, goal):
    response = as_facilitator.post(
        reverse("kpi_create", args=[workspace.slug, goal.pk]),
        {"name": "Calls", "baseline": "many", "target": "", "direction": "lower"},
    )

    assert response.status_code == 200
    assert "Enter a number." in response.text
    assert not KPI.objects.exists()


def test_a_duplicate_kpi_name_is_refused(as_facilitator, workspace, goal, kpi):
    response = as_facilitator.post(
        reverse("kpi_create", args=[workspace.slug, goal.pk]),
        {"name": "Lead time", "baseline": "1", "target": "2", "direction": "higher"},
    )

    assert "This goal already has a KPI with this name." in response.text


def test_a_facilitator_edits_a_kpi(as_facilitator, workspace, goal, kpi):
    as_facilitator.post(
        reverse("kpi_edit", args=[workspace.slug, goal.pk, kpi.pk]),
        {"name": "Lead time", "baseline": "10", "target": "3", "direction": "lower"},
    )

    kpi.refresh_from_db()
    assert kpi.target == 3


def test_a_facilitator_adds_a_kpi_reading(as_facilitator, workspace, goal, kpi):
    response = as_facilitator.post(
        reverse("kpi_reading_create", args=[workspace.slug, goal.pk, kpi.pk]),
        {"date": "2025-03-01", "value": "8.5", "note": "after the pilot"},
    )

    assert response.status_code == 302
    assert kpi.readings.get().value == 8.5


def test_a_second_reading_on_the_same_date_is_refused(as_facilitator, workspace, goal, kpi):
    KPIReading.objects.create(kpi=kpi, date=dt.date(2025, 3, 1), value=9)

    response = as_facilitator.post(
        reverse("kpi_reading_create", args=[workspace.slug, goal.pk, kpi.pk]),
        {"date": "2025-03-01", "value": "8.5"},
    )

    assert response.status_code == 200
    assert "There is already a reading on this date" in response.text
    assert kpi.readings.count() == 1


def test_a_kpi_of_another_goal_is_not_found_under_this_goal(as_facilitator, workspace, kpi):
    other_goal = SharedGoal.objects.create(workspace=workspace, title="Other")

    response = as_facilitator.get(
        reverse("kpi_reading_create", args=[workspace.slug, other_goal.pk, kpi.pk])
    )

    assert response.status_code == 404


def test_the_members_page_lists_members_with_their_roles(as_owner, workspace, editor):
    response = as_owner.get(reverse("member_list", args=[workspace.slug]))

    assert response.status_code == 200
    assert "editor" in response.text


def test_an_owner_adds_an_existing_user_by_username(as_owner, workspace):
    newcomer = UserFactory.create(username="newcomer")

    response = as_owner.post(
        reverse("member_list", args=[workspace.slug]), {"username": "Newcomer", "role": "editor"}
    )

    assert response.status_code == 302
    assert Membership.objects.get(workspace=workspace, user=newcomer).role == Role.EDITOR


def test_an_unknown_username_is_refused(as_owner, workspace):
    response = as_owner.post(
        reverse("member_list", args=[workspace.slug]), {"username": "ghost", "role": "viewer"}
    )

    assert response.status_code == 200
    assert "No user has this username." in response.text


def test_an_existing_member_is_not_added_twice(as_owner, workspace, editor):
    response = as_owner.post(
        reverse("member_list", args=[workspace.slug]), {"username": "editor", "role": "viewer"}
    )

    assert "This user is already a member." in response.text
    assert Membership.objects.get(workspace=workspace, user=editor).role == Role.EDITOR


def test_an_owner_changes_a_role(as_owner, workspace, editor):
    membership = Membership.objects.get(workspace=workspace, user=editor)

    response = as_owner.post(
        reverse("member_edit", args=[workspace.slug, membership.pk]),
        {f"m{membership.pk}-role": "facilitator"},
    )

    membership.refresh_from_db()
    assert response.status_code == 302
    assert membership.role == Role.FACILITATOR


def test_the_last_owner_cannot_be_demoted(as_owner, workspace, owner):
    membership = Membership.objects.get(workspace=workspace, user=owner)

    response = as_owner.post(
        reverse("member_edit", args=[workspace.slug, membership.pk]),
        {f"m{membership.pk}-role": "viewer"},
    )

    membership.refresh_from_db()
    assert response.status_code == 200
    assert "A workspace needs at least one owner" in response.text
    assert membership.role == Role.OWNER


def test_an_owner_can_step_down_when_another_owner_remains(as_owner, workspace, owner):
    Membership.objects.create(workspace=workspace, user=UserFactory.create(), role=Role.OWNER)
    membership = Membership.objects.get(workspace=workspace, user=owner)

    response = as_owner.post(
        reverse("member_edit", args=[workspace.slug, membership.pk]),
        {f"m{membership.pk}-role": "editor"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("workspace_home", args=[workspace.slug])


def test_an_owner_removes_a_member_after_confirming(as_owner, workspace, viewer):
    membership = Membership.objects.get(workspace=workspace, user=viewer)
    url = reverse("member_remove", args=[workspace.slug, membership.pk])

    assert as_owner.get(url).status_code == 200
    response = as_owner.post(url)

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_last_owner_cannot_be_removed(as_owner, workspace, owner):
    membership = Membership.objects.get(workspace=workspace, user=owner)

    response = as_owner.post(
        reverse("member_remove", args=[workspace.slug, membership.pk]), follow=True
    )

    assert "is the last owner and cannot be removed" in response.text
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_the_members_link_shows_only_for_owners(client, workspace, facilitator):
    client.force_login(facilitator)

    response = client.get(reverse("department_list", args=[workspace.slug]))

    assert reverse("member_list", args=[workspace.slug]) not in response.text

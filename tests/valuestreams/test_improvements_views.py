"""The improvement board: quick wins first, and the form's map and step rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from valuestreams.models import Improvement

from ..factories import MapFactory, map_with_steps

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_facilitator(client, facilitator):
    client.force_login(facilitator)
    return client


def improvement_data(**overrides):
    data = {
        "title": "Stock laptops",
        "description": "",
        "map": "",
        "step": "",
        "impact": "4",
        "effort": "2",
        "status": "idea",
        "owner": "",
        "done_date": "",
    }
    data.update(overrides)
    return data


def test_the_board_puts_quick_wins_first_in_their_column(client, workspace, viewer):
    Improvement.objects.create(workspace=workspace, title="Big project", impact=5, effort=5)
    Improvement.objects.create(workspace=workspace, title="Small fix", impact=4, effort=1)
    Improvement.objects.create(workspace=workspace, title="Meh", impact=2, effort=1)
    client.force_login(viewer)

    response = client.get(reverse("improvement_list", args=[workspace.slug]))

    ideas = next(items for status, _, items in response.context["columns"] if status == "idea")
    assert [i.title for i in ideas] == ["Small fix", "Big project", "Meh"]
    assert "Quick win" in response.text
    assert reverse("improvement_create", args=[workspace.slug]) not in response.text


def test_the_board_has_a_column_per_status(client, workspace, viewer):
    client.force_login(viewer)

    response = client.get(reverse("improvement_list", args=[workspace.slug]))

    assert [c[0] for c in response.context["columns"]] == ["idea", "planned", "doing", "done"]


def test_a_facilitator_adds_an_improvement_on_a_step(as_facilitator, workspace, facilitator):
    map_obj, (step, _) = map_with_steps(workspace)

    response = as_facilitator.post(
        reverse("improvement_create", args=[workspace.slug]),
        improvement_data(map=map_obj.pk, step=step.pk),
    )

    improvement = Improvement.objects.get()
    assert response.status_code == 302
    assert (improvement.map, improvement.step) == (map_obj, step)
    assert improvement.created_by == facilitator


def test_a_step_without_a_map_takes_the_step_map(as_facilitator, workspace):
    map_obj, (step, _) = map_with_steps(workspace)

    as_facilitator.post(
        reverse("improvement_create", args=[workspace.slug]), improvement_data(step=step.pk)
    )

    assert Improvement.objects.get().map == map_obj


def test_a_step_of_another_map_is_refused_in_place(as_facilitator, workspace):
    map_obj = MapFactory.create(workspace=workspace)
    _, (other_step, _) = map_with_steps(workspace)

    response = as_facilitator.post(
        reverse("improvement_create", args=[workspace.slug]),
        improvement_data(map=map_obj.pk, step=other_step.pk),
    )

    assert response.status_code == 200
    assert "This step is not on the chosen map." in response.text
    assert not Improvement.objects.exists()


def test_a_map_of_another_workspace_is_refused(as_facilitator, workspace, other_workspace):
    foreign = MapFactory.create(workspace=other_workspace)

    response = as_facilitator.post(
        reverse("improvement_create", args=[workspace.slug]), improvement_data(map=foreign.pk)
    )

    assert "Select a valid choice" in response.text
    assert not Improvement.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("impact", "6"), ("effort", "0"), ("impact", "x")])
def test_impact_and_effort_outside_1_to_5_are_refused(as_facilitator, workspace, field, value):
    response = as_facilitator.post(
        reverse("improvement_create", args=[workspace.slug]), improvement_data(**{field: value})
    )

    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.text
    assert not Improvement.objects.exists()


def test_marking_done_without_a_date_sets_today(as_facilitator, workspace):
    improvement = Improvement.objects.create(workspace=workspace, title="Stock laptops")

    response = as_facilitator.post(
        reverse("improvement_edit", args=[workspace.slug, improvement.pk]),
        improvement_data(status="done"),
    )

    improvement.refresh_from_db()
    assert response.status_code == 302
    assert improvement.done_date == dt.date.today()


def test_marking_done_keeps_a_given_date(as_facilitator, workspace):
    improvement = Improvement.objects.create(workspace=workspace, title="Stock laptops")

    as_facilitator.post(
        reverse("improvement_edit", args=[workspace.slug, improvement.pk]),
        improvement_data(status="done", done_date="2025-02-03"),
    )

    improvement.refresh_from_db()
    assert improvement.done_date == dt.date(2025, 2, 3)


def test_the_new_improvement_form_can_start_on_a_map(as_facilitator, workspace):
    map_obj = MapFactory.create(workspace=workspace)

    response = as_facilitator.get(
        reverse("improvement_create", args=[workspace.slug]) + f"?map={map_obj.pk}"
    )

    assert f'<option value="{map_obj.pk}" selected>' in response.text

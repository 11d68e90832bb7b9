"""The improvement board: moving cards (htmx and plain POST), cards from a step's texts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from valuestreams.models import Improvement, Step

from ..factories import map_with_steps

pytestmark = pytest.mark.django_db


@pytest.fixture
def card(workspace: Any) -> Improvement:
    return Improvement.objects.create(workspace=workspace, title="Stock laptops")


def move(client: Any, card: Improvement, status: str, **headers: Any) -> Any:
    url = reverse("improvement_status", args=[card.workspace.slug, card.pk])
    return client.post(url, {"status": status}, **headers)


def test_a_facilitator_moves_a_card_with_htmx_and_gets_the_board_back(client, facilitator, card):
    client.force_login(facilitator)

    response = move(client, card, "doing", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert response.content.lstrip().startswith(b'<div class="board" id="board">')
    assert b"<html" not in response.content
    card.refresh_from_db()
    assert card.status == "doing"


def test_without_htmx_a_move_redirects_to_the_board(client, facilitator, card):
    client.force_login(facilitator)

    response = move(client, card, "planned")

    assert response.status_code == 302
    assert response["Location"] == reverse("improvement_list", args=[card.workspace.slug])


def test_a_card_moved_to_done_gets_today_and_loses_it_when_moved_back(client, facilitator, card):
    client.force_login(facilitator)

    move(client, card, "done")
    card.refresh_from_db()
    assert card.done_date == timezone.localdate()

    move(client, card, "doing")
    card.refresh_from_db()
    assert (card.status, card.done_date) == ("doing", None)


def test_a_done_card_keeps_its_date_when_moved_to_done_again(client, facilitator, workspace):
    card = Improvement.objects.create(
        workspace=workspace, title="Old win", status="done", done_date=dt.date(2026, 1, 5)
    )
    client.force_login(facilitator)

    move(client, card, "done")

    card.refresh_from_db()
    assert card.done_date == dt.date(2026, 1, 5)


def test_an_unknown_column_is_refused_and_changes_nothing(client, facilitator, card):
    client.force_login(facilitator)

    response = move(client, card, "someday")

    assert response.status_code == 400
    card.refresh_from_db()
    assert card.status == "idea"


def test_an_editor_may_not_move_cards(client, editor, card):
    client.force_login(editor)

    assert move(client, card, "done").status_code == 403
    card.refresh_from_db()
    assert card.status == "idea"


@pytest.fixture
def step(workspace: Any) -> Any:
    _map, (first, _second) = map_with_steps(workspace)
    Step.objects.filter(pk=first.pk).update(
        pain_points=["Form asks for  a cost centre"], opportunities=["Pre-fill the form"]
    )
    first.refresh_from_db()
    return first


def from_step(client: Any, step: Step, kind: str, index: Any) -> Any:
    url = reverse("improvement_from_step", args=[step.map.workspace.slug, step.map_id, step.pk])
    return client.post(url, {"kind": kind, "index": index})


def test_a_pain_point_becomes_a_card_linked_to_its_step_in_one_click(client, facilitator, step):
    client.force_login(facilitator)

    response = from_step(client, step, "pain_point", 0)

    assert response.status_code == 302
    card = Improvement.objects.get(step=step)
    assert (card.title, card.map_id, card.status) == (
        "Form asks for a cost centre",
        step.map_id,
        "idea",
    )
    assert card.created_by == facilitator


def test_the_same_text_twice_makes_one_card(client, facilitator, step):
    client.force_login(facilitator)

    from_step(client, step, "opportunity", 0)
    from_step(client, step, "opportunity", 0)

    assert Improvement.objects.filter(step=step).count() == 1


@pytest.mark.parametrize(("kind", "index"), [("pain_point", 5), ("opportunity", -1), ("x", 0)])
def test_a_text_that_is_not_on_the_step_makes_no_card(client, facilitator, step, kind, index):
    client.force_login(facilitator)

    response = client.get(
        from_step(client, step, kind, index)["Location"].split("#")[0], follow=True
    )

    assert not Improvement.objects.exists()
    assert b"no longer on the step" in response.content


def test_the_map_page_offers_the_board_button_to_facilitators_only(
    client, facilitator, viewer, step
):
    url = reverse("map_detail", args=[step.map.workspace.slug, step.map_id])
    client.force_login(viewer)
    assert b"improvement/" not in client.get(url).content
    client.force_login(facilitator)
    assert b"improvement/" in client.get(url).content


def test_the_board_shows_the_quick_win_matrix(client, viewer, workspace):
    Improvement.objects.create(workspace=workspace, title="Quick one", impact=5, effort=1)
    client.force_login(viewer)

    response = client.get(reverse("improvement_list", args=[workspace.slug]))

    impact_five = dict(response.context["matrix"])[5]
    assert [i.title for i in impact_five[0].items] == ["Quick one"]
    assert impact_five[0].quick

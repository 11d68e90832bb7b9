"""The workshop panel: presence, dot voting, improvement cards, comments and mentions."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from departments.models import Membership, Role
from valuestreams.models import Improvement
from workshop.models import Comment, Dot, Mention, Presence, Vote
from workshop.services import VoteError, dot_add, vote_start

from ..factories import UserFactory, map_with_steps

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(workspace):
    map_obj, steps = map_with_steps(workspace)
    return map_obj, steps


def url(name, map_obj, *args):
    return reverse(name, args=[map_obj.workspace.slug, map_obj.pk, *args])


def test_a_heartbeat_shows_who_is_here_and_where_then_they_fade(client, viewer, editor, board):
    map_obj, (first, _second) = board
    viewer.first_name, viewer.last_name = "Sanne", "de Vries"
    viewer.save()
    client.force_login(viewer)
    client.post(url("presence_beat", map_obj), {"step": first.pk})
    client.force_login(editor)

    state = client.post(url("presence_beat", map_obj), {"step": ""}).json()

    people = {p["name"]: p for p in state["presence"]}
    assert people["Sanne de Vries"]["step"] == first.pk
    assert people["Sanne de Vries"]["initials"] == "SD"
    assert people["editor"]["me"] is True and people["editor"]["step"] is None
    Presence.objects.filter(user=viewer).update(seen_at=timezone.now() - timedelta(seconds=16))
    names = [p["name"] for p in client.get(url("workshop_state", map_obj)).json()["presence"]]
    assert names == ["editor"]


def test_leaving_removes_presence_at_once(client, viewer, board):
    map_obj, _ = board
    client.force_login(viewer)
    client.post(url("presence_beat", map_obj))

    assert client.post(url("presence_leave", map_obj)).status_code == 204

    assert not Presence.objects.exists()


def test_a_step_of_another_map_is_not_recorded_as_selected(client, viewer, workspace, board):
    map_obj, _ = board
    _other, (foreign, _) = map_with_steps(workspace)
    client.force_login(viewer)

    client.post(url("presence_beat", map_obj), {"step": foreign.pk})

    assert Presence.objects.get().step_id is None


def start(client, map_obj, dots=2, minutes=10):
    return client.post(
        url("vote_start", map_obj), {"question": "Worst?", "dots": dots, "minutes": minutes}
    )


def test_a_facilitator_starts_a_vote_and_members_place_their_dots(
    client, facilitator, viewer, board
):
    map_obj, (first, second) = board
    client.force_login(facilitator)
    assert start(client, map_obj).status_code == 302
    vote = Vote.objects.get()
    client.force_login(viewer)
    dot = url("vote_dot", map_obj, vote.pk)

    for step in (first, first):
        assert client.post(dot, {"step": step.pk, "action": "add"}).status_code == 302
    refused = client.post(dot, {"step": second.pk}, HTTP_HX_REQUEST="true")

    assert refused.status_code == 409
    assert "You have placed all your dots." in refused.content.decode()
    assert client.get(url("workshop_state", map_obj)).json()["dots"] == {str(first.pk): 2}
    client.post(dot, {"step": first.pk, "action": "remove"})
    client.post(dot, {"step": second.pk, "action": "add"})
    state = client.get(url("workshop_state", map_obj)).json()
    assert state["dots"] == {str(first.pk): 1, str(second.pk): 1}
    page = client.get(url("workshop_room", map_obj)).content.decode()
    assert "You have 0 of 2 dots left." in page


@pytest.mark.parametrize(
    ("field", "value"), [("dots", 0), ("dots", 21), ("minutes", 0), ("question", "")]
)
def test_bad_vote_settings_are_refused_with_a_message(client, facilitator, board, field, value):
    map_obj, _ = board
    client.force_login(facilitator)
    data = {"question": "Worst?", "dots": 3, "minutes": 5, field: value}

    response = client.post(url("vote_start", map_obj), data, HTTP_HX_REQUEST="true")

    assert response.status_code == 422
    assert "Please correct the errors below." in response.content.decode()
    assert not Vote.objects.exists()


def test_only_one_vote_is_open_per_map(client, facilitator, board):
    map_obj, _ = board
    client.force_login(facilitator)
    start(client, map_obj)

    response = client.post(
        url("vote_start", map_obj),
        {"question": "Again", "dots": 3, "minutes": 5},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 409
    assert "A vote is already open" in response.content.decode()
    assert Vote.objects.count() == 1


def test_a_vote_past_its_end_takes_no_dots(facilitator, viewer, board):
    map_obj, (first, _) = board
    vote = vote_start(map_obj=map_obj, question="Q", dots=3, minutes=1, user=facilitator)
    Vote.objects.filter(pk=vote.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    vote.refresh_from_db()

    with pytest.raises(VoteError, match="ended"):
        dot_add(vote=vote, user=viewer, step_id=first.pk)


def test_a_dot_on_a_step_of_another_map_is_refused(facilitator, viewer, workspace, board):
    map_obj, _ = board
    _other, (foreign, _) = map_with_steps(workspace)
    vote = vote_start(map_obj=map_obj, question="Q", dots=3, minutes=5, user=facilitator)

    with pytest.raises(VoteError, match="not on the map"):
        dot_add(vote=vote, user=viewer, step_id=foreign.pk)
    assert not Dot.objects.exists()


def test_closing_offers_the_top_steps_as_improvement_cards_linked_to_them(
    client, facilitator, viewer, editor, board
):
    map_obj, (first, second) = board
    vote = vote_start(map_obj=map_obj, question="Worst?", dots=3, minutes=5, user=facilitator)
    for user, step in [(viewer, first), (editor, first), (editor, second)]:
        dot_add(vote=vote, user=user, step_id=step.pk)
    client.force_login(facilitator)

    client.post(url("vote_close", map_obj, vote.pk))
    page = client.get(url("workshop_room", map_obj)).content.decode()
    assert "Ask for it — 2 dots" in page and "Do it — 1 dot" in page
    client.post(url("vote_improvements", map_obj, vote.pk), {"step": [first.pk]})
    client.post(url("vote_improvements", map_obj, vote.pk), {"step": [first.pk]})

    assert "on the improvement board" in client.get(url("workshop_room", map_obj)).content.decode()
    card = Improvement.objects.get()
    assert (card.step, card.map, card.workspace) == (first, map_obj, map_obj.workspace)
    assert card.title == "Ask for it" and "2 dots" in card.description


def test_voting_is_rate_limited_per_member(client, facilitator, viewer, board, monkeypatch):
    monkeypatch.setattr("workshop.views.room.VOTE_RATE", "3/m")
    map_obj, (first, _) = board
    vote = vote_start(map_obj=map_obj, question="Q", dots=20, minutes=5, user=facilitator)
    client.force_login(viewer)
    for _ in range(3):
        client.post(url("vote_dot", map_obj, vote.pk), {"step": first.pk})

    response = client.post(
        url("vote_dot", map_obj, vote.pk), {"step": first.pk}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 429
    assert Dot.objects.count() == 3


def test_a_comment_mentions_members_and_shows_in_their_mentions(
    client, workspace, viewer, editor, board
):
    map_obj, (first, _) = board
    outsider = UserFactory.create(username="stranger")
    client.force_login(viewer)

    response = client.post(
        url("comment_add", map_obj),
        {"target": f"step-{first.pk}", "body": "@Editor can you check? cc @stranger @nobody"},
    )

    assert response.status_code == 302
    comment = Comment.objects.get()
    assert list(Mention.objects.values_list("user__username", flat=True)) == ["editor"]
    assert client.get(url("workshop_state", map_obj)).json()["comments"] == {f"step-{first.pk}": 1}
    client.force_login(editor)
    mentions = client.get(reverse("my_mentions", args=[workspace.slug])).content.decode()
    assert "@Editor can you check?" in mentions and map_obj.name in mentions
    client.force_login(outsider)
    assert client.get(reverse("my_mentions", args=[workspace.slug])).status_code == 404
    assert comment.step == first


def test_a_comment_on_a_handoff_counts_on_it(client, viewer, board):
    map_obj, _ = board
    handoff = map_obj.handoffs.get()
    client.force_login(viewer)

    client.post(url("comment_add", map_obj), {"target": f"handoff-{handoff.pk}", "body": "Slow"})

    assert client.get(url("workshop_state", map_obj)).json()["comments"] == {
        f"handoff-{handoff.pk}": 1
    }


@pytest.mark.parametrize(
    ("target", "body"), [("step-999999", "x"), ("lane-1", "x"), ("", "x"), ("STEP", "")]
)
def test_a_bad_comment_is_refused_with_a_message(client, viewer, board, target, body):
    map_obj, (first, _) = board
    target = target.replace("STEP", f"step-{first.pk}")
    client.force_login(viewer)

    response = client.post(
        url("comment_add", map_obj), {"target": target, "body": body}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 422
    assert not Comment.objects.exists()


def test_the_author_or_an_editor_resolves_a_comment_others_may_not(
    client, workspace, viewer, editor, board
):
    map_obj, (first, _) = board
    comment = Comment.objects.create(map=map_obj, step=first, author=editor, body="Check")
    resolve = url("comment_resolve", map_obj, comment.pk)
    client.force_login(viewer)

    assert client.post(resolve).status_code == 403
    client.force_login(editor)
    client.post(resolve)
    comment.refresh_from_db()
    assert comment.resolved_at is not None and comment.resolved_by == editor
    assert client.get(url("workshop_state", map_obj)).json()["comments"] == {}
    client.post(resolve, {"resolved": "0"})
    comment.refresh_from_db()
    assert comment.resolved_at is None


def test_the_panel_works_at_phone_width_without_javascript(client, viewer, facilitator, board):
    map_obj, (first, _) = board
    vote_start(map_obj=map_obj, question="Worst?", dots=3, minutes=5, user=facilitator)
    client.force_login(viewer)

    page = client.get(url("workshop_room", map_obj)).content.decode()

    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert f'action="{url("vote_dot", map_obj, Vote.objects.get().pk)}"' in page
    assert "Start a dot vote" not in page
    assert json.dumps(first.title)[1:-1] in page


def test_a_new_member_by_invite_can_vote(client, workspace, facilitator, board):
    map_obj, (first, _) = board
    vote = vote_start(map_obj=map_obj, question="Q", dots=1, minutes=5, user=facilitator)
    user = UserFactory.create(username="joined")
    Membership.objects.create(workspace=workspace, user=user, role=Role.VIEWER)
    client.force_login(user)

    client.post(url("vote_dot", map_obj, vote.pk), {"step": first.pk})

    assert Dot.objects.get().user == user

"""Races: conflicting requests fired at the same moment from threads at a live server.

Each scenario is run TRIALS times (env `RACE_TRIALS`, default 20) and asserts what
must hold whatever the order: no 500, no lost update, no two steps in one place,
never a workspace without an owner. The outcome counts are printed (`-s`).

PostgreSQL only: SQLite lets one writer in at a time, so a race there shows
nothing (or "database is locked"), and its live server shares one in-memory
connection. CI runs these on PostgreSQL.
"""

from __future__ import annotations

import os
import threading
import urllib.request
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from departments.models import Department, Membership, Role
from valuestreams import services
from valuestreams.models import Handoff, Lane, MapChange, Stage, Step

from .factories import (
    DepartmentFactory,
    MembershipFactory,
    StepFactory,
    UserFactory,
    WorkspaceFactory,
    map_with_steps,
)

pytestmark = [
    pytest.mark.race,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="race tests need PostgreSQL (row locks, parallel requests); CI runs them there",
    ),
]

TRIALS = int(os.environ.get("RACE_TRIALS", "20"))
#: Any well-formed CSRF secret will do: the cookie and the header only have to match.
CSRF = "race" * 8


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the status of the write itself is what counts


OPENER = urllib.request.build_opener(_NoRedirect)


class Person:
    """A signed-in user with their own session, posting as the editor's htmx does."""

    def __init__(self, base_url: str, user: Any) -> None:
        client = Client()
        client.force_login(user)
        self.base_url = base_url
        self.cookie = f"sessionid={client.cookies['sessionid'].value}; csrftoken={CSRF}"

    def post(self, path: str, data: dict[str, Any]) -> Callable[[], int]:
        """A POST to fire later; calling it answers the HTTP status."""

        def send() -> int:
            request = urllib.request.Request(
                self.base_url + path,
                data=urlencode(data).encode(),
                method="POST",
                headers={
                    "Cookie": self.cookie,
                    "X-CSRFToken": CSRF,
                    "HX-Request": "true",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            try:
                with OPENER.open(request, timeout=60) as response:
                    return int(response.status)
            except HTTPError as error:
                return error.code

        return send


def at_once(*requests: Callable[[], int]) -> list[int]:
    """Fire the requests from one thread each, released together; their statuses in order."""
    barrier = threading.Barrier(len(requests))

    def fire(send: Callable[[], int]) -> int:
        barrier.wait()
        return send()

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(fire, requests))


def edit_url(name: str, map_obj: Any, *args: Any) -> str:
    return reverse(name, args=[map_obj.workspace.slug, map_obj.pk, *args])


def report(name: str, outcomes: Counter[tuple[int, ...]]) -> None:
    print(f"\n{name}: {TRIALS} trials, statuses {dict(sorted(outcomes.items()))}")


@pytest.fixture
def team(live_server: Any) -> dict[str, Any]:
    """A workspace with two owners (who may do everything), each with a session."""
    workspace = WorkspaceFactory.create()
    users = [
        UserFactory.create(password=None),
        UserFactory.create(password=None),
    ]  # no slow hashing
    for user in users:
        MembershipFactory.create(workspace=workspace, user=user, role=Role.OWNER)
    return {
        "workspace": workspace,
        "users": users,
        "a": Person(live_server.url, users[0]),
        "b": Person(live_server.url, users[1]),
    }


def assert_cells_are_numbered_uniquely(map_obj: Any) -> None:
    places = list(Step.objects.filter(map=map_obj).values_list("lane_id", "stage_id", "position"))
    assert len(places) == len(set(places)), "two steps share a place in a cell"


def assert_no_change_waits_below_a_newer_one(map_obj: Any) -> None:
    """A redo would replay an undone change on top of a newer one that is not undone."""
    changes = MapChange.objects.filter(map=map_obj, undoable=True)
    done = [c.pk for c in changes if not c.undone]
    undone = [c.pk for c in changes if c.undone]
    assert not done or not undone or max(done) < min(undone)


def map_with_a_change(workspace: Any) -> tuple[Any, Step, Any, MapChange]:
    """A map whose first step's title was edited once: the change an undo names.

    Returns the map, that step (with its new version), the second step and the change.
    """
    map_obj, (first, second) = map_with_steps(workspace)
    step = services.step_update(step_id=first.pk, version=1, values={"title": "Undo me"})
    return map_obj, step, second, MapChange.objects.get(map=map_obj)


def test_undo_racing_an_edit_of_the_same_step_loses_no_update(team):
    a, b, outcomes = team["a"], team["b"], Counter[tuple[int, ...]]()
    for trial in range(TRIALS):
        map_obj, first, _second, change = map_with_a_change(team["workspace"])
        theirs = f"Theirs {trial}"
        statuses = at_once(
            a.post(edit_url("map_undo", map_obj), {"change": change.pk}),
            b.post(
                edit_url("step_edit", map_obj, first.pk),
                {"title": theirs, "version": first.version},
            ),
        )
        outcomes[tuple(statuses)] += 1
        undo, edit = statuses
        assert set(statuses) <= {200, 409}, statuses
        title = Step.objects.get(pk=first.pk).title
        if edit == 200:
            assert title == theirs, "the edit answered 200 but was overwritten"
        if undo == 200:
            assert edit == 409 and title == "Ask for it"
        assert_no_change_waits_below_a_newer_one(map_obj)
    report("undo vs edit", outcomes)


def test_undo_racing_a_move_of_the_same_step_loses_no_move(team):
    a, b, outcomes = team["a"], team["b"], Counter[tuple[int, ...]]()
    for _trial in range(TRIALS):
        map_obj, first, second, change = map_with_a_change(team["workspace"])
        statuses = at_once(
            a.post(edit_url("map_undo", map_obj), {"change": change.pk}),
            b.post(
                edit_url("step_move", map_obj, first.pk),
                {"lane": second.lane_id, "stage": second.stage_id, "version": first.version},
            ),
        )
        outcomes[tuple(statuses)] += 1
        undo, move = statuses
        assert set(statuses) <= {200, 409}, statuses
        moved = Step.objects.get(pk=first.pk)
        if move == 200:
            assert (moved.lane_id, moved.stage_id) == (second.lane_id, second.stage_id)
        if undo == 200:
            assert moved.title == "Ask for it"
        assert_cells_are_numbered_uniquely(map_obj)
        assert_no_change_waits_below_a_newer_one(map_obj)
    report("undo vs move", outcomes)


def test_undo_racing_a_new_change_never_leaves_a_change_to_redo_on_top(team):
    a, b, outcomes = team["a"], team["b"], Counter[tuple[int, ...]]()
    for trial in range(TRIALS):
        map_obj, _first, second, change = map_with_a_change(team["workspace"])
        statuses = at_once(
            a.post(edit_url("map_undo", map_obj), {"change": change.pk}),
            b.post(
                edit_url("step_edit", map_obj, second.pk), {"title": f"New {trial}", "version": 1}
            ),
        )
        outcomes[tuple(statuses)] += 1
        assert set(statuses) <= {200, 409}, statuses
        assert_no_change_waits_below_a_newer_one(map_obj)
        # Whatever is left to redo applies cleanly on top of what is there.
        redo = a.post(edit_url("map_redo", map_obj), {})()
        assert redo == 200
        assert Step.objects.get(pk=second.pk).title == f"New {trial}"
    report("undo vs new change", outcomes)


def demote(person: Person, membership: Membership) -> Callable[[], int]:
    """The member page's "change role" form, making `membership` a facilitator."""
    path = reverse("member_edit", args=[membership.workspace.slug, membership.pk])
    return person.post(path, {f"m{membership.pk}-role": Role.FACILITATOR})


def remove(person: Person, membership: Membership) -> Callable[[], int]:
    """The member page's "remove" confirmation."""
    return person.post(
        reverse("member_remove", args=[membership.workspace.slug, membership.pk]), {}
    )


@pytest.mark.parametrize("action", [demote, remove], ids=["demote", "remove"])
def test_two_owners_demoting_or_removing_each_other_always_leave_an_owner(team, action):
    outcomes = Counter[tuple[int, ...]]()
    people = [team["a"], team["b"]]
    for _trial in range(TRIALS):
        workspace = WorkspaceFactory.create()
        ships = [
            MembershipFactory.create(workspace=workspace, user=user, role=Role.OWNER)
            for user in team["users"]
        ]
        statuses = at_once(action(people[0], ships[1]), action(people[1], ships[0]))
        outcomes[tuple(sorted(statuses))] += 1
        # Demoting: 302 when done; the other gets the form again (200) saying that
        # a workspace needs an owner or that its sender is no longer one. Removing:
        # 302 with a message either way. 403 (or 404 after a removal) when the
        # sender's role was gone before their request even started.
        assert statuses.count(302) >= 1 and set(statuses) <= {200, 302, 403, 404}, statuses
        assert Membership.objects.filter(workspace=workspace, role=Role.OWNER).count() == 1
    report(f"owner vs owner ({action.__name__})", outcomes)


def test_deleting_a_department_while_a_lane_is_added_for_it(team):
    a, b, outcomes = team["a"], team["b"], Counter[tuple[int, ...]]()
    workspace = team["workspace"]
    for _trial in range(TRIALS):
        map_obj, _steps = map_with_steps(workspace)
        department = DepartmentFactory.create(workspace=workspace)
        statuses = at_once(
            a.post(reverse("department_delete", args=[workspace.slug, department.pk]), {}),
            b.post(edit_url("lane_add", map_obj), {"department": department.pk}),
        )
        outcomes[tuple(statuses)] += 1
        delete, add = statuses
        assert delete == 302 and add in {200, 422}, statuses
        exists = Department.objects.filter(pk=department.pk).exists()
        has_lane = Lane.objects.filter(map=map_obj, department_id=department.pk).exists()
        assert exists == has_lane == (add == 200)
    report("department delete vs lane add", outcomes)


@pytest.mark.parametrize("what", ["stage", "handoff", "lane"])
def test_the_same_thing_added_twice_at_once_is_added_once(team, what):
    a, b, outcomes = team["a"], team["b"], Counter[tuple[int, ...]]()
    workspace = team["workspace"]
    for _trial in range(TRIALS):
        map_obj, (first, second) = map_with_steps(workspace)
        if what == "stage":
            path, data = edit_url("stage_add", map_obj), {"name": "Check"}
        elif what == "handoff":
            path = edit_url("handoff_add", map_obj)
            data = {"from_step": second.pk, "to_step": first.pk}
        else:
            department = DepartmentFactory.create(workspace=workspace)
            path, data = edit_url("lane_add", map_obj), {"department": department.pk}
        statuses = at_once(a.post(path, data), b.post(path, data))
        outcomes[tuple(sorted(statuses))] += 1
        assert sorted(statuses) == [200, 422], statuses
        counts = {
            "stage": Stage.objects.filter(map=map_obj, name="Check").count(),
            "handoff": Handoff.objects.filter(from_step=second, to_step=first).count(),
            "lane": Lane.objects.filter(map=map_obj).count() - 2,
        }
        assert counts[what] == 1
    report(f"duplicate {what}", outcomes)


def test_adds_and_moves_into_one_cell_at_once_give_every_step_its_own_place(team):
    a, b, outcomes = team["a"], team["b"], Counter[tuple[int, ...]]()
    for trial in range(TRIALS):
        map_obj, (first, second) = map_with_steps(team["workspace"])
        movers = [
            StepFactory.create(map=map_obj, lane=second.lane, stage=second.stage) for _ in range(2)
        ]
        cell = {"lane": first.lane_id, "stage": first.stage_id}
        statuses = at_once(
            a.post(edit_url("step_add", map_obj), {**cell, "title": f"A{trial}"}),
            b.post(edit_url("step_add", map_obj), {**cell, "title": f"B{trial}"}),
            a.post(edit_url("step_move", map_obj, movers[0].pk), {**cell, "version": 1}),
            b.post(edit_url("step_move", map_obj, movers[1].pk), {**cell, "version": 1}),
        )
        outcomes[tuple(statuses)] += 1
        assert statuses == [200, 200, 200, 200]
        assert Step.objects.filter(lane=first.lane, stage=first.stage).count() == 5
        assert_cells_are_numbered_uniquely(map_obj)
    report("adds and moves into one cell", outcomes)


def test_two_moves_of_one_step_from_the_same_version_move_it_once(team):
    # The move compares the version in the UPDATE that moves the step, read inside
    # the map's lock: of two drags of one card at once, one lands, the other is told
    # the step changed meanwhile (409) and writes nothing, history included.
    a, b, outcomes = team["a"], team["b"], Counter[tuple[int, ...]]()
    for _trial in range(TRIALS):
        map_obj, (first, second) = map_with_steps(team["workspace"])
        other = StepFactory.create(map=map_obj, lane=second.lane, stage=first.stage)
        targets = [(second.lane_id, second.stage_id), (other.lane_id, other.stage_id)]
        statuses = at_once(
            *(
                person.post(
                    edit_url("step_move", map_obj, first.pk),
                    {"lane": lane, "stage": stage, "version": first.version, "position": 0},
                )
                for person, (lane, stage) in zip((a, b), targets, strict=True)
            )
        )
        outcomes[tuple(statuses)] += 1
        assert sorted(statuses) == [200, 409], statuses
        moved = Step.objects.get(pk=first.pk)
        assert (moved.lane_id, moved.stage_id) == targets[statuses.index(200)]
        assert moved.version == first.version + 1
        assert MapChange.objects.filter(map=map_obj, code="step_moved").count() == 1
        assert_cells_are_numbered_uniquely(map_obj)
    report("two moves of one step", outcomes)

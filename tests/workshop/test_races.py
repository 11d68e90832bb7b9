"""Writes two people make at the same moment, fired from threads at a live server on PostgreSQL.

Joining by one invite link, placing dots and starting a vote: no lost or extra
rows, no 500, the invariants hold (no more members than the link allows, no
more dots than a member has, one open vote per map).
"""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from departments.invites import invite_create
from departments.models import Membership, Role
from workshop.models import Dot, Vote
from workshop.services import vote_start

from ..factories import MembershipFactory, UserFactory, map_with_steps

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="races are run on PostgreSQL"),
]

ROUNDS = 5
AT_ONCE = 8


class Browser:
    """One signed-in person talking to the live server over HTTP, with a CSRF token."""

    def __init__(self, base: str, user: Any, page: str) -> None:
        client = Client()
        client.force_login(user)
        self.base = base
        self.cookie = f"sessionid={client.cookies['sessionid'].value}"
        with urllib.request.urlopen(self._request(page)) as response:
            body = response.read().decode()
            csrf = re.search(r"csrftoken=([^;]+)", response.headers["Set-Cookie"])[1]
        self.cookie += f"; csrftoken={csrf}"
        self.token = re.search(r'"X-CSRFToken": "([^"]+)"', body)[1]

    def _request(self, path: str, data: bytes | None = None) -> urllib.request.Request:
        headers = {"Cookie": self.cookie}
        if data is not None:
            # As the panel's buttons send them: success and refusal differ in status.
            headers["X-CSRFToken"] = getattr(self, "token", "")
            headers["HX-Request"] = "true"
        return urllib.request.Request(self.base + path, data=data, headers=headers)

    def post(self, path: str, data: str = "") -> int:
        try:
            with urllib.request.urlopen(self._request(path, data.encode())) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)


def all_at_once(calls: list[Any]) -> list[int]:
    barrier = threading.Barrier(len(calls))

    def run(call: Any) -> int:
        barrier.wait()
        return int(call())

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@pytest.fixture(autouse=True)
def _no_redirects() -> Any:
    # A 302 after a write is the answer to check, not a page to follow.
    urllib.request.install_opener(urllib.request.build_opener(NoRedirect))
    yield
    urllib.request.install_opener(urllib.request.build_opener())


def test_people_joining_by_one_link_at_once_never_exceed_its_maximum(live_server, workspace):
    for _round in range(ROUNDS):
        link, token = invite_create(workspace=workspace, role="viewer", days=1, max_uses=3)
        path = reverse("invite_accept", args=[token])
        people = [Browser(live_server.url, UserFactory.create(), path) for _ in range(AT_ONCE)]

        statuses = all_at_once([partial(b.post, path) for b in people])

        assert sorted(statuses) == [302] * 3 + [410] * (AT_ONCE - 3), statuses
        link.refresh_from_db()
        assert link.uses == 3 == Membership.objects.filter(invite_join__link=link).count()


def test_one_member_placing_dots_from_many_tabs_never_exceeds_their_dots(
    live_server, workspace, facilitator
):
    map_obj, (step, _) = map_with_steps(workspace)
    participant = MembershipFactory.create(workspace=workspace, role=Role.VIEWER).user
    room = reverse("workshop_room", args=[workspace.slug, map_obj.pk])
    tab = Browser(live_server.url, participant, room)
    for _round in range(ROUNDS):
        Vote.objects.filter(map=map_obj).update(closed_at="2000-01-01T00:00Z")
        vote = vote_start(map_obj=map_obj, question="Q", dots=3, minutes=5, user=facilitator)
        path = reverse("vote_dot", args=[workspace.slug, map_obj.pk, vote.pk])

        statuses = all_at_once([partial(tab.post, path, f"step={step.pk}")] * AT_ONCE)

        assert set(statuses) <= {200, 409}, statuses
        assert Dot.objects.filter(vote=vote).count() == 3 == statuses.count(200)


def test_two_facilitators_starting_a_vote_at_once_open_exactly_one(live_server, workspace):
    map_obj, _ = map_with_steps(workspace)
    room = reverse("workshop_room", args=[workspace.slug, map_obj.pk])
    path = reverse("vote_start", args=[workspace.slug, map_obj.pk])
    hosts = [
        Browser(
            live_server.url,
            MembershipFactory.create(workspace=workspace, role=Role.FACILITATOR).user,
            room,
        )
        for _ in range(2)
    ]
    for _round in range(ROUNDS):
        Vote.objects.filter(map=map_obj).update(closed_at="2000-01-01T00:00Z")

        statuses = all_at_once(
            [lambda h=h: h.post(path, "question=Q&dots=3&minutes=5") for h in hosts]
        )

        assert sorted(statuses) == [200, 409], statuses
        assert Vote.objects.filter(map=map_obj, closed_at__isnull=True).count() == 1

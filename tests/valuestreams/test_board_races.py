"""Two facilitators act on the board at the same moment, against a live server on PostgreSQL.

Each round fires both requests from threads released together by a barrier;
neither may get a 500, and the board's rules must hold afterwards: one card per
text of a step, and a card is done exactly when it has a done date.
"""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from departments.models import Role
from tests.factories import PASSWORD, MembershipFactory, UserFactory, map_with_steps
from valuestreams.models import Improvement, Step

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 15


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("races are tested against PostgreSQL (set DATABASE_URL)")


class Browser:
    """A logged-in HTTP session of its own, as a second person's browser would be."""

    def __init__(self, base: str, username: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        page = self.opener.open(base + "/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token is not None
        self.post("/login/", {"username": username, "password": PASSWORD}, token.group(1))

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken") or ""

    def post(self, path: str, data: dict[str, Any], token: str | None = None) -> int:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token or self.csrf()})
        request = urllib.request.Request(self.base + path, data=body.encode(), method="POST")
        request.add_header("X-CSRFToken", token or self.csrf())
        try:
            with self.opener.open(request) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)


def at_once(*calls: Any) -> list[int]:
    """Run the calls in threads released together; their HTTP statuses."""
    barrier = threading.Barrier(len(calls))
    statuses: list[int] = [0] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        statuses[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.fixture
def two(live_server: Any, workspace: Any) -> tuple[Browser, Browser]:
    names = ("fac-one", "fac-two")
    for name in names:
        MembershipFactory(
            workspace=workspace, role=Role.FACILITATOR, user=UserFactory(username=name)
        )
    return Browser(live_server.url, names[0]), Browser(live_server.url, names[1])


def test_two_clicks_on_the_same_pain_point_make_one_card(two, workspace) -> None:
    a, b = two
    map_obj, (step, _second) = map_with_steps(workspace)
    texts = [f"Pain {i}" for i in range(ROUNDS)]
    Step.objects.filter(pk=step.pk).update(pain_points=texts)
    path = reverse("improvement_from_step", args=[workspace.slug, map_obj.pk, step.pk])

    for i in range(ROUNDS):
        data = {"kind": "pain_point", "index": i}
        statuses = at_once(lambda d=data: a.post(path, d), lambda d=data: b.post(path, d))
        assert all(s < 500 for s in statuses), statuses

    titles = list(Improvement.objects.filter(step=step).values_list("title", flat=True))
    assert sorted(titles) == sorted(texts)


def test_two_moves_of_one_card_at_once_leave_it_whole(two, workspace) -> None:
    a, b = two
    card = Improvement.objects.create(workspace=workspace, title="Stock laptops")
    path = reverse("improvement_status", args=[workspace.slug, card.pk])
    pairs = [("done", "doing"), ("idea", "done"), ("planned", "done")]

    for i in range(ROUNDS):
        first, second = pairs[i % len(pairs)]
        statuses = at_once(
            lambda s=first: a.post(path, {"status": s}),
            lambda s=second: b.post(path, {"status": s}),
        )
        assert all(s < 500 for s in statuses), statuses
        card.refresh_from_db()
        assert card.status in (first, second)
        assert (card.status == "done") == (card.done_date is not None)

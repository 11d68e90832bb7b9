"""A 200-character word (the forms allow it) never makes a page wider than the screen.

The map's name, a step's title, a lane's department, a stage and a handoff label
are each one unbroken word; the pages that show them wrap or shorten it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect

from departments.models import Role
from tests.factories import (
    PASSWORD,
    DepartmentFactory,
    HandoffFactory,
    LaneFactory,
    MapFactory,
    MembershipFactory,
    StageFactory,
    StepFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WORD = ("Verantwoordelijkheidsoverdracht" * 7)[:200]


@pytest.fixture
def long_map(workspace: Any) -> Any:
    map_obj = MapFactory(workspace=workspace, name=WORD, description=WORD)
    stage, other = StageFactory(map=map_obj, name=WORD[:120]), StageFactory(map=map_obj, name="Do")
    department = DepartmentFactory(workspace=workspace, name=WORD[:120], short_name=WORD[:10])
    lane = LaneFactory(map=map_obj, department=department)
    first = StepFactory(map=map_obj, lane=lane, stage=stage, title=WORD)
    second = StepFactory(map=map_obj, lane=LaneFactory(map=map_obj), stage=other, title="Do it")
    HandoffFactory(map=map_obj, from_step=first, to_step=second, label=WORD[:120])
    return map_obj


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_a_200_character_word_keeps_every_page_within_the_screen(
    browser: Browser, live_server: Any, workspace: Any, long_map: Any, width: int, height: int
) -> None:
    user: Any = UserFactory(username="longword")
    MembershipFactory(workspace=workspace, role=Role.EDITOR, user=user)
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit], main input[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/login/).*$"))
    slug = workspace.slug
    pages = [
        reverse("map_list", args=[slug]),
        reverse("workspace_home", args=[slug]),
        reverse("map_detail", args=[slug, long_map.pk]),
    ]
    for path in pages:
        page.goto(live_server.url + path)
        expect(page.locator("main").get_by_text(WORD[:20]).first).to_be_visible()
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{path} is {wide} px wide at a {width} px screen"
    # The diagram keeps the full texts on hover where it shortened them.
    titles = page.locator("svg.cw-diagram title").all_text_contents()
    assert WORD in titles  # the step
    assert titles.count(WORD[:120]) >= 3  # the lane, the stage and the label
    context.close()

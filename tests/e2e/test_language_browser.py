"""Switching to Dutch in a real browser: the editor and its diagram read in Dutch.

Screenshots land in test-artifacts/ (not committed) so a person can look at them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from departments.models import Role, UserProfile
from tests.e2e.test_editor_browser import editor_url, log_in, member
from tests.factories import DepartmentFactory, LaneFactory, MapFactory, StageFactory, StepFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def dutch_map(workspace: Any) -> Any:
    map_obj = MapFactory(workspace=workspace, name="Evenementenvergunning")
    stage = StageFactory(map=map_obj, name="Aanvragen")
    lane = LaneFactory(
        map=map_obj, department=DepartmentFactory(workspace=workspace, name="Vergunningen")
    )
    StepFactory(
        map=map_obj,
        lane=lane,
        stage=stage,
        title="Durchlaufzeitverkürzungsmaßnahme",
        process_time_minutes=90,
        lead_time_minutes=720,
        complete_accurate_pct=85,
    )
    return map_obj


def test_switching_to_dutch_translates_the_editor_and_the_diagram(
    page: Page, live_server: Any, workspace: Any, dutch_map: Any
) -> None:
    user = member(workspace, Role.EDITOR, "sanne")
    log_in(page, live_server, user)
    page.goto(editor_url(live_server, dutch_map))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Undo", exact=False).first).to_be_visible()

    page.select_option("#lang-select", "nl")
    page.wait_for_load_state("load")

    expect(page.locator("html")).to_have_attribute("lang", "nl")
    nav = page.get_by_role("navigation", name="Werkruimte")
    expect(nav.get_by_role("link", name="Kaarten")).to_be_visible()
    expect(
        page.locator(".undo-bar, #undo-bar, body").get_by_text("Ongedaan maken").first
    ).to_be_visible()
    # The metrics panel and the diagram: Dutch words, Dutch decimal commas.
    expect(page.get_by_text("Doorlooptijd").first).to_be_visible()
    diagram = page.locator("svg").filter(has_text="Vergunningen").first
    expect(diagram).to_contain_text("DT 1,5 d")
    expect(diagram).to_contain_text("BT 1,5 u")
    expect(diagram).to_contain_text("Overdracht tussen afdelingen")
    # The long compound is hyphenated in its box, not cut between any two letters.
    expect(diagram).to_contain_text("Durchlaufzeit")
    assert "Undo" not in page.locator("main").inner_text()

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "language-editor-nl.png"), full_page=True)
    # The choice is kept for the person, in every browser they log in from.
    assert UserProfile.objects.get(user=user).language == "nl"


@pytest.mark.parametrize("language", ["en", "nl", "de"])
def test_the_owners_navigation_stays_on_one_line_at_1400_px(
    page: Page, live_server: Any, workspace: Any, language: str
) -> None:
    """German and Dutch words are longer: all ten links, the language and log-out fit."""
    workspace.name = "Gemeinde Musterstadt"
    workspace.save()
    user = member(workspace, Role.OWNER, "owner")
    UserProfile.objects.create(user=user, language=language)
    page.set_viewport_size({"width": 1400, "height": 900})
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/w/{workspace.slug}/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    tops = page.locator(".topbar .brand, .workspace-nav > a, .topbar-end").evaluate_all(
        "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
    )
    assert len(tops) == 12
    assert max(tops) - min(tops) <= 4, tops

"""The manager's pages in a real browser: charts drawn with data, cards moved by mouse and keys.

Screenshots land in test-artifacts/ (not committed) so a person can look at them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from departments.models import KPI, KPIReading, Role, SharedGoal
from tests.e2e.test_editor_browser import log_in
from tests.factories import MembershipFactory, UserFactory
from tests.valuestreams.analysis.conftest import import_demo
from valuestreams.models import Improvement

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"manager-{name}.png"), full_page=True)


def member(workspace: Any, role: Role) -> Any:
    user = UserFactory(username=f"{role.value}-browser")
    MembershipFactory(workspace=workspace, role=role, user=user)
    return user


def test_the_dashboard_draws_the_heatmap_and_the_sankey_with_data(
    page: Page, live_server: Any, workspace: Any
) -> None:
    import_demo(workspace, "onboarding_current")
    import_demo(workspace, "event_permit")
    log_in(page, live_server, member(workspace, Role.VIEWER))

    page.goto(live_server.url + reverse("dashboard", args=[workspace.slug]))

    for chart in ("#heatmap", "#sankey"):
        expect(page.locator(chart)).to_have_attribute("data-rendered", "true")
    # Plotly drew one heatmap cell per department pair and one band per flow.
    assert page.locator("#heatmap .heatmaplayer image, #heatmap .hm image").count() >= 1
    flows = page.locator("#flow-table tbody tr").count()
    assert page.locator("#sankey .sankey-link").count() == flows > 0
    # The switch shows the waiting instead of the counts.
    page.locator("#heatmap .updatemenu-button", has_text="Waiting").click()
    expect(page.locator("#heatmap .colorbar .cbtitle")).to_contain_text("Waiting")
    shot(page, "dashboard")


def test_a_kpi_chart_draws_the_readings_and_the_target(
    page: Page, live_server: Any, workspace: Any
) -> None:
    goal = SharedGoal.objects.create(workspace=workspace, title="Day one")
    kpi = KPI.objects.create(goal=goal, name="Lead time", unit="days", baseline=32, target=12)
    for day, value in (("2026-01-01", 32), ("2026-02-01", 29), ("2026-03-01", 27)):
        KPIReading.objects.create(kpi=kpi, date=day, value=value)
    log_in(page, live_server, member(workspace, Role.VIEWER))

    page.goto(live_server.url + reverse("goal_detail", args=[workspace.slug, goal.pk]))

    chart = page.locator(f"#kpi-chart-{kpi.pk}")
    expect(chart).to_have_attribute("data-rendered", "true")
    assert chart.locator(".scatterlayer .point").count() == 3
    expect(chart.locator(".annotation-text", has_text="target 12")).to_be_visible()


@pytest.fixture
def board(page: Page, live_server: Any, workspace: Any) -> Improvement:
    card = Improvement.objects.create(workspace=workspace, title="Stock laptops")
    log_in(page, live_server, member(workspace, Role.FACILITATOR))
    page.goto(live_server.url + reverse("improvement_list", args=[workspace.slug]))
    return card


def column_of(page: Page, card: Improvement) -> Any:
    return page.locator(f"#improvement-{card.pk}").get_attribute("data-status")


def test_a_card_moves_by_mouse(page: Page, board: Improvement) -> None:
    url = page.url
    card = page.locator(f"#improvement-{board.pk}")

    card.drag_to(page.locator('.board-column[data-status="doing"]'))

    expect(
        page.locator(f'.board-column[data-status="doing"] #improvement-{board.pk}')
    ).to_be_visible()
    assert page.url == url  # no reload: htmx swapped the board
    board.refresh_from_db()
    assert board.status == "doing"
    shot(page, "board-after-drag")


def test_a_card_moves_by_keyboard_and_keeps_the_focus(page: Page, board: Improvement) -> None:
    page.locator(f"#improvement-{board.pk}").focus()

    page.keyboard.press("ArrowRight")
    expect(
        page.locator(f'.board-column[data-status="planned"] #improvement-{board.pk}')
    ).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(
        page.locator(f'.board-column[data-status="doing"] #improvement-{board.pk}')
    ).to_be_focused()
    page.keyboard.press("ArrowLeft")

    expect(
        page.locator(f'.board-column[data-status="planned"] #improvement-{board.pk}')
    ).to_be_focused()
    board.refresh_from_db()
    assert board.status == "planned"

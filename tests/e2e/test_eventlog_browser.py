"""An event log through the web page in a real browser: upload, columns, evidence, map.

Uses the BPIC 2013 incidents log (Volvo IT Belgium, doi:10.4121/uuid:500573e6-accc-
4b0c-9576-aa5468b10cee) with the org line as the lane. Screenshots land in
test-artifacts/ so a person can look at them.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from playwright.sync_api import Page, expect

from departments.models import Role
from tests.e2e.test_editor_browser import ARTIFACTS, log_in, member
from tests.valuestreams.imports.logs import LOGS, need

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"eventlog-{name}.png"), full_page=True)


def test_the_incidents_log_becomes_evidence_and_a_readable_map(
    page: Page, live_server: Any, settings: Any
) -> None:
    path = need(next(log for log in LOGS if log.id == "incidents-csv"))
    # A background thread where the database is a server; at once on SQLite.
    settings.EVENTLOG_RUNNER = "thread" if connection.vendor == "postgresql" else "inline"
    from tests.factories import WorkspaceFactory

    workspace = WorkspaceFactory(name="Volvo IT", slug="volvo")
    user = member(workspace, Role.EDITOR, "analyst")
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/w/volvo/eventlogs/")
    page.fill("#id_name", "Incidents 2012")
    page.set_input_files("#id_file", str(path))
    shot(page, "1-upload")
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("heading", name="Choose the columns")).to_be_visible(timeout=30_000)
    expect(page.locator("#id_case")).to_have_value("case_id")
    expect(page.locator("#id_timestamp")).to_have_value("timestamp")
    # The flat CSV's activity already holds the sub-status: nothing is joined to it.
    expect(page.locator("#id_lifecycle")).to_have_value("")
    page.select_option("#id_lane", "org_line")
    shot(page, "2-columns")
    # On SQLite the import runs inside the request: 65,533 events on a busy machine
    # can take longer than Playwright's default 30 s wait for the navigation.
    page.set_default_timeout(180_000)
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="Evidence over the whole log")).to_be_visible(
        timeout=120_000
    )
    expect(page.locator(".evidence-kpis")).to_contain_text("7554")
    shot(page, "3-evidence")
    page.get_by_role("link", name="Incidents 2012 (discovered)").click()
    expect(page.locator("svg").first).to_be_visible()
    shot(page, "4-discovered-map")


def test_the_onboarding_spreadsheet_becomes_a_map(page: Page, live_server: Any, tmp_path) -> None:
    import json
    from pathlib import Path

    from tests.factories import WorkspaceFactory
    from valuestreams.imports.interchange import parse_document
    from valuestreams.imports.spreadsheet import document_to_rows, rows_to_xlsx

    demo = Path(__file__).resolve().parents[2] / "valuestreams/demo/onboarding_current.json"
    sheet = tmp_path / "onboarding.xlsx"
    document = parse_document(json.loads(demo.read_text(encoding="utf-8")))
    sheet.write_bytes(rows_to_xlsx(document_to_rows(document)))
    workspace = WorkspaceFactory(name="Town hall", slug="town")
    log_in(page, live_server, member(workspace, Role.EDITOR, "facilitator"))
    page.goto(f"{live_server.url}/w/town/maps/")
    page.get_by_role("link", name="Import spreadsheet").click()
    page.fill("#id_name", "Onboarding from Excel")
    page.select_option("#id_kind", "employee_journey")
    page.set_input_files("#id_file", str(sheet))
    shot(page, "5-sheet-import")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="Onboarding from Excel")).to_be_visible()
    expect(page.locator("svg").first).to_be_visible()
    shot(page, "6-sheet-map")

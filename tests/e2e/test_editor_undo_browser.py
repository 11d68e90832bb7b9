"""An undo that can no longer apply, in a real browser: the reason shows, the history goes on."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from departments.models import Department, Role
from tests.e2e.test_editor_browser import editor_url, log_in, member, shot
from tests.factories import map_with_steps
from valuestreams import services
from valuestreams.models import Lane, Map, Step

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_undo_whose_department_was_deleted_says_why_and_older_changes_still_undo(
    page: Page, live_server, workspace
):
    editor = member(workspace, Role.EDITOR, "erin")
    map_obj, (first, second) = map_with_steps(workspace)
    services.step_update(step_id=second.pk, version=1, values={"title": "Do it now"}, user=editor)
    lane = Lane.objects.select_related("department").get(pk=first.lane_id)
    services.lane_delete(
        lane_id=lane.pk, map_version=Map.objects.get(pk=map_obj.pk).version, user=editor
    )
    # Someone deletes the department on its own page, now that no lane uses it.
    Department.objects.filter(pk=lane.department_id).delete()

    log_in(page, live_server, editor)
    page.goto(editor_url(live_server, map_obj))
    page.get_by_role("button", name=re.compile(r"^Undo: Removed lane")).click()
    alert = page.locator("#side-panel .flash.warn")
    expect(alert).to_contain_text("can no longer be undone: a department it needs was deleted")
    shot(page, "undo-refused")

    # The undo button now names the older change, and that one undoes.
    page.get_by_role("button", name=re.compile(r"^Undo: Edited step “Do it now”")).click()
    expect(page.locator("#side-panel .flash.ok")).to_contain_text("Undone: Edited step")
    expect(page.locator(".cw-step", has_text="Do it")).to_be_visible()
    assert Step.objects.get(pk=second.pk).title == "Do it"
    page.get_by_role("button", name="History").click()
    expect(page.locator(".history-list")).to_contain_text("can no longer be undone")
    shot(page, "undo-history")

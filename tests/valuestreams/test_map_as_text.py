"""The map as text: one pair of tables for the map page, the editor and presentation."""

from __future__ import annotations

import re

import pytest

from tests.factories import map_with_steps
from valuestreams.maptext import map_as_text
from valuestreams.models import Step

from .editor_helpers import HTMX, client_for, fresh_cache, url
from .mapdata_builders import onboarding

__all__ = ["fresh_cache"]  # autouse: a clean analysis cache per test


def test_rows_follow_lanes_and_stages_and_handoffs_carry_the_receiving_wait() -> None:
    data = onboarding()
    text = map_as_text(data)
    assert [lane.id for lane, _cells in text.lane_rows] == [lane.id for lane in data.lanes]
    assert all(len(cells) == len(data.stages) for _lane, cells in text.lane_rows)
    placed = {step.id for _lane, cells in text.lane_rows for cell in cells for step in cell}
    assert placed == {step.id for step in data.steps}
    rework = next(row for row in text.handoff_rows if row.handoff.id == 6)
    # Into step 2: lead time 480, process time 30.
    assert rework.wait_minutes == 450
    assert rework.crosses and (rework.from_lane.id, rework.to_lane.id) == (4, 1)


def _text_of(html: str) -> str:
    match = re.search(r'<div id="map-as-text"[^>]*>(.*?)</div>\s*</details>', html, re.S)
    assert match, "no text alternative"
    return match.group(1)


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["map_editor", "map_present"])
def test_the_editor_and_presentation_carry_the_steps_and_handoffs_as_text(
    workspace, editor, page
) -> None:
    map_obj, (first, second) = map_with_steps(workspace)
    Step.objects.filter(pk=second.pk).update(process_time_minutes=30, lead_time_minutes=90)
    html = client_for(editor).get(url(page, map_obj)).content.decode()
    text = _text_of(html)
    assert "Ask for it" in text and "Do it" in text
    assert f"({first.lane.department.name})" in text and f"({second.lane.department.name})" in text
    assert "1 h" in text  # the wait into "Do it": 90 − 30 minutes
    # Unique ids beside the diagram's own step-N.
    assert f'id="text-step-{first.pk}"' in text and f'id="step-{first.pk}"' in html


@pytest.mark.django_db
def test_an_edit_refreshes_the_text_out_of_band_while_it_is_open(workspace, editor) -> None:
    map_obj, (first, _second) = map_with_steps(workspace)
    response = client_for(editor).post(
        url("step_edit", map_obj, first.pk),
        {"title": "Ask politely", "version": 1},
        headers={**HTMX, "CW-Map-Text": "open"},
    )
    html = response.content.decode()
    assert '<div id="map-as-text" hx-swap-oob="true">' in html
    assert "Ask politely" in html.split('id="map-as-text"', 1)[1]


@pytest.mark.django_db
def test_while_it_is_closed_an_edit_only_marks_the_text_stale(workspace, editor) -> None:
    """Its tables are the largest part of an answer on a big map: fetched again on opening."""
    map_obj, (first, second) = map_with_steps(workspace)
    client = client_for(editor)
    assert f'id="text-step-{second.pk}"' in client.get(url("map_editor", map_obj)).content.decode()
    response = client.post(
        url("step_edit", map_obj, first.pk), {"title": "Ask politely", "version": 1}, headers=HTMX
    )
    html = response.content.decode()
    assert '<div id="map-as-text" hx-swap-oob="true" data-stale></div>' in html
    assert f'id="text-step-{second.pk}"' not in html

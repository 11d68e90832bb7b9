"""The editor and the map page show the same figures as their lead-time ladder, each
with its definition on hover and keyboard focus, and each note once."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import HandoffFactory, LaneFactory, MapFactory, StageFactory, StepFactory
from valuestreams.analysis import DEFINITIONS
from valuestreams.imports.eventlog_parse import ColumnMapping
from valuestreams.imports.eventlogs import eventlog_import

from .editor_helpers import client_for, fresh_cache, url
from .imports.logs import EVENTLOGS, XES

pytestmark = pytest.mark.django_db
__all__ = ["fresh_cache"]  # autouse: a clean analysis cache per test

LADDER_TOTALS = ("Lead time", "Process time", "Activity ratio")
EDITOR_IDS = {
    "Lead time": "metric-lead_time",
    "Process time": "metric-process_time",
    "Activity ratio": "metric-activity_ratio",
}
PAGE_IDS = {
    "Lead time": "analysis-lead_time_minutes",
    "Process time": "analysis-process_time_minutes",
    "Activity ratio": "analysis-activity_ratio",
}


def _map(workspace, *, first_lead_time, first_process_time=10.0, value_adding=True):
    map_obj = MapFactory(workspace=workspace, kind="value_stream")
    ask, do = StageFactory(map=map_obj, name="Ask"), StageFactory(map=map_obj, name="Do")
    a, b = LaneFactory(map=map_obj), LaneFactory(map=map_obj)
    first = StepFactory(
        map=map_obj,
        lane=a,
        stage=ask,
        title="Receive the request",
        lead_time_minutes=first_lead_time,
        process_time_minutes=first_process_time,
        value_adding=value_adding,
    )
    second = StepFactory(
        map=map_obj,
        lane=b,
        stage=do,
        title="Do it",
        lead_time_minutes=20.0,
        process_time_minutes=10.0,
        value_adding=value_adding,
    )
    HandoffFactory(map=map_obj, from_step=first, to_step=second)
    return map_obj


def _ladder_totals(page: str) -> dict[str, str]:
    """The ladder's totals box: its label → value rows, as drawn in the SVG."""
    box = page.split('class="cw-totals"', 1)[1].split("</g>", 1)[0]
    texts = [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", box)]
    return dict(zip(texts[::2], texts[1::2], strict=True))


def _tile(page: str, dom_id: str) -> str:
    match = re.search(rf'id="{dom_id}">.*?<dd>([^<]*)</dd>', page, re.S)
    assert match, dom_id
    return html.unescape(match.group(1)).strip()


def _pages(user, map_obj) -> tuple[str, str]:
    """The editor and the map page of `map_obj`, in English."""
    client = client_for(user)
    detail = reverse("map_detail", args=[map_obj.workspace.slug, map_obj.pk])
    with translation.override("en"):
        return (
            client.get(url("map_editor", map_obj)).content.decode(),
            client.get(detail).content.decode(),
        )


@pytest.mark.parametrize(
    ("lead", "process", "expected"),
    [
        (None, 10.0, {"Lead time": "—", "Process time": "20 min", "Activity ratio": "—"}),
        (40.0, None, {"Lead time": "1 h", "Process time": "—", "Activity ratio": "—"}),
        (20.0, 10.0, {"Lead time": "40 min", "Process time": "20 min", "Activity ratio": "50%"}),
    ],
)
def test_the_ladder_and_the_tiles_show_the_same_figures(workspace, editor, lead, process, expected):
    map_obj = _map(workspace, first_lead_time=lead, first_process_time=process)
    editor_page, map_page = _pages(editor, map_obj)
    for page, ids in ((editor_page, EDITOR_IDS), (map_page, PAGE_IDS)):
        ladder = _ladder_totals(page)
        tiles = {label: _tile(page, ids[label]) for label in LADDER_TOTALS}
        assert {label: ladder[label] for label in LADDER_TOTALS} == tiles == expected


def test_every_figure_on_both_pages_has_its_definition_on_focus(workspace, editor):
    pages = _pages(editor, _map(workspace, first_lead_time=None))
    with translation.override("en"):
        definitions = {str(d.label): str(d.text) for d in DEFINITIONS.values()}
    for page in pages:
        panel = re.search(r'<section id="(metrics|map-analysis)".*?</section>', page, re.S)
        assert panel and " style=" not in panel.group(0)  # the CSP allows no inline style
        boxes = re.findall(
            r'<div class="[^"]*" id="([\w-]+)"><dt>([^<]+?) <button type="button"'
            r' class="figure-help" aria-describedby="([\w-]+)">',
            page,
        )
        assert len(boxes) >= 8
        for dom_id, label, described_by in boxes:
            assert described_by == f"{dom_id}-def"
            tip = re.search(rf'role="tooltip" id="{described_by}">([^<]*)<', page)
            assert tip, described_by
            assert html.unescape(tip.group(1)) == definitions[html.unescape(label)]


def test_each_reason_for_an_unknown_figure_is_listed_once(workspace, editor):
    pages = _pages(editor, _map(workspace, first_lead_time=None, value_adding=False))
    for page in pages:
        missing = "a step on the critical path has no lead time: “Receive the request”"
        assert html.unescape(page).count(missing) == 1
        assert "the total lead time is unknown" not in page


def test_flow_efficiency_says_what_to_mark_on_both_pages(workspace, editor):
    editor_page, map_page = _pages(
        editor, _map(workspace, first_lead_time=30.0, value_adding=False)
    )
    assert _tile(editor_page, "metric-flow_efficiency") == "—"
    assert _tile(map_page, "analysis-flow_efficiency") == "—"
    for page in (editor_page, map_page):
        assert html.unescape(page).count("no step is marked value-adding") == 1


def test_a_map_discovered_from_a_real_log_shows_unknown_figures_with_their_reasons_once(
    workspace, editor
):
    log = EVENTLOGS / "running_example" / "running-example.xes"
    if not log.exists():
        pytest.skip("the shared event logs are not beside the repository")
    with log.open("rb") as raw:
        _log, map_obj = eventlog_import(
            workspace=workspace,
            name="Running example",
            raw=raw,
            filename=log.name,
            mapping=ColumnMapping(**XES, lane="org:resource"),
        )
    editor_page, map_page = _pages(editor, map_obj)
    for page, ids in ((editor_page, EDITOR_IDS), (map_page, PAGE_IDS)):
        ladder = _ladder_totals(page)
        # A log has one time per event: no process times, so no activity ratio.
        for label in LADDER_TOTALS[1:]:
            assert ladder[label] == _tile(page, ids[label]) == "—"
        assert ladder["Lead time"] == _tile(page, ids["Lead time"])
        notes = re.findall(
            r'<li><span class="(?:metric|analysis)-note[^"]*">([^<]*)</span>([^<]*)</li>', page
        )
        texts = [html.unescape(text).strip() for _labels, text in notes]
        assert texts and len(texts) == len(set(texts))
        ratio = next(html.unescape(t) for labels, t in notes if "Activity ratio" in labels)
        assert "have no" in ratio or "has no" in ratio  # names the steps to fill in

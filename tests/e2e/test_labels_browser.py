"""Labels as Chromium draws them: on every demo map, in every language, in the editor.

The layout measures text with its own font metrics (`valuestreams.layout.text`) and
the layout tests check its boxes; here the browser's own fonts decide. Each
handoff label's text must lie inside its box, no label box may meet another, a
card or a lane or stage header, and a card's, lane header's or stage header's text
stays inside its box.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from departments.models import Role
from tests.e2e.test_editor_browser import editor_url, log_in, member
from tests.valuestreams.test_layout_labels import demo_documents
from valuestreams.imports.interchange import parse_document
from valuestreams.imports.maps import map_import

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("quiet_page"),
]

#: Half a pixel: the browser's boxes are fractional, the layout's rounded to hundredths.
SLACK = 0.5

#: Each label, card and header with its box and the boxes of its text lines, in CSS
#: pixels of the page (the diagram at 100 %).
_COLLECT = """() => {
  const rect = el => { const r = el.getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom]; };
  const of = (selector, boxSelector) => [...document.querySelectorAll(selector)].map(g => ({
    name: g.id || g.dataset.laneId || g.dataset.stageId || g.textContent.trim().slice(0, 40),
    box: rect(g.querySelector(boxSelector)),
    // A hotspot's badge (a circle and its "!") sits on the card's corner on purpose.
    texts: [...g.querySelectorAll(':scope > text:not(circle + text)')]
      .filter(t => t.textContent.trim()).map(t => [t.textContent, rect(t)]),
  }));
  const svg = '#diagram svg.cw-diagram ';
  return {
    labels: of(svg + '.cw-handoff-label', ':scope > rect'),
    cards: of(svg + '.cw-step', 'rect.cw-card'),
    lanes: of(svg + '.cw-lane-header', ':scope > rect'),
    stages: of(svg + '.cw-stage-header', ':scope > rect'),
  };
}"""


def _meet(a: list[float], b: list[float]) -> bool:
    """The two boxes share more than an edge (and the slack)."""
    return (
        a[0] < b[2] - SLACK and b[0] < a[2] - SLACK and a[1] < b[3] - SLACK and b[1] < a[3] - SLACK
    )


def _outside(inner: list[float], outer: list[float]) -> bool:
    return (
        inner[0] < outer[0] - SLACK
        or inner[1] < outer[1] - SLACK
        or inner[2] > outer[2] + SLACK
        or inner[3] > outer[3] + SLACK
    )


def problems(found: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Every label that meets something, and every text that leaves its box, in words."""
    out = [
        f"label {a['name']} meets label {b['name']}"
        for a, b in itertools.combinations(found["labels"], 2)
        if _meet(a["box"], b["box"])
    ]
    for label in found["labels"]:
        for kind in ("cards", "lanes", "stages"):
            out += [
                f"label {label['name']} meets {kind[:-1]} {other['name']}"
                for other in found[kind]
                if _meet(label["box"], other["box"])
            ]
    for kind, items in found.items():
        for item in items:
            out += [
                f"{kind[:-1]} {item['name']}: text {text!r} leaves its box"
                for text, box in item["texts"]
                if _outside(box, item["box"])
            ]
    return out


def test_problems_are_found() -> None:
    """The check itself: a label over a card and a text wider than its box are reported."""
    found = {
        "labels": [{"name": "l1", "box": [0, 0, 50, 20], "texts": [("Ticket", [2, 2, 60, 18])]}],
        "cards": [{"name": "c1", "box": [40, 10, 140, 80], "texts": []}],
        "lanes": [],
        "stages": [],
    }
    assert problems(found) == [
        "label l1 meets card c1",
        "label l1: text 'Ticket' leaves its box",
    ]
    found["cards"][0]["box"] = [50, 0, 150, 80]  # only an edge shared
    found["labels"][0]["texts"] = [("Ticket", [2, 2, 48, 18])]
    assert problems(found) == []


@pytest.mark.parametrize(
    ("name", "document"), demo_documents(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_chromium_draws_no_label_over_another_a_card_or_a_header_on_any_demo_map(
    live_server: Any, page: Page, workspace: Any, name: str, document: dict[str, Any]
) -> None:
    map_obj = map_import(workspace=workspace, document=parse_document(document))
    log_in(page, live_server, member(workspace, Role.VIEWER, "reader"))
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(editor_url(live_server, map_obj))
    expect(page.locator("#diagram svg.cw-diagram")).to_be_visible()
    page.evaluate("document.fonts.ready")
    found = page.evaluate(_COLLECT)
    assert found["labels"], f"{name}: no handoff label drawn"
    assert found["cards"] and found["lanes"] and found["stages"]
    assert problems(found) == [], name

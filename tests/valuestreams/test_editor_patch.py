"""An edit sends what changed of the diagram, compressed; the poll stays cheap; the
analysis store is bounded in bytes."""

from __future__ import annotations

import dataclasses
import gzip
import re
import time
from typing import Any

import pytest
from django.core.cache import caches

from tests.factories import StepFactory, map_with_steps
from tests.valuestreams.mapdata_builders import big_map
from valuestreams.analysis import cache as analysis_cache
from valuestreams.analysis.cache import (
    analysis_for_data,
    estimated_bytes,
    forget_all,
    stored_bytes,
)
from valuestreams.management.commands.bench_editor import step_form_data
from valuestreams.models import Step
from valuestreams.views import editor_live
from valuestreams.views.editor_live import (
    KEPT,
    SHARED,
    _kept,
    forget_drawings,
    patch,
    remember,
    split,
)

from .editor_helpers import HTMX, client_for, fresh_cache, url

pytestmark = pytest.mark.django_db
__all__ = ["fresh_cache"]  # autouse: a clean cache per test

DRAWING = re.compile(r'data-drawing="([^"]+)"')
DIAGRAM = re.compile(r'<div id="diagram".*?</svg>', re.S)


def diagram_of(html: str) -> str:
    found = DIAGRAM.search(html)
    assert found is not None
    return found.group(0)


def bigger_map(workspace: Any) -> tuple[Any, Step, Step]:
    """A map with 40 more steps beside the two connected ones: a rename touches one card."""
    map_obj, (first, second) = map_with_steps(workspace)
    for i in range(40):
        StepFactory(map=map_obj, lane=first.lane, stage=second.stage, title=f"Other {i}")
    return map_obj, first, Step.objects.filter(map=map_obj, title="Other 39").get()


def rename(client: Any, map_obj: Any, step: Step, title: str, **headers: str) -> Any:
    data = step_form_data(step, title=title)
    return client.post(url("step_edit", map_obj, step.pk), data, headers={**HTMX, **headers})


def test_an_edit_answers_with_the_changed_step_only_a_fraction_of_the_page(workspace, editor):
    map_obj, first, far = bigger_map(workspace)
    client = client_for(editor)
    # The facilitator has the step's panel open, as when typing its new name.
    page = client.get(url("map_editor", map_obj) + f"?step={far.pk}").content.decode()
    shown = DRAWING.search(page)
    assert shown is not None

    response = rename(client, map_obj, far, "Renamed 39", CW_Drawing=shown.group(1))

    html = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Reswap"] == "none"  # all of it swaps out of band
    assert "data-patch" in html
    assert f'id="step-{far.pk}"' in html and "Renamed 39" in html
    assert f'id="step-{first.pk}"' not in html  # an untouched card stays in the browser
    assert len(diagram_of(html)) < len(diagram_of(page)) / 10


def test_an_edit_without_a_known_drawing_sends_the_whole_diagram(workspace, editor):
    map_obj, first, far = bigger_map(workspace)
    client = client_for(editor)

    html = rename(client, map_obj, far, "Renamed", CW_Drawing="0.0.0.edit.en").content.decode()

    assert "data-patch" not in html
    assert f'id="step-{first.pk}"' in html and f'id="step-{far.pk}"' in html


def test_the_next_edit_patches_against_what_the_last_answer_showed(workspace, editor):
    map_obj, first, far = bigger_map(workspace)
    client = client_for(editor)
    shown = DRAWING.search(client.get(url("map_editor", map_obj)).content.decode())
    assert shown is not None
    one = rename(client, map_obj, far, "Once", CW_Drawing=shown.group(1)).content.decode()
    token = DRAWING.search(one)
    assert token is not None and token.group(1) != shown.group(1)
    far.refresh_from_db()

    two = rename(client, map_obj, far, "Twice", CW_Drawing=token.group(1)).content.decode()

    assert "data-patch" in two and "Twice" in two and f'id="step-{first.pk}"' not in two


def test_pages_and_fragments_are_sent_compressed(workspace, editor):
    map_obj, _first, _far = bigger_map(workspace)
    response = client_for(editor).get(url("map_editor", map_obj), HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert b'id="diagram"' in gzip.decompress(response.content)


def test_an_unchanged_poll_reads_session_user_and_membership_with_version_only(
    workspace, viewer, django_assert_num_queries
):
    map_obj, _steps = map_with_steps(workspace)
    client = client_for(viewer)
    poll = url("map_poll", map_obj) + f"?version={map_obj.version}"
    client.get(poll, headers=HTMX)
    with django_assert_num_queries(3):
        response = client.get(poll, headers=HTMX)
    assert response.status_code == 204


def test_a_poll_of_another_workspace_s_map_is_not_found(workspace, other_workspace, viewer):
    map_obj, _steps = map_with_steps(other_workspace)
    response = client_for(viewer).get(
        url("map_poll", map_obj) + f"?version={map_obj.version}", headers=HTMX
    )
    assert response.status_code == 404


# -- the diff itself (pure) ----------------------------------------------------------


PIECES = [
    '<svg class="cw-diagram" width="10">',
    "<title>Map</title>",
    '<g class="cw-lanes">',
    '<rect x="0"/>',
    "</g>",
    '<g class="cw-steps">',
    '<g class="cw-step" id="step-1"><text>A</text></g>',
    '<g class="cw-step" id="step-2"><text>B</text></g>',
    "</g>",
    "</svg>",
]


def test_a_patch_names_changed_added_and_removed_items_and_changed_layers() -> None:
    remember(7, "before", split(PIECES))
    after = [*PIECES]
    after[0] = '<svg class="cw-diagram" width="20">'
    after[3] = '<rect x="5"/>'
    after[6] = '<g class="cw-step" id="step-1"><text>A2</text></g>'
    after[7] = '<g class="cw-step" id="step-3"><text>C</text></g>'

    result = patch(7, "before", split(after))

    assert result is not None
    assert result.startswith('<svg class="cw-diagram" width="20">')
    assert '<g data-cw-at="1"><g class="cw-lanes">' in result
    assert (
        '<g data-cw-in="2" data-cw-before="">' in result and "A2" in result and "C</text>" in result
    )
    assert '<g data-cw-remove="step-2"></g>' in result
    assert "<title>" not in result  # unchanged


STEP = (
    '<g class="cw-step" id="step-{n}"><rect x="10" y="{y}" width="200" height="60" rx="6"/>'
    '<path d="M16 {y} H18 V{y60} H16 A6 6 0 0 1 10 {y54} V{y6} A6 6 0 0 1 16 {y} Z"/>'
    '<text x="20" y="{y20}">Step {n} at 40</text><circle cx="190" cy="{y20}" r="7"/></g>'
)


def card(n: int, y: float, *, text_y: float | None = None) -> str:
    """A step card at `y` (its text at `text_y`, normally 20 below the top)."""
    ty = y + 20 if text_y is None else text_y
    values = {"y": y, "y60": y + 60, "y54": y + 54, "y6": y + 6, "y20": ty}
    return STEP.format(n=n, **{k: f"{v:g}" for k, v in values.items()}).replace(
        f'cy="{ty:g}"', f'cy="{y + 20:g}"'
    )


def test_cards_that_only_moved_down_or_up_are_shifted_not_sent_again() -> None:
    before = [*PIECES[:6], card(1, 100), card(2, 200), card(3, 300), "</g>", "</svg>"]
    remember(7, "before", split(before))
    # A lane above grew by 87.5: cards 2 and 3 are drawn that much lower, card 3's
    # text also moved within the card (it changed), card 1 stayed.
    after = [*PIECES[:6], card(1, 100), card(2, 287.5), card(3, 387.5, text_y=400), "</g>"]

    result = patch(7, "before", split([*after, "</svg>"]))

    assert result is not None
    assert '<g data-cw-shift="87.5" data-cw-ids="step-2"></g>' in result
    assert 'id="step-2"' not in result  # its markup stays in the browser
    assert 'id="step-3"' in result and 'y="400"' in result  # changed beyond a move: sent
    assert 'id="step-1"' not in result


def test_an_element_moved_sideways_or_stretched_is_sent_again() -> None:
    remember(7, "before", split([*PIECES[:6], card(1, 100), "</g>", "</svg>"]))
    sideways = card(1, 150).replace('x="10"', 'x="12"')
    stretched = card(1, 150).replace('height="60"', 'height="70"')

    for changed in (sideways, stretched):
        result = patch(7, "before", split([*PIECES[:6], changed, "</g>", "</svg>"]))
        assert result is not None and "data-cw-shift" not in result
        assert 'id="step-1"' in result


HANDOFF = (
    '<g class="cw-handoff" id="handoff-9" aria-label="from A to B"><title>Handoff A to B</title>'
    '<path class="cw-hit" d="{d}" stroke-width="10"/><path class="cw-line" d="{d}"/>{extra}</g>'
)


def test_a_handoff_routed_anew_gets_its_paths_data_only() -> None:
    old = HANDOFF.format(d="M10 20 L50 20 L50 90", extra="")
    remember(7, "before", split([*PIECES[:6], old, "</g>", "</svg>"]))
    rerouted = HANDOFF.format(d="M10 20 L50 20 L50 140", extra="")

    result = patch(7, "before", split([*PIECES[:6], rerouted, "</g>", "</svg>"]))

    assert result is not None
    # The hit area's data repeats the line's: sent once.
    assert '<g data-cw-paths="handoff-9" data-d="M10 20 L50 20 L50 140|"></g>' in result
    assert "<title>" not in result and "aria-label" not in result


def test_a_handoff_with_another_drawing_gets_its_drawing_and_a_renamed_one_all_of_it() -> None:
    old = HANDOFF.format(d="M10 20 L50 20 L50 90", extra="")
    remember(7, "before", split([*PIECES[:6], old, "</g>", "</svg>"]))
    marked = HANDOFF.format(d="M10 20 L50 90", extra='<path d="M50 60 L52 62 Z"/>')
    dashed = old.replace('class="cw-line"', 'class="cw-line" stroke-dasharray="4 2"')
    renamed = old.replace("Handoff A to B", "Handoff A to C")

    for changed in (marked, dashed):
        result = patch(7, "before", split([*PIECES[:6], changed, "</g>", "</svg>"]))
        assert result is not None and "data-cw-paths" not in result
        body = changed[changed.index("</title>") + 8 : -4]
        assert f'<g data-cw-body="handoff-9">{body}</g>' in result
    result = patch(7, "before", split([*PIECES[:6], renamed, "</g>", "</svg>"]))
    assert result is not None and "data-cw-body" not in result and "A to C</title>" in result


def test_a_translated_layer_below_the_lanes_is_shifted_by_its_place() -> None:
    layer = '<g class="cw-ladder"><rect x="0" y="{y}"/><polyline points="0,{y} 5,{y5}"/></g>'
    before = [*PIECES[:-1], layer.format(y=500, y5=505), "</svg>"]
    remember(7, "before", split(before))
    after = [*PIECES[:-1], layer.format(y=520, y5=525), "</svg>"]

    result = patch(7, "before", split(after))

    assert result is not None
    assert '<g data-cw-shift="20.0" data-cw-tops="3"></g>' in result
    assert "cw-ladder" not in result


def test_no_patch_for_an_unknown_or_differently_shaped_drawing() -> None:
    remember(7, "before", split(PIECES))
    assert patch(7, "unknown", split(PIECES)) is None
    assert patch(7, "before", split([PIECES[0], *PIECES[2:]])) is None


# -- the analysis store --------------------------------------------------------------


@pytest.fixture
def empty_store() -> None:
    """The store is this process's: start each of these tests without other tests' results."""
    forget_all()


def test_the_analysis_store_stays_within_its_bytes_and_drops_the_oldest(
    settings, empty_store
) -> None:
    settings.ANALYSIS_CACHE_MB = 2
    data = big_map(1000, lanes=6, stages=40)
    size = estimated_bytes(analysis_for_data(data))
    assert 500_000 < size < 2 * 1024 * 1024

    maps = [dataclasses.replace(data, id=data.id + i) for i in range(1, 6)]
    results = [analysis_for_data(m) for m in maps]

    assert stored_bytes() <= 2 * 1024 * 1024
    assert (
        analysis_cache._recalled(analysis_cache.cache_key(maps[-1].id, data.version))
        is (results[-1])
    )
    assert analysis_cache._recalled(analysis_cache.cache_key(maps[0].id, data.version)) is None


@pytest.mark.django_db
def test_only_the_newest_drawings_of_a_map_are_kept_in_memory_all_in_the_shared_cache() -> None:
    for i in range(KEPT + 2):
        remember(7, f"token-{i}", split(PIECES))
    assert list(_kept(7)) == [f"token-{i}" for i in range(2, KEPT + 2)]
    # The oldest is out of this process's memory, not out of the shared cache.
    assert patch(7, "token-0", split(PIECES)) is not None
    caches[SHARED].clear()
    assert patch(7, "token-0", split(PIECES)) is None
    assert patch(7, f"token-{KEPT + 1}", split(PIECES)) is not None


@pytest.mark.django_db
def test_this_process_keeps_a_bounded_number_of_checksums_for_a_bounded_time(
    monkeypatch,
) -> None:
    # The least recently written maps go first, as many as the bound asks.
    remember(99, "probe", split(PIECES))
    one_map = editor_live._elements(_kept(99))
    forget_drawings()
    monkeypatch.setattr(editor_live, "KEPT_ELEMENTS", 3 * one_map)
    for map_id in range(1, 5):
        remember(map_id, f"map-{map_id}", split(PIECES))
    _kept(2)  # looking one up does not keep it: writing does
    remember(2, "map-2-again", split(PIECES))  # two drawings of map 2 now
    remember(5, "map-5", split(PIECES))
    assert [m for m in range(1, 6) if _kept(m)] == [2, 5]
    assert editor_live._DRAWINGS.weight == 3 * one_map
    # An hour later (TIMEOUT_SECONDS) a tab left open gets the whole drawing from here.
    later = time.monotonic() + editor_live.TIMEOUT_SECONDS + 1
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert _kept(5) == {}


@pytest.mark.django_db
def test_a_drawing_made_by_another_web_process_is_patched_from_the_shared_cache() -> None:
    remember(7, "other-process", split(PIECES))
    forget_drawings()  # this process never drew it: only the shared cache knows it
    changed = [p.replace(">B<", ">B renamed<") for p in PIECES]

    markup = patch(7, "other-process", split(changed))
    assert markup is not None and "B renamed" in markup and ">A<" not in markup


def test_the_store_keeps_one_version_per_map(empty_store) -> None:
    data = big_map(200, lanes=6, stages=8)
    first = analysis_for_data(data)
    newer = dataclasses.replace(data, version=data.version + 1)
    analysis_for_data(newer)
    assert stored_bytes() == estimated_bytes(first)
    assert analysis_cache._recalled(analysis_cache.cache_key(data.id, data.version)) is None

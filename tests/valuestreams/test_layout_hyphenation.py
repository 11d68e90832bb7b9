"""Long German and Dutch compounds are hyphenated readably in boxes and lane headers."""

from __future__ import annotations

import dataclasses

import pytest
from django.utils import translation

from tests.factories import MapFactory, MembershipFactory, WorkspaceFactory
from valuestreams.layout import layout_map, measure_text, wrap_text
from valuestreams.layout.text import soft_hyphenated

from .mapdata_builders import LANES, map_data, step

WORD = "Durchlaufzeitverkürzungsmaßnahme"


def _joined(lines: tuple[str, ...] | list[str]) -> str:
    return "".join(line.removesuffix("-") for line in lines)


def test_a_long_german_word_in_a_box_breaks_at_syllables_with_a_hyphen():
    with translation.override("de"):
        box = layout_map(map_data((step(1, 1, 1, title=WORD),))).boxes[0]
    titles = [line for line in box.lines if line.role == "title"]
    assert len(titles) >= 2
    assert _joined([t.text for t in titles]) == WORD
    for line in titles[:-1]:
        assert line.text.endswith("-")
    # Every piece is a run of whole syllables: no one- or two-letter scraps.
    assert all(len(t.text.removesuffix("-")) >= 3 for t in titles)
    for line in titles:
        assert line.x + measure_text(line.text, line.size, bold=line.weight >= 600) <= box.right


def test_a_long_lane_name_is_hyphenated_in_its_header():
    lanes = (dataclasses.replace(LANES[0], name="Gebäudebewirtschaftungsabteilung"), *LANES[1:])
    with translation.override("de"):
        geometry = layout_map(map_data((step(1, 1, 1),), lanes=lanes))
    names = [t.text for lane in geometry.lanes for t in lane.text if t.role == "lane-name"]
    assert _joined(names[:2]).startswith("Gebäudebewirtschaftungs"[:10])
    assert any(n.endswith("-") for n in names)


def test_hyphenation_follows_the_language_and_breaks_after_existing_hyphens():
    dutch = wrap_text("evenementenvergunningsaanvraag", 110, 13, language="nl")
    assert dutch[0] == "evenementen-" and _joined(dutch) == "evenementenvergunningsaanvraag"
    german = wrap_text("E-Mail-Adressenverwaltung", 80, 13, language="de")
    assert german[0] == "E-Mail-"
    assert not any(line.endswith("--") for line in german)


def test_a_word_without_any_syllable_boundary_is_still_cut_to_fit():
    lines = wrap_text("x" * 40, 100, 13, language="de")
    assert len(lines) > 1 and "".join(lines) == "x" * 40
    assert all(measure_text(line, 13) <= 100 for line in lines)


def test_pages_get_soft_hyphens_at_the_syllables_of_long_words_only():
    text = soft_hyphenated(f"Ein {WORD} im Call-Center-Handbuch", "de")
    assert text.replace("\u00ad", "") == f"Ein {WORD} im Call-Center-Handbuch"
    long_word = text.split(" ")[1]
    assert long_word.count("\u00ad") >= 3
    assert all(len(piece) >= 2 for piece in long_word.split("\u00ad"))
    assert "\u00ad" not in text.split(" ")[0]  # a short word stays whole
    # No soft hyphen right after a real one: the browser breaks there already.
    assert "-\u00ad" not in text


@pytest.mark.django_db
def test_a_map_card_title_breaks_at_a_syllable_in_the_workspace_language(client):
    workspace = WorkspaceFactory(language="de")
    name = "Bürger beantragt eine Veranstaltungsgenehmigung"
    MapFactory(workspace=workspace, name=name)
    client.force_login(MembershipFactory(workspace=workspace).user)
    html = client.get(f"/w/{workspace.slug}/").content.decode()
    assert "Ver\u00adan\u00adstal\u00adtungs" in soft_hyphenated(name, "de")
    assert soft_hyphenated(name, "de") in html

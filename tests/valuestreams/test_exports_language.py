"""An exported deck or file speaks the language of the person who exports it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.urls import reverse
from pptx import Presentation

from departments.models import UserProfile
from valuestreams.imports.interchange import parse_document
from valuestreams.imports.maps import map_import

DEMO = Path(__file__).resolve().parents[2] / "valuestreams" / "demo" / "office_move.json"

pytestmark = pytest.mark.django_db


@pytest.fixture
def office_move(workspace):
    return map_import(workspace=workspace, document=parse_document(json.loads(DEMO.read_text())))


def _deck_text(content: bytes) -> str:
    deck = Presentation(io.BytesIO(content))
    return "\n".join(
        shape.text_frame.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
    )


@pytest.mark.parametrize(
    ("language", "words", "english"),
    [
        ("nl", ["Kerncijfers", "Doorlooptijd"], "Key numbers"),
        ("de", ["Kennzahlen", "Durchlaufzeit"], "Key numbers"),
    ],
)
def test_a_map_deck_is_in_the_language_the_exporter_chose(
    client, viewer, office_move, language, words, english
):
    UserProfile.objects.create(user=viewer, language=language)
    client.force_login(viewer)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    url = reverse("map_export", args=[office_move.workspace.slug, office_move.pk, "pptx"])
    text = _deck_text(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content)
    for word in words:
        assert word in text
    assert english not in text


def test_the_svg_speaks_the_exporters_language_with_local_numbers(client, viewer, office_move):
    client.force_login(viewer)
    url = reverse("map_export", args=[office_move.workspace.slug, office_move.pk, "svg"])
    svg = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Durchlaufzeit-Leiter" in svg and "Lead-time ladder" not in svg
    assert "Abteilungsübergreifende Übergabe" in svg

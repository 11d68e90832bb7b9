"""Download views and buttons: every member may export, outsiders get 404, files are right."""

from __future__ import annotations

import io
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from pptx import Presentation

from valuestreams.imports.interchange import parse_document
from valuestreams.imports.maps import map_import

from .test_export_files import pdf_page_size, png_is_complete

DEMO = Path(__file__).resolve().parents[2] / "valuestreams" / "demo" / "office_move.json"
TYPES = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "svg": "image/svg+xml",
    "png": "image/png",
    "pdf": "application/pdf",
    "json": "application/json",
}

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_map(workspace):
    return map_import(workspace=workspace, document=parse_document(json.loads(DEMO.read_text())))


def url(map_obj, fmt: str) -> str:
    return reverse("map_export", args=[map_obj.workspace.slug, map_obj.pk, fmt])


@pytest.mark.parametrize("fmt", list(TYPES))
def test_a_viewer_downloads_every_format_with_its_type_and_name(client, viewer, demo_map, fmt):
    client.force_login(viewer)

    response = client.get(url(demo_map, fmt))

    today = timezone.localdate().isoformat()
    assert response.status_code == 200
    assert response["Content-Type"] == TYPES[fmt]
    assert response["Content-Disposition"] == (
        f'attachment; filename="office-move-request-{today}.{fmt}"'
    )
    body = response.content
    if fmt == "pptx":
        assert len(Presentation(io.BytesIO(body)).slides) >= 5
    elif fmt == "png":
        assert png_is_complete(body)
    elif fmt == "pdf":
        assert pdf_page_size(body)[0] > 0
    elif fmt == "svg":
        assert body.startswith(b"<svg") and b"cw-step" in body
    else:
        assert json.loads(body)["name"] == demo_map.name


@pytest.mark.parametrize("role", ["owner", "facilitator", "editor", "viewer"])
def test_every_role_may_export(request, client, demo_map, role):
    client.force_login(request.getfixturevalue(role))

    assert client.get(url(demo_map, "svg")).status_code == 200


def test_an_anonymous_visitor_is_sent_to_log_in(client, demo_map):
    response = client.get(url(demo_map, "pptx"))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_map_of_another_workspace_is_not_found(client, outsider, demo_map):
    client.force_login(outsider)

    assert client.get(url(demo_map, "pptx")).status_code == 404


def test_an_unknown_format_is_not_found(client, viewer, demo_map):
    client.force_login(viewer)

    assert client.get(url(demo_map, "docx")).status_code == 404


def test_a_download_is_read_only(client, editor, demo_map):
    client.force_login(editor)

    assert client.post(url(demo_map, "pptx")).status_code == 405


def test_a_name_in_another_script_is_encoded_in_the_header(client, viewer, demo_map):
    demo_map.name = "Umzug — Büro"
    demo_map.save(update_fields=["name"])
    client.force_login(viewer)

    disposition = client.get(url(demo_map, "png"))["Content-Disposition"]

    assert "filename*=utf-8''umzug-b%C3%BCro-" in disposition


@pytest.mark.parametrize("page", ["map_detail", "map_editor"])
def test_the_map_page_and_the_editor_offer_every_download(client, editor, demo_map, page):
    client.force_login(editor)

    html = client.get(reverse(page, args=[demo_map.workspace.slug, demo_map.pk])).text

    today = timezone.localdate().isoformat()
    for fmt in TYPES:
        assert f'href="{url(demo_map, fmt)}"' in html
        assert f'download="office-move-request-{today}.{fmt}"' in html


def test_a_viewer_sees_the_downloads_in_the_read_only_editor(client, viewer, demo_map):
    client.force_login(viewer)

    html = client.get(reverse("map_editor", args=[demo_map.workspace.slug, demo_map.pk])).text

    assert url(demo_map, "pptx") in html


def test_the_map_page_has_a_print_stylesheet(client, viewer, demo_map):
    client.force_login(viewer)

    html = client.get(reverse("map_detail", args=[demo_map.workspace.slug, demo_map.pk])).text

    assert 'href="/static/css/print.css" media="print"' in html


@pytest.mark.parametrize("fmt", ["pptx", "png", "pdf", "svg"])
def test_export_map_writes_every_format(demo_map, tmp_path, fmt):
    target = tmp_path / f"out.{fmt}"

    call_command("export_map", str(demo_map.pk), format=fmt, output=str(target), stderr=StringIO())

    body = target.read_bytes()
    if fmt == "pptx":
        assert Presentation(str(target)).slides
    elif fmt == "png":
        assert png_is_complete(body)
    elif fmt == "pdf":
        assert pdf_page_size(body)[1] > 0
    else:
        assert body.startswith(b"<svg")


def test_export_map_refuses_an_unknown_format(demo_map):
    with pytest.raises(CommandError, match="unknown format"):
        call_command("export_map", str(demo_map.pk), format="docx")

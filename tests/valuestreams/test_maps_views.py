"""Map pages: create, import, download and delete."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from departments.models import Department
from journeys.models import Persona
from valuestreams.imports.interchange import parse_document
from valuestreams.imports.maps import map_import
from valuestreams.models import Improvement, Lane, Map, Stage, Step

from ..factories import map_with_steps

DEMO = Path(__file__).resolve().parents[2] / "valuestreams" / "demo" / "onboarding_current.json"

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_editor(client, editor):
    client.force_login(editor)
    return client


def map_data(**overrides):
    data = {"name": "Office move", "kind": "value_stream", "persona": "", "description": ""}
    data["stages"] = "Ask, Plan, Move"
    data.update(overrides)
    return data


def test_an_editor_creates_a_map_with_its_stages(as_editor, workspace):
    response = as_editor.post(reverse("map_create", args=[workspace.slug]), map_data())

    map_obj = Map.objects.get(workspace=workspace)
    assert response.status_code == 302
    # Straight into the editor, at the form for the first lane.
    editor = reverse("map_editor", args=[workspace.slug, map_obj.pk])
    assert response["Location"] == f"{editor}#lane-add"
    assert list(map_obj.stages.values_list("name", flat=True)) == ["Ask", "Plan", "Move"]
    assert not map_obj.lanes.exists()


def test_the_new_map_form_offers_before_during_after(as_editor, workspace):
    response = as_editor.get(reverse("map_create", args=[workspace.slug]))

    assert 'value="Before, During, After"' in response.text


def test_a_map_with_twice_the_same_stage_is_refused(as_editor, workspace):
    response = as_editor.post(
        reverse("map_create", args=[workspace.slug]), map_data(stages="Ask, Plan, Ask")
    )

    assert response.status_code == 200
    assert "“Ask” is listed twice." in response.text
    assert not Map.objects.exists()


def test_a_map_without_stages_is_refused(as_editor, workspace):
    response = as_editor.post(reverse("map_create", args=[workspace.slug]), map_data(stages=" , "))

    assert "Name at least one stage." in response.text
    assert not Map.objects.exists()


def test_a_map_without_a_name_is_refused(as_editor, workspace):
    response = as_editor.post(reverse("map_create", args=[workspace.slug]), map_data(name=" "))

    assert response.status_code == 200
    assert not Map.objects.exists()


def test_a_map_cannot_follow_a_persona_of_another_workspace(as_editor, workspace, other_workspace):
    foreign = Persona.objects.create(workspace=other_workspace, name="Stranger")

    response = as_editor.post(
        reverse("map_create", args=[workspace.slug]), map_data(persona=foreign.pk)
    )

    assert "Select a valid choice" in response.text
    assert not Map.objects.exists()


def test_a_map_follows_a_persona_of_its_workspace(as_editor, workspace):
    persona = Persona.objects.create(workspace=workspace, name="Sanne")

    as_editor.post(
        reverse("map_create", args=[workspace.slug]),
        map_data(kind="employee_journey", persona=persona.pk),
    )

    assert Map.objects.get().persona == persona


def upload(content: bytes | str, name: str = "map.json") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="application/json")


def test_an_editor_imports_a_map_file(as_editor, workspace):
    response = as_editor.post(
        reverse("map_import", args=[workspace.slug]), {"file": upload(DEMO.read_bytes())}
    )

    map_obj = Map.objects.get(workspace=workspace)
    assert response.status_code == 302
    assert map_obj.name == "New hire onboarding"
    assert map_obj.steps.count() == len(json.loads(DEMO.read_text())["steps"])


def counts():
    return [m.objects.count() for m in (Map, Stage, Lane, Step, Department, Persona)]


def test_an_import_lists_every_problem_with_its_place_and_imports_nothing(as_editor, workspace):
    data = json.loads(DEMO.read_text())
    data["steps"][3]["complete_accurate_pct"] = 140
    data["steps"][0]["emotion"] = 3
    before = counts()

    response = as_editor.post(
        reverse("map_import", args=[workspace.slug]), {"file": upload(json.dumps(data))}
    )

    assert response.status_code == 200
    assert "steps[3].complete_accurate_pct: %C&amp;A is a percentage" in response.text
    assert "steps[0].emotion: Emotion goes from −2 to +2." in response.text
    assert counts() == before


def test_an_import_of_invalid_json_names_line_and_column(as_editor, workspace):
    response = as_editor.post(
        reverse("map_import", args=[workspace.slug]),
        {"file": upload('{\n  "format": "crosswalk-map",\n  oops\n}')},
    )

    assert response.status_code == 200
    assert "file: not valid JSON: line 3, column 3" in response.text
    assert not Map.objects.exists()


def test_an_import_of_a_binary_file_is_refused(as_editor, workspace):
    response = as_editor.post(
        reverse("map_import", args=[workspace.slug]), {"file": upload(b"\xff\xfe\x00bad")}
    )

    assert "file: is not UTF-8 text" in response.text


def test_an_import_without_a_file_is_refused(as_editor, workspace):
    response = as_editor.post(reverse("map_import", args=[workspace.slug]), {})

    assert response.status_code == 200
    assert "This field is required." in response.text


def test_a_viewer_downloads_a_map_as_json_that_imports_back(client, workspace, viewer):
    map_obj = map_import(workspace=workspace, document=parse_document(json.loads(DEMO.read_text())))
    client.force_login(viewer)

    response = client.get(reverse("map_download", args=[workspace.slug, map_obj.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/json"
    assert (
        f'{slugify(map_obj.name)}-{timezone.localdate().isoformat()}.json"'
        in (response["Content-Disposition"])
    )
    assert parse_document(json.loads(response.content)).name == map_obj.name


def test_an_editor_deletes_a_map_after_confirming(as_editor, workspace):
    map_obj, (step, _) = map_with_steps(workspace)
    improvement = Improvement.objects.create(
        workspace=workspace, title="Faster", map=map_obj, step=step
    )
    url = reverse("map_delete", args=[workspace.slug, map_obj.pk])

    assert map_obj.name in as_editor.get(url).text
    response = as_editor.post(url)

    improvement.refresh_from_db()
    assert response.status_code == 302
    assert not Map.objects.exists()
    assert not Step.objects.exists()
    assert (improvement.map, improvement.step) == (None, None)


def test_map_buttons_show_only_for_roles_that_may_use_them(client, workspace, viewer):
    map_obj, _ = map_with_steps(workspace)
    client.force_login(viewer)

    detail = client.get(reverse("map_detail", args=[workspace.slug, map_obj.pk])).text
    listing = client.get(reverse("map_list", args=[workspace.slug])).text

    assert reverse("map_export", args=[workspace.slug, map_obj.pk, "pptx"]) in detail
    assert reverse("map_delete", args=[workspace.slug, map_obj.pk]) not in detail
    assert reverse("map_create", args=[workspace.slug]) not in listing


def test_an_editor_sees_the_map_buttons(as_editor, workspace):
    map_obj, _ = map_with_steps(workspace)

    detail = as_editor.get(reverse("map_detail", args=[workspace.slug, map_obj.pk])).text
    listing = as_editor.get(reverse("map_list", args=[workspace.slug])).text

    assert reverse("map_delete", args=[workspace.slug, map_obj.pk]) in detail
    assert reverse("map_import", args=[workspace.slug]) in listing

"""The JSON interchange format: round trips, bad files, the commands and the demo loader."""

from __future__ import annotations

import copy
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from departments.models import KPI, DecisionRight, Department, KPIReading, SharedGoal, Workspace
from journeys.models import Persona
from valuestreams.imports.interchange import InterchangeError, document_to_dict, parse_document
from valuestreams.imports.maps import map_document, map_import
from valuestreams.models import Handoff, Improvement, Lane, Map, Stage, Step

DEMO_DIR = Path(__file__).resolve().parents[2] / "valuestreams" / "demo"
DEMO_FILES = sorted(DEMO_DIR.glob("*.json"))

pytestmark = pytest.mark.django_db


def demo_data(name: str = "onboarding_current.json") -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DEMO_DIR / name).read_text("utf-8"))
    return data


def export(map_obj: Map) -> dict[str, Any]:
    return document_to_dict(map_document(map_obj=map_obj))


def counts() -> dict[str, int]:
    models = [Map, Stage, Lane, Step, Handoff, Department, Persona]
    return {model.__name__: model._default_manager.count() for model in models}


@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda p: p.name)
def test_a_demo_map_survives_export_and_reimport_unchanged(workspace, path):
    first = map_import(workspace=workspace, document=parse_document(json.loads(path.read_text())))
    exported = export(first)

    second = map_import(workspace=workspace, document=parse_document(exported))

    assert export(second) == exported
    assert second.pk != first.pk


@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda p: p.name)
def test_an_imported_demo_map_keeps_every_step_and_handoff(workspace, path):
    data = json.loads(path.read_text())
    map_obj = map_import(workspace=workspace, document=parse_document(data))

    assert map_obj.steps.count() == len(data["steps"])
    assert map_obj.handoffs.count() == len(data["handoffs"])
    assert map_obj.name == data["name"]


def test_an_export_survives_json_text_and_parsing_unchanged(workspace):
    map_obj = map_import(workspace=workspace, document=parse_document(demo_data()))
    exported = export(map_obj)

    document = parse_document(json.loads(json.dumps(exported)))

    assert document == map_document(map_obj=map_obj)


def test_an_import_reuses_departments_of_the_same_name(workspace):
    Department.objects.create(workspace=workspace, name="hr", color="#000000")

    map_import(workspace=workspace, document=parse_document(demo_data()))

    assert workspace.departments.filter(name__iexact="hr").count() == 1


def test_an_import_never_touches_another_workspace(workspace, other_workspace):
    map_import(workspace=workspace, document=parse_document(demo_data()))

    assert not other_workspace.departments.exists()
    assert not other_workspace.personas.exists()


def bad(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of `data` with `path` (like "steps.3.emotion") set to `value`."""
    result = copy.deepcopy(data)
    *parents, last = path.split(".")
    target: Any = result
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[int(last) if last.isdigit() else last] = value
    return result


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (
            "steps.3.complete_accurate_pct",
            140,
            "steps[3].complete_accurate_pct: %C&A is a percentage from 0 to 100.",
        ),
        ("steps.0.emotion", 3, "steps[0].emotion: Emotion goes from −2 to +2."),
        ("steps.1.process_time_minutes", -4, "steps[1].process_time_minutes: Process time can"),
        ("steps.2.lead_time_minutes", 1, "steps[2].lead_time_minutes: Lead time cannot be shorter"),
        ("steps.0.title", "", "steps[0].title: must not be empty"),
        ("steps.0.value_adding", "yes", "steps[0].value_adding: must be true or false"),
        ("handoffs.0.to", "nowhere", "handoffs[0].to: no step has the key 'nowhere'"),
        ("departments.0.color", "red", "departments[0].color: must be a hex colour"),
        ("format", "something-else", 'format: must be "crosswalk-map"'),
        ("version", 2, "version: must be 1"),
        ("kind", "mind_map", "kind: must be one of"),
        ("name", "", "name: must not be empty"),
    ],
)
def test_a_bad_file_names_the_problem_and_its_place(workspace, path, value, message):
    with pytest.raises(InterchangeError) as caught:
        parse_document(bad(demo_data(), path, value))

    assert any(error.startswith(message) for error in caught.value.errors), caught.value.errors


def test_a_bad_file_lists_every_problem_at_once():
    data = bad(bad(demo_data(), "steps.0.emotion", 9), "steps.4.complete_accurate_pct", -1)

    with pytest.raises(InterchangeError) as caught:
        parse_document(data)

    assert len(caught.value.errors) == 2


def test_a_handoff_from_a_step_to_itself_is_refused():
    data = demo_data()
    data["handoffs"].append({"from": data["steps"][0]["key"], "to": data["steps"][0]["key"]})

    with pytest.raises(InterchangeError) as caught:
        parse_document(data)

    assert any("two different steps" in e for e in caught.value.errors)


def test_a_duplicate_step_key_is_refused():
    data = demo_data()
    data["steps"][1]["key"] = data["steps"][0]["key"]

    with pytest.raises(InterchangeError) as caught:
        parse_document(data)

    assert any(e.startswith("steps[1].key: key") for e in caught.value.errors)


def test_a_file_that_is_not_an_object_is_refused():
    with pytest.raises(InterchangeError) as caught:
        parse_document([1, 2, 3])

    assert caught.value.errors == ["file: must be a JSON object"]


def write(tmp_path: Path, data: Any, name: str = "map.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), "utf-8")
    return path


def test_import_map_prints_the_new_map_id(workspace, tmp_path):
    out = StringIO()

    call_command(
        "import_map", str(write(tmp_path, demo_data())), workspace=workspace.slug, stdout=out
    )

    map_obj = Map.objects.get()
    assert out.getvalue().strip() == str(map_obj.pk)
    assert map_obj.workspace == workspace


def test_import_map_refuses_a_bad_file_and_imports_nothing(workspace, tmp_path):
    before = counts()
    path = write(tmp_path, bad(demo_data(), "steps.3.complete_accurate_pct", 140))

    with pytest.raises(CommandError) as caught:
        call_command("import_map", str(path), workspace=workspace.slug)

    assert "steps[3].complete_accurate_pct: %C&A is a percentage" in str(caught.value)
    assert counts() == before


def test_import_map_reports_invalid_json_with_line_and_column(workspace, tmp_path):
    path = write(tmp_path, '{\n  "format": "crosswalk-map",\n  oops\n}')

    with pytest.raises(CommandError) as caught:
        call_command("import_map", str(path), workspace=workspace.slug)

    assert "line 3, column 3" in str(caught.value)
    assert not Map.objects.exists()


def test_import_map_refuses_an_unknown_workspace(tmp_path):
    with pytest.raises(CommandError, match="no workspace"):
        call_command("import_map", str(write(tmp_path, demo_data())), workspace="nowhere")


def test_export_map_writes_a_file_that_imports_back(workspace, tmp_path):
    map_obj = map_import(workspace=workspace, document=parse_document(demo_data()))
    target = tmp_path / "out.json"

    call_command("export_map", str(map_obj.pk), output=str(target))

    assert json.loads(target.read_text("utf-8")) == export(map_obj)


def test_export_map_prints_to_standard_output_without_a_file(workspace):
    map_obj = map_import(workspace=workspace, document=parse_document(demo_data()))
    out = StringIO()

    call_command("export_map", str(map_obj.pk), stdout=out)

    assert json.loads(out.getvalue())["name"] == map_obj.name


def test_export_map_refuses_an_unknown_map():
    with pytest.raises(CommandError, match="no map with id 999999"):
        call_command("export_map", "999999")


def demo_counts() -> dict[str, int]:
    models = [
        Workspace, Department, Persona, DecisionRight, SharedGoal, KPI, KPIReading,
        Map, Stage, Lane, Step, Handoff, Improvement,
    ]  # fmt: skip
    return {model.__name__: model._default_manager.count() for model in models}


def test_load_demo_twice_gives_the_same_data(settings):
    settings.DEBUG = False
    call_command("load_demo", stdout=StringIO())
    first = demo_counts()

    call_command("load_demo", stdout=StringIO())

    assert demo_counts() == first
    assert first["Map"] == 4
    assert Map.objects.filter(state="future", based_on__isnull=False).count() == 1


def test_load_demo_creates_the_demo_login_only_with_debug_on(settings):
    settings.DEBUG = False
    call_command("load_demo", stdout=StringIO())
    assert not get_user_model().objects.filter(username="demo").exists()

    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())

    user = get_user_model().objects.get(username="demo")
    assert user.memberships.get().role == "owner"


def test_load_demo_leaves_out_the_login_when_asked(settings):
    settings.DEBUG = True

    call_command("load_demo", no_user=True, stdout=StringIO())

    assert not get_user_model().objects.filter(username="demo").exists()

"""Hostile values at every entry: a clear message or a 400, never a 500, nothing saved.

Each test here once failed: lead times of 1e308 took a workspace down (issue 7,
defect 3), `²` in a request value answered 500 (defect 9), and imports with huge
numbers, deep nesting, NUL or lone surrogates answered 500 (defect 10).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.factories import UserFactory, map_with_steps
from valuestreams.imports.interchange import InterchangeError, load_document
from valuestreams.models import Handoff, Map, MapChange, Step
from valuestreams.rules import MAX_MINUTES

from .editor_helpers import HTMX, client_for, fresh_cache, url

pytestmark = pytest.mark.django_db
__all__ = ["fresh_cache"]  # autouse: a clean analysis cache per test

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "valuestreams" / "demo" / "onboarding_current.json"


@pytest.fixture
def board(workspace):
    return map_with_steps(workspace)


# -- Defect 3: numbers out of any sane range ----------------------------------------


def test_ten_years_is_the_longest_time_a_step_may_take(board, editor):
    map_obj, (first, _second) = board
    data = {"title": "Ask", "version": 1, "lead_time_minutes": MAX_MINUTES}

    response = client_for(editor).post(url("step_edit", map_obj, first.pk), data, headers=HTMX)

    assert response.status_code == 200
    first.refresh_from_db()
    assert first.lead_time_minutes == MAX_MINUTES


def test_two_connected_steps_at_the_longest_time_keep_every_page_up(board, workspace, editor):
    map_obj, steps = board
    client = client_for(editor)
    for step in steps:
        data = {"title": step.title, "version": 1, "lead_time_minutes": MAX_MINUTES}
        response = client.post(url("step_edit", map_obj, step.pk), data, headers=HTMX)
        assert response.status_code == 200

    for name in ("workspace_home", "map_list"):
        assert client.get(reverse(name, args=[workspace.slug])).status_code == 200
    for name in ("map_detail", "map_editor", "map_present", "map_history", "map_analysis_json"):
        assert client.get(url(name, map_obj)).status_code == 200, name


def test_the_database_refuses_a_time_over_ten_years(board):
    _map, (first, _second) = board
    for values in ({"lead_time_minutes": MAX_MINUTES * 2}, {"process_time_minutes": 1e308}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Step.objects.filter(pk=first.pk).update(
                **{"process_time_minutes": None, "lead_time_minutes": None, **values}
            )


def test_the_admin_refuses_a_time_over_ten_years(client, board):
    _map, (first, _second) = board
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    admin_url = reverse("admin:valuestreams_step_change", args=[first.pk])
    form = client.get(admin_url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("pain_points", "opportunities")
    }
    data.update(pain_points="[]", opportunities="[]", lead_time_minutes="1e308")

    response = client.post(admin_url, data)

    assert response.status_code == 200
    assert "at most 5,256,000 minutes" in response.content.decode()
    first.refresh_from_db()
    assert first.lead_time_minutes != 1e308


# -- Defect 9: request values that only look like numbers ---------------------------

SUPERSCRIPT_TWO = "²"


def test_unicode_digits_in_editor_links_answer_400_naming_the_value(board, owner, editor, viewer):
    map_obj, (first, _second) = board
    editor_client, viewer_client = client_for(editor), client_for(viewer)
    requests: list[tuple[Any, str, str, dict[str, str]]] = [
        (editor_client, "get", url("map_editor", map_obj), {"step": SUPERSCRIPT_TWO}),
        (viewer_client, "get", url("map_poll", map_obj), {"version": SUPERSCRIPT_TWO}),
        (viewer_client, "get", url("map_poll", map_obj), {"step": "-1"}),
        (editor_client, "get", url("step_add_panel", map_obj), {"lane": SUPERSCRIPT_TWO}),
        (editor_client, "get", url("step_add_panel", map_obj), {"stage": "1" * 40}),
        (
            editor_client,
            "post",
            url("step_edit", map_obj, first.pk),
            {"title": "Ask", "version": SUPERSCRIPT_TWO},
        ),
        (editor_client, "post", url("step_delete", map_obj, first.pk), {"version": "²"}),
        (
            editor_client,
            "post",
            url("handoff_add", map_obj),
            {"from_step": SUPERSCRIPT_TWO, "to_step": "1"},
        ),
        (
            client_for(owner),
            "get",
            reverse("improvement_create", args=[map_obj.workspace.slug]),
            {"map": SUPERSCRIPT_TWO},
        ),
    ]
    for client, method, path, data in requests:
        response = getattr(client, method)(path, data, headers=HTMX)
        assert response.status_code == 400, (path, data)
        assert "not valid" in response.content.decode(), (path, data)
    assert Step.objects.filter(map=map_obj).count() == 2
    assert Handoff.objects.filter(map=map_obj).count() == 1
    assert not MapChange.objects.exists()


def test_a_unicode_digit_lane_on_step_add_is_a_form_error(board, editor):
    map_obj, (first, _second) = board

    response = client_for(editor).post(
        url("step_add", map_obj),
        {"title": "New", "lane": SUPERSCRIPT_TWO, "stage": first.stage_id},
        headers=HTMX,
    )

    assert response.status_code in (400, 422)
    assert Step.objects.filter(map=map_obj).count() == 2


# -- Defect 10: import files that used to answer 500 --------------------------------


def demo() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DEMO.read_text("utf-8"))
    return data


def with_step_value(field: str, raw_json: str) -> str:
    """The demo file with one step value replaced by raw JSON text (e.g. a huge number)."""
    data = demo()
    data["steps"][0][field] = "__PLACEHOLDER__"
    return json.dumps(data).replace('"__PLACEHOLDER__"', raw_json)


def with_text(path: tuple[Any, ...], value: Any) -> str:
    data = demo()
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return json.dumps(data)


HOSTILE_FILES = {
    "a 400-digit time": (with_step_value("lead_time_minutes", "9" * 400), "finite number"),
    "a 5,000-digit time": (with_step_value("process_time_minutes", "7" * 5000), "finite number"),
    "a 5,000-digit emotion": (with_step_value("emotion", "1" * 5000), "finite number"),
    "a time of 1e308": (with_step_value("lead_time_minutes", "1e308"), "at most"),
    "NaN": (with_step_value("lead_time_minutes", "NaN"), "finite number"),
    "Infinity": (with_step_value("lead_time_minutes", "-Infinity"), "finite number"),
    "2,000 levels of nesting": ("[" * 2000 + "]" * 2000, "nested too deeply"),
    "a lone surrogate": (with_text(("name",), "\ud800"), "not valid Unicode"),
    "a NUL in a name": (with_text(("steps", 0, "title"), "Sign\x00"), "NUL"),
    "a NUL in a pain point": (with_text(("steps", 0, "pain_points"), ["a", "\x00"]), "NUL"),
    "a NUL in a department": (with_text(("departments", 0, "name"), "HR\x00"), "NUL"),
    "a NUL in a step's department": (with_text(("steps", 0, "department"), "\x00"), "NUL"),
    "a surrogate in a stage": (with_text(("stages", 0), "\udfff"), "not valid Unicode"),
    "version true": (with_text(("version",), True), "version: must be 1"),
    "version 1.0": (with_text(("version",), 1.0), "version: must be 1"),
}


@pytest.mark.parametrize("case", HOSTILE_FILES)
def test_a_hostile_import_file_is_refused_with_its_reason(case):
    text, reason = HOSTILE_FILES[case]

    with pytest.raises(InterchangeError) as caught:
        load_document(text.encode("utf-8", "surrogatepass"))

    assert reason in str(caught.value), caught.value.errors


@pytest.mark.parametrize("case", HOSTILE_FILES)
def test_a_hostile_upload_shows_its_reason_and_saves_nothing(client, workspace, editor, case):
    text, reason = HOSTILE_FILES[case]
    client.force_login(editor)
    upload = SimpleUploadedFile("map.json", text.encode("utf-8", "surrogatepass"))

    response = client.post(reverse("map_import", args=[workspace.slug]), {"file": upload})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was imported" in html
    assert reason in html
    assert not Map.objects.exists()
    assert not Step.objects.exists()


def test_import_map_refuses_a_hostile_file_with_a_command_error(workspace, tmp_path):
    path = tmp_path / "map.json"
    path.write_bytes(with_step_value("lead_time_minutes", "9" * 400).encode())

    with pytest.raises(CommandError, match="lead_time_minutes: must be a finite number"):
        call_command("import_map", str(path), workspace=workspace.slug)
    assert not Map.objects.exists()


def test_import_map_prints_a_clean_error_and_exits_non_zero(tmp_path):
    path = tmp_path / "map.json"
    path.write_text("[" * 2000 + "]" * 2000)

    done = subprocess.run(
        [sys.executable, "manage.py", "import_map", str(path), "--workspace", "anywhere"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode != 0
    assert "nested too deeply" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_upload_over_the_size_limit_is_refused_before_reading_it(client, workspace, editor):
    client.force_login(editor)
    upload = SimpleUploadedFile("map.json", b" " * (10 * 1024 * 1024) + b"{}")

    response = client.post(reverse("map_import", args=[workspace.slug]), {"file": upload})

    assert response.status_code == 200
    assert "larger than 5 MB" in response.content.decode()
    assert not Map.objects.exists()

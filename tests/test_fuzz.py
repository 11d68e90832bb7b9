"""Hypothesis fuzzing of every form, every editor endpoint and the import format.

Whatever arrives (numbers at the edges, NaN, infinities, huge and unicode-digit
integers, NUL, lone surrogates, deep nesting, very large files), the answer is
a clear 4xx or error message, never a 500, and a refused request changes
nothing. Every POST route of the project is found through the URL resolver (the
walker of test_foreign_workspace) and receives values for every field name any
of our forms declares. Example counts are kept small so the file runs in well
under a minute.
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import departments.forms
import journeys.forms
import valuestreams.forms
import valuestreams.forms_maps
from departments.models import Workspace
from valuestreams.imports.interchange import InterchangeError, load_document
from valuestreams.imports.maps import map_import
from valuestreams.models import Map

from .test_foreign_workspace import ROUTES, Route, World, build_world, kwargs_for

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[1] / "valuestreams" / "demo" / "onboarding_current.json"
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# -- Values ---------------------------------------------------------------------------

EDGE_NUMBERS = [
    "0", "-0", "-1", "1e308", "-1e308", "1e309", "5256000", "5256001", "2147483648",
    "9223372036854775808", "-9223372036854775809", "NaN", "nan", "inf", "-Infinity",
    "²", "1²", "٣", "١٠", "Ⅻ", "½", "0x10", "1_000", " 7 ", "1e-400", "9" * 400, "8" * 5000,
]  # fmt: skip
EDGE_TEXTS = ["", " ", "\x00", "a\x00b", "line\nbreak", "x" * 5000, "<script>", "‮", "😀"]
# The test client encodes as UTF-8, so lone surrogates cannot travel over HTTP;
# they are fuzzed through the import format below.
SENDABLE_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
NUMBERS = st.one_of(
    st.sampled_from(EDGE_NUMBERS),
    st.floats().map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
HOSTILE = st.one_of(NUMBERS, st.sampled_from(EDGE_TEXTS), SENDABLE_TEXT)


def form_field_names() -> list[str]:
    """Every field name any form of the project declares, plus request values."""
    names = {"version", "position", "from_step", "to_step", "step", "lane", "stage", "map"}
    for module in (departments.forms, journeys.forms, valuestreams.forms, valuestreams.forms_maps):
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and hasattr(cls, "base_fields"):
                names |= set(cls.base_fields)
    return sorted(names)


FIELDS = form_field_names()
# Deletes take no field but `version` (tested in test_hostile_input); left in, one
# early example would delete the world the later ones fuzz. Uploads are fuzzed below.
POST_ROUTES = [
    r for r in ROUTES if r.name != "map_import" and not r.name.endswith(("_delete", "_remove"))
]
GET_ROUTES = [r for r in ROUTES if r.name]


def fingerprint() -> tuple[Any, ...]:
    """Row counts of every model of ours and the sum of map versions: any write shows."""
    ours = [m for m in apps.get_models() if m._meta.app_label in {"departments", "journeys"}]
    ours += [m for m in apps.get_models() if m._meta.app_label == "valuestreams"]
    versions = sum(Map.objects.values_list("version", flat=True))
    return (*(m._default_manager.count() for m in ours), versions)


@pytest.fixture
def world(workspace: Workspace, owner: Any) -> World:
    return build_world(workspace)


@pytest.fixture
def as_owner(owner: Any) -> Client:
    client = Client()
    client.force_login(owner)
    return client


def url_of(route: Route, world: World) -> str:
    return reverse(route.name, kwargs=kwargs_for(route, world))


# -- Every POST route with hostile values for every field ------------------------------


@FUZZ
@given(
    route=st.sampled_from(POST_ROUTES),
    data=st.fixed_dictionaries({}, optional=dict.fromkeys(FIELDS, HOSTILE)),
    htmx=st.booleans(),
)
def test_no_post_route_answers_500_and_a_refusal_changes_nothing(
    world, as_owner, route, data, htmx
):
    client = as_owner
    before = fingerprint()

    headers = {"HX-Request": "true"} if htmx else {}
    response = client.post(url_of(route, world), data, headers=headers)

    assert response.status_code < 500, (route.name, data)
    if response.status_code >= 400 and response.status_code != 404:
        assert fingerprint() == before, (route.name, data, response.status_code)


@FUZZ
@given(
    route=st.sampled_from(GET_ROUTES),
    query=st.fixed_dictionaries(
        {}, optional=dict.fromkeys(["step", "version", "lane", "stage", "map", "mode"], HOSTILE)
    ),
)
def test_no_page_answers_500_whatever_its_query_string(world, as_owner, route, query):
    response = as_owner.get(url_of(route, world), query)

    assert response.status_code < 500, (route.name, query)


# -- The step form: the numbers every value stream depends on -------------------------

STEP_NUMBERS = ["process_time_minutes", "lead_time_minutes", "complete_accurate_pct", "emotion"]


@FUZZ
@given(
    numbers=st.fixed_dictionaries({name: NUMBERS for name in STEP_NUMBERS}),
    pain=st.one_of(st.sampled_from(EDGE_TEXTS), SENDABLE_TEXT),
)
def test_the_step_form_saves_only_sane_numbers_and_refuses_the_rest_in_place(
    world, as_owner, numbers, pain
):
    step = world.step
    step.refresh_from_db()
    url = reverse("step_edit", args=[world.workspace.slug, world.map.pk, step.pk])
    data = {"title": "Fuzzed", "version": step.version, "pain_points": pain, **numbers}
    before = fingerprint()

    response = as_owner.post(url, data, headers={"HX-Request": "true"})

    assert response.status_code in (200, 422), (data, response.status_code)
    step.refresh_from_db()
    if response.status_code == 422:
        assert fingerprint() == before
        assert "errorlist" in response.content.decode()
    else:
        for value in (step.process_time_minutes, step.lead_time_minutes):
            assert value is None or 0 <= value <= 5_256_000


# -- The import format -----------------------------------------------------------------


def demo() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DEMO.read_text("utf-8"))
    return data


JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**40), max_value=10**40),
        st.floats(),
        st.text(max_size=20),
        st.sampled_from(["\x00", "\ud800", "\udfff", "a\x00", "x" * 300]),
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(), inner)),
    max_leaves=8,
)
PATHS = st.sampled_from(
    [
        ("version",), ("name",), ("kind",), ("departments", 0), ("departments", 0, "name"),
        ("stages", 0), ("steps", 0), ("steps", 0, "lead_time_minutes"),
        ("steps", 1, "process_time_minutes"), ("steps", 2, "complete_accurate_pct"),
        ("steps", 0, "emotion"), ("steps", 0, "pain_points"), ("steps", 0, "title"),
        ("steps", 0, "department"), ("steps", 0, "key"), ("handoffs", 0, "from"),
        ("handoffs", 0), ("steps",),
    ]
)  # fmt: skip


def replaced(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    data = demo()
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


@FUZZ
@given(path=PATHS, value=JSON_VALUES, raw_number=st.sampled_from(EDGE_NUMBERS))
def test_an_import_either_names_its_problems_or_imports_the_whole_map(
    workspace, path, value, raw_number
):
    text = json.dumps(replaced(path, value))
    # Raw JSON numbers that json.dumps would never write: huge, tiny, NaN, Infinity.
    if raw_number.strip().lstrip("-").replace(".", "").replace("e", "").isdecimal():
        text = text.replace('"lead_time_minutes": 1', f'"lead_time_minutes": {raw_number}', 1)
    before = fingerprint()

    try:
        document = load_document(text.encode("utf-8", "surrogatepass"))
    except InterchangeError as error:
        assert error.errors and all(isinstance(e, str) and e for e in error.errors)
        assert fingerprint() == before
        return
    with transaction.atomic():
        new_map = map_import(workspace=workspace, document=document)
        assert new_map.steps.count() == len(document.steps)
        transaction.set_rollback(True)


@pytest.mark.parametrize("depth", [100, 2_000, 100_000])
def test_deep_nesting_is_refused_with_a_message(depth):
    nested = "[" * depth + "]" * depth
    with pytest.raises(InterchangeError, match=r"nested too deeply|must be a JSON object"):
        load_document(nested)
    with pytest.raises(InterchangeError):
        load_document(json.dumps({**demo(), "steps": [{"key": json.loads("[" * 50 + "]" * 50)}]}))


def test_a_10_mb_file_is_read_and_refused_with_a_message():
    data = demo()
    data["description"] = "x" * (10 * 1024 * 1024)

    with pytest.raises(InterchangeError, match="description: must be at most 10000 characters"):
        load_document(json.dumps(data).encode())


def test_a_10_mb_upload_is_refused_and_nothing_is_saved(client, workspace, editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(editor)
    data = demo()
    data["description"] = "x" * (10 * 1024 * 1024)
    before = fingerprint()

    response = client.post(
        reverse("map_import", args=[workspace.slug]),
        {"file": SimpleUploadedFile("big.json", json.dumps(data).encode())},
    )

    assert response.status_code == 200
    assert "larger than 5 MB" in response.content.decode()
    assert fingerprint() == before

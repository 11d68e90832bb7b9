"""`manage.py analyze MAP_ID [--json] [--compare]`."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("analyze", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def test_it_prints_the_analysis_json(onboarding):
    data = json.loads(run(onboarding.pk, "--json"))
    assert data["map_id"] == onboarding.pk
    assert data["kind"] == onboarding.kind
    for key in (
        "metrics",
        "critical_path",
        "department_handoffs",
        "hotspots",
        "ping_pong",
        "rework_loops",
        "problems",
        "notes",
    ):
        assert key in data
    assert 0 < data["metrics"]["activity_ratio"] <= 1
    pair = data["department_handoffs"][0]
    assert set(pair) >= {"from", "to", "count", "wait_minutes"}
    hotspot = data["hotspots"][0]
    assert set(hotspot) >= {"step_id", "title", "department", "score", "reasons"}
    assert [h["score"] for h in data["hotspots"]] == sorted(
        (h["score"] for h in data["hotspots"]), reverse=True
    )


def test_it_prints_a_readable_report(onboarding):
    text = run(onboarding.pk)
    assert onboarding.name in text
    assert "Critical path" in text
    assert "Hotspots" in text


def test_it_compares_a_future_state_with_its_current_state(onboarding, onboarding_future):
    data = json.loads(run(onboarding_future.pk, "--compare", "--json"))
    assert data["before"]["map_id"] == onboarding.pk
    assert data["after"]["map_id"] == onboarding_future.pk
    lead = data["metrics"]["lead_time_minutes"]
    assert lead["change"] == pytest.approx(lead["after"] - lead["before"])
    assert lead["after"] < lead["before"]
    assert set(data["steps"]) == {"removed", "added", "moved"}
    assert "lead_time_minutes" in run(onboarding_future.pk, "--compare")


def test_it_refuses_to_compare_a_map_that_is_not_a_future_state(onboarding):
    with pytest.raises(CommandError, match="not a future state"):
        run(onboarding.pk, "--compare")


def test_it_fails_clearly_for_an_unknown_map():
    with pytest.raises(CommandError, match="no map with id"):
        run(424242, "--json")


def test_the_benchmark_prints_figures_and_leaves_nothing_behind():
    from departments.models import Workspace
    from valuestreams.models import Map

    out = StringIO()
    call_command("bench_analysis", "--sizes", "20", "60", "--runs", "1", stdout=out)
    report = json.loads(out.getvalue())
    assert [r["steps"] for r in report["sizes"]] == [20, 60]
    assert all(r["load_queries"] <= 6 for r in report["sizes"])
    assert "20->60" in report["growth"]
    assert not Workspace.objects.exists()
    assert not Map.objects.exists()

"""`load_demo --language nl`: Gemeente Voorbeeld, the same demo in Dutch."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from departments.models import KPI, DecisionRight, Department, SharedGoal, Workspace
from valuestreams.analysis import analysis_for_map
from valuestreams.models import Handoff, Improvement, Map, Step

pytestmark = pytest.mark.django_db


def _shape(workspace: Workspace) -> dict[str, object]:
    """What both editions must share: counts, numbers and structure, not the words."""
    maps = Map.objects.filter(workspace=workspace).order_by("id")
    return {
        "departments": sorted(d.color for d in Department.objects.filter(workspace=workspace)),
        "rights": sorted(r.status for r in DecisionRight.objects.filter(workspace=workspace)),
        "goals": SharedGoal.objects.filter(workspace=workspace).count(),
        "kpis": sorted(k.target for k in KPI.objects.filter(goal__workspace=workspace)),
        "improvements": sorted(
            (i.impact, i.effort, i.status, i.step_id is not None)
            for i in Improvement.objects.filter(workspace=workspace)
        ),
        "maps": [
            (
                m.kind,
                m.state,
                m.based_on_id is not None,
                sorted(
                    (s.lead_time_minutes or 0, s.process_time_minutes or 0)
                    for s in Step.objects.filter(map=m)
                ),
                Handoff.objects.filter(map=m, rework=True).count(),
                analysis_for_map(m.pk).metrics.lead_time_minutes,
            )
            for m in maps
        ],
    }


def test_the_dutch_demo_has_the_same_maps_goals_and_improvements_in_dutch(settings):
    settings.DEBUG = False
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", language="nl", stdout=StringIO())

    english = Workspace.objects.get(slug="demo")
    dutch = Workspace.objects.get(slug="voorbeeld")
    assert dutch.name == "Gemeente Voorbeeld" and dutch.language == "nl"
    assert _shape(dutch) == _shape(english)
    names = set(Department.objects.filter(workspace=dutch).values_list("name", flat=True))
    assert {"Facilitaire Zaken", "Servicedesk", "Vergunningen", "Financiën"} <= names
    assert Map.objects.filter(workspace=dutch, name="Inwerken nieuwe medewerker").exists()
    assert Step.objects.filter(map__workspace=dutch, title="Leges betalen").exists()
    # Every improvement points at its step in the Dutch map, as in the English one.
    assert not Improvement.objects.filter(workspace=dutch, step__isnull=True).exists()


def test_loading_the_dutch_demo_twice_changes_nothing(settings):
    settings.DEBUG = False
    call_command("load_demo", language="nl", stdout=StringIO())
    first = _shape(Workspace.objects.get(slug="voorbeeld"))
    call_command("load_demo", language="nl", stdout=StringIO())
    assert _shape(Workspace.objects.get(slug="voorbeeld")) == first
    assert Map.objects.count() == 4

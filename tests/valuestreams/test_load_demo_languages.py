"""`load_demo --language nl|de`: the same demo in Dutch (Gemeente Voorbeeld) and German
(Gemeinde Musterstadt)."""

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


EDITIONS = {
    # language: slug, workspace name, departments, onboarding map, a step of the permit map
    "nl": (
        "voorbeeld",
        "Gemeente Voorbeeld",
        {"Facilitaire Zaken", "Servicedesk", "Vergunningen", "Financiën"},
        "Inwerken nieuwe medewerker",
        "Leges betalen",
    ),
    "de": (
        "musterstadt",
        "Gemeinde Musterstadt",
        {"Facility Management", "Servicedesk", "Genehmigungen", "Finanzen"},
        "Einarbeitung neuer Beschäftigter",
        "Antragsgebühr bezahlen",
    ),
}


@pytest.mark.parametrize("language", sorted(EDITIONS))
def test_a_translated_demo_has_the_same_maps_goals_and_improvements(settings, language):
    slug, name, departments, onboarding, permit_step = EDITIONS[language]
    settings.DEBUG = False
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", language=language, stdout=StringIO())

    english = Workspace.objects.get(slug="demo")
    translated = Workspace.objects.get(slug=slug)
    assert translated.name == name and translated.language == language
    assert _shape(translated) == _shape(english)
    names = set(Department.objects.filter(workspace=translated).values_list("name", flat=True))
    assert departments <= names
    assert Map.objects.filter(workspace=translated, name=onboarding).exists()
    assert Step.objects.filter(map__workspace=translated, title=permit_step).exists()
    # Every improvement points at its step in the translated map, as in the English one.
    assert not Improvement.objects.filter(workspace=translated, step__isnull=True).exists()


@pytest.mark.parametrize("language", sorted(EDITIONS))
def test_loading_a_translated_demo_twice_changes_nothing(settings, language):
    slug = EDITIONS[language][0]
    settings.DEBUG = False
    call_command("load_demo", language=language, stdout=StringIO())
    first = _shape(Workspace.objects.get(slug=slug))
    call_command("load_demo", language=language, stdout=StringIO())
    assert _shape(Workspace.objects.get(slug=slug)) == first
    assert Map.objects.count() == 4

"""Analyses are shared between requests (kept in memory by analysis/cache.py): every page,
export and the dashboard reads them and none changes them.

`StepAnalysis` and `HandoffAnalysis` are plain slotted dataclasses (faster to build
than frozen ones), so this is what keeps them read-only: after every reader has run
on the demo, each kept analysis still equals a fresh one.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from departments.models import Department, Workspace
from tests.factories import MembershipFactory, UserFactory
from valuestreams.analysis import analysis_for_map, analyze
from valuestreams.mapdata import load_map_data
from valuestreams.models import Map

pytestmark = pytest.mark.django_db


def test_no_page_export_or_dashboard_changes_a_kept_analysis(client) -> None:
    call_command("load_demo", "--no-user", stdout=io.StringIO())
    demo = Workspace.objects.get(slug="demo")
    client.force_login(MembershipFactory(workspace=demo, user=UserFactory()).user)
    maps = list(Map.objects.filter(workspace=demo))
    kept = {m.pk: analysis_for_map(m.pk) for m in maps}

    pages = [reverse("dashboard", args=[demo.slug]), reverse("workspace_home", args=[demo.slug])]
    pages += [reverse("improvement_list", args=[demo.slug])]
    pages += [
        reverse("department_detail", args=[demo.slug, d.pk])
        for d in Department.objects.filter(workspace=demo)
    ]
    for m in maps:
        args = [demo.slug, m.pk]
        pages += [reverse(name, args=args) for name in ("map_detail", "map_editor", "map_present")]
        pages += [reverse("map_export", args=[*args, kind]) for kind in ("svg", "pptx", "json")]
    for page in pages:
        assert client.get(page).status_code == 200, page

    for m in maps:
        assert analysis_for_map(m.pk) is kept[m.pk]  # still the shared object …
        assert kept[m.pk] == analyze(load_map_data(m.pk))  # … and still what was computed

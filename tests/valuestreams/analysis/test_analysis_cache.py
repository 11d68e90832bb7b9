"""The analysis of a stored map is cached by the map's version."""

from __future__ import annotations

import pytest

from valuestreams.analysis import analysis_for_map, analyze
from valuestreams.analysis import cache as analysis_cache
from valuestreams.mapdata import load_map_data
from valuestreams.models import Map
from valuestreams.services import map_touch

pytestmark = pytest.mark.django_db


def counting_analyze(monkeypatch) -> list[int]:
    """Count the analyses the cache layer runs; the result is unchanged."""
    calls: list[int] = []

    def counted(data):
        calls.append(1)
        return analyze(data)

    monkeypatch.setattr(analysis_cache, "analyze", counted)
    return calls


def test_it_gives_the_same_answer_as_the_pure_analysis(onboarding):
    assert analysis_for_map(onboarding.pk) == analyze(load_map_data(onboarding.pk))


def test_it_does_not_recompute_on_the_second_call(
    onboarding, monkeypatch, django_assert_num_queries
):
    calls = counting_analyze(monkeypatch)
    first = analysis_for_map(onboarding.pk)
    with django_assert_num_queries(1):  # only the version is read
        second = analysis_for_map(onboarding.pk)
    assert calls == [1]
    assert second == first


def test_it_recomputes_after_a_version_bump(onboarding, monkeypatch):
    calls = counting_analyze(monkeypatch)
    analysis_for_map(onboarding.pk)
    onboarding.steps.filter(title__icontains="laptop").update(lead_time_minutes=99999)
    map_touch(map_id=onboarding.pk)
    result = analysis_for_map(onboarding.pk)
    assert calls == [1, 1]
    assert result.version == onboarding.version + 1


def test_it_needs_no_query_when_the_caller_knows_the_version(onboarding, django_assert_num_queries):
    analysis_for_map(onboarding.pk)
    with django_assert_num_queries(0):
        analysis_for_map(onboarding.pk, version=onboarding.version)


def test_it_raises_for_a_missing_map():
    with pytest.raises(Map.DoesNotExist):
        analysis_for_map(987654)


def test_an_analysis_survives_pickling_unchanged(onboarding) -> None:
    import pickle

    from valuestreams.analysis import analysis_for_map

    result = analysis_for_map(onboarding.pk)

    assert pickle.loads(pickle.dumps(result)) == result

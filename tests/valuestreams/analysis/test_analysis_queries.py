"""Loading and analysing a stored map costs a fixed number of queries whatever its size."""

from __future__ import annotations

import pytest

from valuestreams.analysis import analysis_for_map
from valuestreams.imports.maps import map_import
from valuestreams.management.commands.bench_analysis import synthetic_document

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("size", [5, 600])
def test_it_analyses_a_stored_map_in_six_queries(workspace, size, django_assert_num_queries):
    map_obj = map_import(workspace=workspace, document=synthetic_document(size, seed=size))
    with django_assert_num_queries(6):  # version + the loader's five
        result = analysis_for_map(map_obj.pk)
    assert result.metrics.steps == size

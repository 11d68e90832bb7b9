"""The analysis of a stored map, cached by the map's version.

The only module of the analysis that touches Django (the cache; the database only
through the loader in `mapdata.py`): it reads the map's current version (one
query, `map_version`), looks in the cache under a key made of the map id and that
version, and only on a miss loads the map (`load_map_data`, five queries) and
analyses it. Every change to a map bumps its version, so a stale entry is never
read again and simply ages out of the cache.
"""

from __future__ import annotations

from django.core.cache import cache

from ..mapdata import MapData, load_map_data, map_version
from .engine import analyze
from .results import MapAnalysis, MapMetrics

# Bump when MapAnalysis changes shape, so old pickles are never read back.
SCHEMA = 1
TIMEOUT_SECONDS = 24 * 60 * 60


def cache_key(map_id: int, version: int) -> str:
    """The cache key of one version of one map's analysis."""
    return f"crosswalk:analysis:{SCHEMA}:{map_id}:{version}"


def analysis_for_data(data: MapData) -> MapAnalysis:
    """The analysis of already loaded map data, from the cache when that version is there.

    For views that load the map anyway: no query at all.
    """
    key = cache_key(data.id, data.version)
    result = cache.get(key)
    if isinstance(result, MapAnalysis):
        return result
    result = analyze(data)
    cache.set(key, result, TIMEOUT_SECONDS)
    return result


def analysis_for_map(map_id: int, *, version: int | None = None) -> MapAnalysis:
    """The analysis of the stored map `map_id`, recomputed only when its version changed.

    One query when cached (none when the caller already knows the current
    `version`, e.g. from the map it just loaded), six when not. Raises
    Map.DoesNotExist.
    """
    if version is None:
        version = map_version(map_id)
    result = cache.get(cache_key(map_id, version))
    if isinstance(result, MapAnalysis):
        return result
    # The key uses the version actually loaded, in case the map changed meanwhile.
    return analysis_for_data(load_map_data(map_id))


def metrics_for_map(map_id: int, *, version: int) -> MapMetrics:
    """Only the key metrics of a stored map, cached on their own under its version.

    For pages that list many maps: a 10,000-step map's whole analysis takes most
    of a second to read back from the cache, its metrics a few microseconds.
    """
    key = f"{cache_key(map_id, version)}:metrics"
    metrics = cache.get(key)
    if isinstance(metrics, MapMetrics):
        return metrics
    metrics = analysis_for_map(map_id, version=version).metrics
    cache.set(key, metrics, TIMEOUT_SECONDS)
    return metrics

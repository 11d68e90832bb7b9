"""The analysis of a stored map, cached by the map's version.

The only module of the analysis that touches Django (the cache; the database only
through the loader in `mapdata.py`): it reads the map's current version (one
query, `map_version`), looks in the cache under a key made of the map id and that
version, and only on a miss loads the map (`load_map_data`, five queries) and
analyses it. Every change to a map bumps its version, so a stale entry is never
read again and simply ages out of the cache.

In front of the shared cache sits a small memo of this process's recent
results: reading a pickled analysis back costs more than computing it (about
35 ms against 12 ms for 200 steps), and the dashboard reads every map's. A memo
entry is used only while the shared cache still holds its key, so clearing or
expiring the cache drops it too; results are frozen, so sharing them is safe.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol, TypeVar

from django.core.cache import cache

from ..mapdata import MapData, load_map_data, map_version
from .engine import _collector_paused, analyze
from .results import MapAnalysis, MapMetrics

# Bump when MapAnalysis changes shape, so old pickles are never read back.
SCHEMA = 3
TIMEOUT_SECONDS = 24 * 60 * 60


MEMO_SIZE = 512
_memo: OrderedDict[str, MapAnalysis] = OrderedDict()
_memo_lock = threading.Lock()


def _remember(key: str, result: MapAnalysis) -> None:
    with _memo_lock:
        _memo[key] = result
        _memo.move_to_end(key)
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)


def _recalled(key: str) -> MapAnalysis | None:
    """The memo's result for `key`, while the shared cache still has the key."""
    with _memo_lock:
        result = _memo.get(key)
    if result is not None and cache.has_key(key):
        return result
    return None


def _cache_get(key: str) -> MapAnalysis | None:
    result = _recalled(key)
    if result is not None:
        return result
    found = cache.get(key)
    if isinstance(found, MapAnalysis):
        _remember(key, found)
        return found
    return None


def _cache_set(key: str, result: MapAnalysis) -> None:
    cache.set(key, result, TIMEOUT_SECONDS)
    _remember(key, result)


def cache_key(map_id: int, version: int) -> str:
    """The cache key of one version of one map's analysis."""
    return f"crosswalk:analysis:{SCHEMA}:{map_id}:{version}"


def analysis_for_data(data: MapData) -> MapAnalysis:
    """The analysis of already loaded map data, from the cache when that version is there.

    For views that load the map anyway: no query at all.
    """
    key = cache_key(data.id, data.version)
    result = _cache_get(key)
    if result is None:
        result = analyze(data)
        _cache_set(key, result)
    return result


def analysis_for_map(map_id: int, *, version: int | None = None) -> MapAnalysis:
    """The analysis of the stored map `map_id`, recomputed only when its version changed.

    One query when cached (none when the caller already knows the current
    `version`, e.g. from the map it just loaded), six when not. Raises
    Map.DoesNotExist.
    """
    if version is None:
        version = map_version(map_id)
    result = _cache_get(cache_key(map_id, version))
    if result is not None:
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


class VersionedMap(Protocol):
    """What the cache needs of a stored map: its id and version."""

    @property
    def pk(self) -> int: ...

    @property
    def version(self) -> int: ...


M = TypeVar("M", bound=VersionedMap)


def analyses_for_maps(
    maps: Sequence[M], load: Callable[[Sequence[M]], Mapping[int, MapData]]
) -> dict[int, MapAnalysis]:
    """The analyses of several loaded maps, by map id: one cache round trip for all.

    Only the maps whose version is not cached are loaded, together, by `load`
    (the loader's `maps_data_from`: four queries whatever their number), so this
    package still touches no model itself.
    """
    keys = {m.pk: cache_key(m.pk, m.version) for m in maps}
    out = {map_id: r for map_id, key in keys.items() if (r := _recalled(key)) is not None}
    found = cache.get_many([key for map_id, key in keys.items() if map_id not in out])
    for map_id, key in keys.items():
        result = found.get(key)
        if map_id not in out and isinstance(result, MapAnalysis):
            _remember(key, result)
            out[map_id] = result
    missing = [m for m in maps if m.pk not in out]
    if missing:
        # Loading and analysing many maps keeps every result alive; paused, the
        # cyclic collector does not walk that growing heap again and again.
        with _collector_paused():
            fresh = {m_id: analyze(data) for m_id, data in load(missing).items()}
        cache.set_many({keys[m_id]: result for m_id, result in fresh.items()}, TIMEOUT_SECONDS)
        for m_id, result in fresh.items():
            _remember(keys[m_id], result)
        out.update(fresh)
    return out

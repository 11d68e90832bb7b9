"""The analysis of a stored map, kept by the map's version.

The only module of the analysis that touches Django (the cache; the database only
through the loader in `mapdata.py`): it reads the map's current version (one
query, `map_version`), looks for the analysis of that version, and only on a
miss loads the map (`load_map_data`, five queries) and analyses it. Every change
to a map bumps its version, so a stale result is never read again and simply
ages out.

Results are kept as they are, in this process, never serialised: reading a
pickled analysis back costs more than computing it (at 10,000 steps 220–390 ms
against 190 ms), and the editor asks for one on every edit. The store is bounded
in bytes (`ANALYSIS_CACHE_MB`, estimated per step and handoff), oldest out
first. Another process (or one after a restart) computes its own. A result is
used only while the shared cache still holds a small marker under its key, so
clearing or expiring the cache drops it too; results are frozen, so sharing
them between threads is safe. Only the key metrics, a few hundred bytes, go
into the shared cache itself, for lists of many maps.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol, TypeVar

from django.conf import settings
from django.core.cache import cache

from ..mapdata import MapData, load_map_data, map_version
from ..weighed import WeighedStore
from .engine import _collector_paused, analyze
from .results import MapAnalysis, MapMetrics

# Bump when MapAnalysis changes shape, so old entries are never read back.
SCHEMA = 4
TIMEOUT_SECONDS = 24 * 60 * 60
#: Estimated bytes of a kept analysis: a base plus so much per step and per handoff
#: (measured with tracemalloc: about 0.8 KB a step on maps of 200 to 5,000 steps).
BASE_BYTES, STEP_BYTES, HANDOFF_BYTES = 10_000, 500, 300

_newest: dict[int, str] = {}  # map id -> the key of its version in the store
_newest_lock = threading.Lock()


def estimated_bytes(result: MapAnalysis) -> int:
    """About how much memory `result` holds (without walking its objects)."""
    return BASE_BYTES + STEP_BYTES * len(result.steps) + HANDOFF_BYTES * len(result.handoffs)


def store_limit() -> int:
    """The store's bound in bytes, from the ANALYSIS_CACHE_MB setting."""
    return int(getattr(settings, "ANALYSIS_CACHE_MB", 64)) * 1024 * 1024


_store: WeighedStore[MapAnalysis] = WeighedStore(store_limit)


def stored_bytes() -> int:
    """The estimated bytes of the analyses this process keeps now."""
    return _store.weight


def _remember(key: str, result: MapAnalysis) -> None:
    size = estimated_bytes(result)
    if size > store_limit():
        return
    with _newest_lock:
        # One version per map: after an edit the older one is never asked for again
        # (a workshop's hundred edits of a big map would otherwise fill the store).
        older = _newest.get(result.map_id)
        if older is not None and older != key:
            _store.pop(older)
        _newest[result.map_id] = key
    _store.put(key, result, size)


def forget_all() -> None:
    """Empty this process's store of analyses, as a restart does."""
    with _newest_lock:
        _store.clear()
        _newest.clear()


def _recalled(key: str) -> MapAnalysis | None:
    """The kept result for `key`, while the shared cache still has the key's marker."""
    result = _store.get(key, touch=True)
    if result is not None and cache.has_key(key):
        return result
    return None


def _cache_set(key: str, result: MapAnalysis) -> None:
    cache.set(key, True, TIMEOUT_SECONDS)
    _remember(key, result)


def cache_key(map_id: int, version: int) -> str:
    """The cache key of one version of one map's analysis."""
    return f"crosswalk:analysis:{SCHEMA}:{map_id}:{version}"


def analysis_for_data(data: MapData) -> MapAnalysis:
    """The analysis of already loaded map data, from the cache when that version is there.

    For views that load the map anyway: no query at all.
    """
    key = cache_key(data.id, data.version)
    result = _recalled(key)
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
    result = _recalled(cache_key(map_id, version))
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
    """The analyses of several loaded maps, by map id.

    Only the maps whose version is not cached are loaded, together, by `load`
    (the loader's `maps_data_from`: four queries whatever their number), so this
    package still touches no model itself.
    """
    keys = {m.pk: cache_key(m.pk, m.version) for m in maps}
    out = {map_id: r for map_id, key in keys.items() if (r := _recalled(key)) is not None}
    missing = [m for m in maps if m.pk not in out]
    if missing:
        # Loading and analysing many maps keeps every result alive; paused, the
        # cyclic collector does not walk that growing heap again and again.
        with _collector_paused():
            fresh = {m_id: analyze(data) for m_id, data in load(missing).items()}
        cache.set_many({keys[m_id]: True for m_id in fresh}, TIMEOUT_SECONDS)
        for m_id, result in fresh.items():
            _remember(keys[m_id], result)
        out.update(fresh)
    return out

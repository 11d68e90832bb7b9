"""The editor keeps the data of the maps it drew, bounded in maps and in steps."""

from __future__ import annotations

import dataclasses

from valuestreams import mapdata
from valuestreams.mapdata import KEPT_MAPS, KEPT_STEPS, keep

from .mapdata_builders import big_map


def test_the_oldest_maps_go_first_and_a_map_is_kept_once() -> None:
    base = big_map(10, lanes=2, stages=2)
    for map_id in range(KEPT_MAPS + 3):
        keep(dataclasses.replace(base, id=map_id))
    keep(dataclasses.replace(base, id=KEPT_MAPS + 2, version=base.version + 1))
    assert list(mapdata._kept) == list(range(3, KEPT_MAPS + 3))
    assert mapdata._kept[KEPT_MAPS + 2].version == base.version + 1


def test_the_steps_kept_stay_within_their_bound() -> None:
    half = big_map(KEPT_STEPS // 2 + 1, lanes=4, stages=8)
    keep(dataclasses.replace(half, id=1))
    keep(dataclasses.replace(half, id=2))  # both together are over the bound
    assert list(mapdata._kept) == [2]
    keep(big_map(KEPT_STEPS + 1, lanes=4, stages=8))  # alone over it: not kept at all
    assert list(mapdata._kept) == [2]

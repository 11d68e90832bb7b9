"""Workshop against data: which handoffs the data shows that the workshop missed, and back.

Pure: takes two loaded maps (`MapData`), no database. Lanes are matched by their
department's name and steps by their title, both without case or extra spaces
(`title_key`); `aliases` maps a name used in the data to the workshop's name for
the same thing ("Org line C" → "Service desk"), for lanes and steps alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..mapdata import MapData
from .compare import title_key


@dataclass(frozen=True)
class NamePair:
    """A handoff between two names (lanes or steps), as the reader sees them."""

    from_name: str
    to_name: str
    label: str = ""


@dataclass(frozen=True)
class WorkshopVsData:
    """Lanes and handoffs found in both maps, only in the data, only in the workshop."""

    lanes_both: list[str]
    lanes_only_data: list[str]
    lanes_only_workshop: list[str]
    lane_handoffs_both: list[NamePair]
    lane_handoffs_missed: list[NamePair]
    lane_handoffs_unseen: list[NamePair]
    step_handoffs_both: list[NamePair]
    step_handoffs_missed: list[NamePair]
    step_handoffs_unseen: list[NamePair]


def parse_aliases(text: str) -> dict[str, str]:
    """Lines of `name in the data = name in the workshop`, keyed by the data's name."""
    aliases = {}
    for line in text.splitlines():
        if "=" in line:
            data_name, workshop_name = (part.strip() for part in line.split("=", 1))
            if data_name and workshop_name:
                aliases[title_key(data_name)] = title_key(workshop_name)
    return aliases


def _lane_pairs(data: MapData, key: dict[int, str]) -> dict[tuple[str, str], str]:
    lane_of = {s.id: s.lane_id for s in data.steps}
    pairs: dict[tuple[str, str], str] = {}
    for h in data.handoffs:
        a, b = key[lane_of[h.from_step_id]], key[lane_of[h.to_step_id]]
        if a != b:
            pairs.setdefault((a, b), h.label)
    return pairs


def _step_pairs(data: MapData, key: dict[int, str]) -> dict[tuple[str, str], str]:
    return {(key[h.from_step_id], key[h.to_step_id]): h.label for h in data.handoffs}


def compare_workshop_with_data(
    workshop: MapData, found: MapData, aliases: dict[str, str] | None = None
) -> WorkshopVsData:
    """Compare the workshop's map with a discovered one, at lane and at step level."""
    aliases = aliases or {}

    def name(text: str) -> str:
        key = title_key(text)
        return aliases.get(key, key)

    shown: dict[str, str] = {}
    for data in (workshop, found):
        for lane in data.lanes:
            shown.setdefault(name(lane.name), lane.name)
        for step in data.steps:
            shown.setdefault(name(step.title), step.title)
    w_lanes = {lane.id: name(lane.name) for lane in workshop.lanes}
    d_lanes = {lane.id: name(lane.name) for lane in found.lanes}
    w_steps = {s.id: name(s.title) for s in workshop.steps}
    d_steps = {s.id: name(s.title) for s in found.steps}

    def split(
        ours: dict[tuple[str, str], str], data: dict[tuple[str, str], str]
    ) -> tuple[list[NamePair], list[NamePair], list[NamePair]]:
        def pair(key: tuple[str, str], label: str) -> NamePair:
            return NamePair(shown[key[0]], shown[key[1]], label)

        both = [pair(k, data[k]) for k in data if k in ours]
        missed = [pair(k, data[k]) for k in data if k not in ours]
        unseen = [pair(k, ours[k]) for k in ours if k not in data]
        return both, missed, unseen

    lanes_w, lanes_d = set(w_lanes.values()), set(d_lanes.values())
    lane_split = split(_lane_pairs(workshop, w_lanes), _lane_pairs(found, d_lanes))
    step_split = split(_step_pairs(workshop, w_steps), _step_pairs(found, d_steps))
    return WorkshopVsData(
        lanes_both=sorted(shown[k] for k in lanes_w & lanes_d),
        lanes_only_data=sorted(shown[k] for k in lanes_d - lanes_w),
        lanes_only_workshop=sorted(shown[k] for k in lanes_w - lanes_d),
        lane_handoffs_both=lane_split[0],
        lane_handoffs_missed=lane_split[1],
        lane_handoffs_unseen=lane_split[2],
        step_handoffs_both=step_split[0],
        step_handoffs_missed=step_split[1],
        step_handoffs_unseen=step_split[2],
    )

"""The demo maps (valuestreams/demo/*.json) as plain `MapData`, without a database.

Ids follow the file: lanes and departments by the order of `departments`, stages
by `stages`, steps by `steps` (from 1), positions by order inside each cell, and
`MapData.steps` in reading order, as the loader gives them.
"""

from __future__ import annotations

import json
from pathlib import Path

from valuestreams.mapdata import HandoffData, LaneData, MapData, StageData, StepData

DEMO = Path(__file__).resolve().parents[3] / "valuestreams" / "demo"


def demo_map(name: str) -> MapData:
    """The demo map `name` (the file name without .json) as plain data."""
    doc = json.loads((DEMO / f"{name}.json").read_text(encoding="utf-8"))
    lanes = tuple(
        LaneData(i, i, d["name"], d["name"][:3], d["color"])
        for i, d in enumerate(doc["departments"], start=1)
    )
    lane_of = {lane.name: lane.id for lane in lanes}
    stage_of = {name: i for i, name in enumerate(doc["stages"], start=1)}
    cells: dict[tuple[int, int], int] = {}
    steps: list[StepData] = []
    key_of: dict[str, int] = {}
    for i, raw in enumerate(doc["steps"], start=1):
        lane, stage = lane_of[raw["department"]], stage_of[raw["stage"]]
        position = cells.get((lane, stage), 0)
        cells[(lane, stage)] = position + 1
        key_of[raw["key"]] = i
        steps.append(
            StepData(
                id=i,
                lane_id=lane,
                department_id=lane,
                stage_id=stage,
                position=position,
                title=raw["title"],
                process_time_minutes=raw.get("process_time_minutes"),
                lead_time_minutes=raw.get("lead_time_minutes"),
                complete_accurate_pct=raw.get("complete_accurate_pct"),
                value_adding=bool(raw.get("value_adding")),
                touchpoint=raw.get("touchpoint", ""),
                channel=raw.get("channel", ""),
                emotion=raw.get("emotion"),
                pain_points=(),
                opportunities=(),
                owner="",
                version=1,
            )
        )
    steps.sort(key=lambda s: (s.stage_id, s.lane_id, s.position, s.id))
    handoffs = tuple(
        HandoffData(
            i, key_of[h["from"]], key_of[h["to"]], h.get("label", ""), h.get("rework", False), 1
        )
        for i, h in enumerate(doc["handoffs"], start=1)
    )
    return MapData(
        id=1,
        workspace_id=1,
        name=doc["name"],
        kind=doc["kind"],
        state=doc["state"],
        version=1,
        based_on_id=None,
        persona="",
        working_day_minutes=480,
        lanes=lanes,
        stages=tuple(StageData(i, n) for n, i in stage_of.items()),
        steps=tuple(steps),
        handoffs=handoffs,
    )

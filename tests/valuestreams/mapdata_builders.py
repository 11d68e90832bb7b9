"""Plain `MapData` for layout and rendering tests: no database needed."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

from valuestreams.mapdata import HandoffData, LaneData, MapData, StageData, StepData

LANES = (
    LaneData(1, 10, "Human Resources", "HR", "#4C78A8"),
    LaneData(2, 20, "IT Services", "IT", "#F58518"),
    LaneData(3, 30, "Facilities", "FAC", "#54A24B"),
    LaneData(4, 40, "Service Desk", "SD", "#B279A2"),
)
STAGES = (
    StageData(1, "Offer signed"),
    StageData(2, "Before day 1"),
    StageData(3, "Day 1"),
    StageData(4, "First week"),
)


def step(id: int, lane: int, stage: int, position: int = 0, title: str = "", **kw: Any) -> StepData:
    """A step in lane ``lane`` (department ``lane * 10``) and stage ``stage``."""
    fields: dict[str, Any] = {
        "process_time_minutes": None,
        "lead_time_minutes": None,
        "complete_accurate_pct": None,
        "value_adding": True,
        "touchpoint": "",
        "channel": "",
        "emotion": None,
        "pain_points": (),
        "opportunities": (),
        "owner": "",
        "version": 1,
    }
    fields.update(kw)
    return StepData(
        id=id,
        lane_id=lane,
        department_id=lane * 10,
        stage_id=stage,
        position=position,
        title=title or f"Step {id}",
        **fields,
    )


def handoff(id: int, a: int, b: int, label: str = "", rework: bool = False) -> HandoffData:
    return HandoffData(id=id, from_step_id=a, to_step_id=b, label=label, rework=rework, version=1)


def map_data(
    steps: tuple[StepData, ...],
    handoffs: tuple[HandoffData, ...] = (),
    *,
    kind: str = "value_stream",
    lanes: tuple[LaneData, ...] = LANES,
    stages: tuple[StageData, ...] = STAGES,
    version: int = 7,
) -> MapData:
    return MapData(
        id=42,
        workspace_id=1,
        name="Onboarding",
        kind=kind,
        state="current",
        version=version,
        based_on_id=None,
        persona="",
        working_day_minutes=480,
        lanes=lanes,
        stages=stages,
        steps=steps,
        handoffs=handoffs,
    )


def onboarding(kind: str = "value_stream") -> MapData:
    """A realistic onboarding map: 12 steps, cross-department handoffs, two rework loops."""
    rows = [
        (1, 1, 1, 0, "Send contract and collect personal data", 45, 960, 70, 1, "email"),
        (2, 1, 1, 1, "Register new hire in HR system", 30, 480, 90, 0, "web"),
        (3, 2, 2, 0, "Create account and mailbox", 20, 1440, 85, None, "system"),
        (4, 2, 2, 1, "Order and prepare laptop", 90, 2400, 60, -1, "system"),
        (5, 3, 2, 0, "Assign desk and access badge", 30, 960, 80, 0, "email"),
        (6, 4, 2, 0, "Check access rights request", 15, 480, 50, -2, "email"),
        (7, 1, 3, 0, "Welcome and introduction", 120, 180, 95, 2, "in person"),
        (8, 4, 3, 0, "Hand out laptop and first login", 30, 240, 75, -1, "in person"),
        (9, 3, 3, 0, "Hand over badge and keys", 10, 60, None, 1, "in person"),
        (10, 2, 4, 0, "Grant application access", 40, 1440, 70, -1, "app"),
        (11, 4, 4, 0, "Resolve first-week tickets", 60, 960, None, -2, "chat"),
        (12, 1, 4, 0, "Onboarding check-in with manager", 30, 960, 100, 1, "in person"),
    ]
    steps = tuple(
        step(
            i,
            lane,
            stage,
            pos,
            title,
            process_time_minutes=pt,
            lead_time_minutes=lt,
            complete_accurate_pct=ca,
            emotion=emotion,
            channel=channel,
            touchpoint="Welcome session" if i == 7 else "",
        )
        for i, lane, stage, pos, title, pt, lt, ca, emotion, channel in rows
    )
    handoffs = (
        handoff(1, 1, 2),
        handoff(2, 2, 3, "new-hire form"),
        handoff(3, 2, 5),
        handoff(4, 3, 4),
        handoff(5, 3, 6),
        handoff(6, 6, 2, "data missing", rework=True),
        handoff(7, 4, 8),
        handoff(8, 5, 9),
        handoff(9, 7, 8),
        handoff(10, 8, 10),
        handoff(11, 10, 11),
        handoff(12, 11, 10, "wrong group", rework=True),
        handoff(13, 7, 12),
        handoff(14, 1, 7),
    )
    return map_data(steps, handoffs, kind=kind)


def big_map(n: int = 1000, lanes: int = 10, stages: int = 20, seed: int = 3) -> MapData:
    """``n`` steps in a chain with random rework back-edges (seeded, so stable)."""
    rnd = random.Random(seed)
    lane_data = tuple(
        LaneData(i, i * 10, f"Dept {i}", f"D{i}", "#4C78A8") for i in range(1, lanes + 1)
    )
    stage_data = tuple(StageData(i, f"Stage {i}") for i in range(1, stages + 1))
    steps = tuple(
        step(
            i,
            rnd.randint(1, lanes),
            min(stages, 1 + (i - 1) * stages // n),
            i,
            f"Step {i} " + rnd.choice(["check", "approve the budget request", "update"]),
            process_time_minutes=rnd.randint(5, 120),
            lead_time_minutes=rnd.randint(120, 4000),
        )
        for i in range(1, n + 1)
    )
    handoffs: list[HandoffData] = []
    for i in range(1, n):
        handoffs.append(handoff(len(handoffs) + 1, i, i + 1))
        if rnd.random() < 0.1:
            handoffs.append(
                handoff(len(handoffs) + 1, i, rnd.randint(max(1, i - 30), i), rework=True)
            )
    return map_data(steps, tuple(handoffs), lanes=lane_data, stages=stage_data)


#: Names that break careless renderers: markup, right-to-left text, emoji, a
#: 200-character word and characters XML forbids.
HOSTILE_NAMES = (
    "<script>alert('x')</script> & \"quotes\" ]]>",
    "طلب تصريح الحدث",
    "Onboarding 🚀🎉 done ✅",
    "W" * 200,
    "bad\x00control\x0bchars",
)


def hostile_map(name: str) -> MapData:
    """Two steps, a handoff and the map itself all named `name`."""
    steps = (
        step(1, 1, 1, title=name, process_time_minutes=5, lead_time_minutes=50),
        step(2, 2, 2, title=name[::-1], process_time_minutes=5, lead_time_minutes=60),
    )
    return replace(map_data(steps, (handoff(1, 1, 2, label=name),)), name=name)

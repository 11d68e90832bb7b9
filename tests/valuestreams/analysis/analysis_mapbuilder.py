"""Build `MapData` by hand for fast, database-free tests of the analysis."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from valuestreams.mapdata import HandoffData, LaneData, MapData, StageData, StepData


@dataclass
class MapBuilder:
    """Steps and handoffs added one by one; departments become lanes in first-seen order."""

    name: str = "Test map"
    map_id: int = 1
    kind: str = "value_stream"
    state: str = "current"
    based_on_id: int | None = None
    working_day_minutes: int = 480
    version: int = 1
    lanes: dict[str, LaneData] = field(default_factory=dict)
    stages: dict[str, StageData] = field(default_factory=dict)
    steps: list[StepData] = field(default_factory=list)
    handoffs: list[HandoffData] = field(default_factory=list)
    next_step_id: int = 1
    next_handoff_id: int = 1

    def lane(self, department: str) -> LaneData:
        if department not in self.lanes:
            n = len(self.lanes) + 1
            self.lanes[department] = LaneData(
                id=100 + n, department_id=n, name=department, short_name="", color="#4C78A8"
            )
        return self.lanes[department]

    def stage(self, name: str) -> StageData:
        if name not in self.stages:
            self.stages[name] = StageData(id=500 + len(self.stages) + 1, name=name)
        return self.stages[name]

    def step(
        self,
        title: str,
        department: str,
        pt: float | None = None,
        lt: float | None = None,
        ca: float | None = None,
        va: bool = False,
        stage: str = "Stage",
        step_id: int | None = None,
    ) -> int:
        lane = self.lane(department)
        sid = step_id if step_id is not None else self.next_step_id
        self.next_step_id = max(self.next_step_id, sid) + 1
        self.steps.append(
            StepData(
                id=sid,
                lane_id=lane.id,
                department_id=lane.department_id,
                stage_id=self.stage(stage).id,
                position=len(self.steps),
                title=title,
                process_time_minutes=pt,
                lead_time_minutes=lt,
                complete_accurate_pct=ca,
                value_adding=va,
                touchpoint="",
                channel="",
                emotion=None,
                pain_points=(),
                opportunities=(),
                owner="",
                version=1,
            )
        )
        return sid

    def handoff(self, a: int, b: int, rework: bool = False) -> int:
        hid = self.next_handoff_id
        self.next_handoff_id += 1
        self.handoffs.append(
            HandoffData(id=hid, from_step_id=a, to_step_id=b, label="", rework=rework, version=1)
        )
        return hid

    def chain(self, *ids: int) -> None:
        for a, b in itertools.pairwise(ids):
            self.handoff(a, b)

    def build(self) -> MapData:
        return MapData(
            id=self.map_id,
            workspace_id=1,
            name=self.name,
            kind=self.kind,
            state=self.state,
            version=self.version,
            based_on_id=self.based_on_id,
            persona="",
            working_day_minutes=self.working_day_minutes,
            lanes=tuple(self.lanes.values()),
            stages=tuple(self.stages.values()),
            steps=tuple(self.steps),
            handoffs=tuple(self.handoffs),
        )

"""The map as text: the tables that stand beside its diagram for every reader.

Pure: plain map data in, rows out. The map page, the editor and presentation mode
show the same two tables (steps per lane and stage; handoffs with both lanes and the
wait they lead into), so a screen-reader user gets the numbers a viewer sees.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .mapdata import HandoffData, LaneData, MapData, StepData


@dataclass(frozen=True, slots=True)
class HandoffRow:
    """One handoff with its two steps, their lanes and the receiving step's wait."""

    handoff: HandoffData
    from_step: StepData
    to_step: StepData
    from_lane: LaneData
    to_lane: LaneData
    wait_minutes: float | None

    @property
    def crosses(self) -> bool:
        """True when the work changes department."""
        return self.from_lane.id != self.to_lane.id


@dataclass(frozen=True, slots=True)
class MapText:
    """Both tables: per lane its steps per stage, and every handoff."""

    lane_rows: list[tuple[LaneData, list[list[StepData]]]]
    handoff_rows: list[HandoffRow]


def map_as_text(data: MapData) -> MapText:
    """The map's steps by lane and stage and its handoffs, in display order."""
    cells: dict[tuple[int, int], list[StepData]] = defaultdict(list)
    for step in data.steps:
        cells[(step.lane_id, step.stage_id)].append(step)
    lane_rows = [
        (lane, [cells.get((lane.id, stage.id), []) for stage in data.stages]) for lane in data.lanes
    ]
    steps = {step.id: step for step in data.steps}
    lanes = {lane.id: lane for lane in data.lanes}
    handoff_rows = []
    for h in data.handoffs:
        source, target = steps[h.from_step_id], steps[h.to_step_id]
        pt, lt = target.process_time_minutes, target.lead_time_minutes
        handoff_rows.append(
            HandoffRow(
                handoff=h,
                from_step=source,
                to_step=target,
                from_lane=lanes[source.lane_id],
                to_lane=lanes[target.lane_id],
                wait_minutes=lt - pt if lt is not None and pt is not None else None,
            )
        )
    return MapText(lane_rows, handoff_rows)

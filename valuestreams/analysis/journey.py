"""The order in which a journey's steps happen: pure code on plain map data."""

from __future__ import annotations

import heapq

from ..mapdata import MapData


def journey_order(data: MapData) -> tuple[int, ...]:
    """The step ids in the order the journey runs: a topological order of the handoffs.

    Rework handoffs are left out (they send work back, against the journey). Of
    the steps whose every predecessor has come, the first in reading order (stage,
    then lane, then position in the cell, then id: the order of `data.steps`) comes
    next, so steps in parallel keep the order of the map, and a step a handoff leads
    to always comes after the step it comes from, whatever lane it sits in. Should
    non-rework handoffs form a cycle (a modelling error the analysis reports), the
    first waiting step in reading order is taken next, so every step is listed once.
    """
    rank = {s.id: i for i, s in enumerate(data.steps)}
    succ: dict[int, list[int]] = {i: [] for i in rank}
    waiting = dict.fromkeys(rank, 0)
    for h in data.handoffs:
        a, b = h.from_step_id, h.to_step_id
        if h.rework or a == b or a not in rank or b not in rank:
            continue
        succ[a].append(b)
        waiting[b] += 1
    ready = [rank[i] for i, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    ids = [s.id for s in data.steps]
    done: list[int] = []
    placed: set[int] = set()
    pending = 0  # index into reading order: the next candidate when a cycle blocks
    while len(done) < len(ids):
        if not ready:
            while ids[pending] in placed:
                pending += 1
            heapq.heappush(ready, pending)
        step = ids[heapq.heappop(ready)]
        if step in placed:
            continue
        placed.add(step)
        done.append(step)
        for nxt in succ[step]:
            waiting[nxt] -= 1
            if waiting[nxt] == 0 and nxt not in placed:
                heapq.heappush(ready, rank[nxt])
    return tuple(done)

"""Handoff analysis of maps: pure networkx code on plain data, cached by map version.

Public API:

- `analyze(data: MapData) -> MapAnalysis` — pure; no database.
- `analysis_for_map(map_id: int) -> MapAnalysis` — cached by the map's version.
- `analysis_for_data(data: MapData) -> MapAnalysis` — cached, for already loaded data.
- `metrics_for_map(map_id, version=...) -> MapMetrics` — only the key numbers, for lists.
- `compare(before, after) -> Comparison` — current state against future state.
- `analysis_to_dict(result) -> dict`, `comparison_to_dict(comparison) -> dict` — the JSON.
- `format_duration(minutes, working_day_minutes) -> str` — "45 min", "3.5 h", "2 working days".
- `journey_order(data) -> tuple[int, ...]` — the steps in the order the handoffs run.
- `DEFINITIONS` — each figure's name and definition, for every page (definitions.py).

Definitions: docs/metrics.md.
"""

from __future__ import annotations

from departments.formats import format_duration

from .cache import analysis_for_data, analysis_for_map, metrics_for_map
from .compare import compare, title_key
from .definitions import DEFINITIONS
from .engine import analyze
from .journey import journey_order
from .messages import Message
from .results import (
    Comparison,
    DepartmentPair,
    HandoffAnalysis,
    HandoffChange,
    MapAnalysis,
    MapMetrics,
    MetricChange,
    PingPong,
    Problem,
    StepAnalysis,
    StepChange,
)
from .serialize import METRIC_NAMES, analysis_to_dict, comparison_to_dict

__all__ = [
    "DEFINITIONS",
    "METRIC_NAMES",
    "Comparison",
    "DepartmentPair",
    "HandoffAnalysis",
    "HandoffChange",
    "MapAnalysis",
    "MapMetrics",
    "Message",
    "MetricChange",
    "PingPong",
    "Problem",
    "StepAnalysis",
    "StepChange",
    "analysis_for_data",
    "analysis_for_map",
    "analysis_to_dict",
    "analyze",
    "compare",
    "comparison_to_dict",
    "format_duration",
    "journey_order",
    "metrics_for_map",
    "title_key",
]

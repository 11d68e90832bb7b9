"""pm4py's half of `manage.py bench_eventlog`.

pm4py is AGPL and a development dependency: the app never imports it. The
benchmark command loads this module from the test tree of a checkout with the
development extras installed, so both sides still run in one process.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pm4py


def pm4py_run(path: Path) -> Callable[[], object]:
    """A callable that reads the flat CSV and runs pm4py's handover, DFG and network analyses."""

    def run() -> object:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True, format="ISO8601")
        frame = pm4py.format_dataframe(
            frame, case_id="case_id", activity_key="activity", timestamp_key="timestamp"
        )
        frame["org:resource"] = frame["org_line"]
        handover = pm4py.discover_handover_of_work_network(frame)
        dfg = pm4py.discover_performance_dfg(frame)
        network = pm4py.discover_network_analysis(
            frame,
            out_column="case:concept:name",
            in_column="case:concept:name",
            node_column_source="org_line",
            node_column_target="org_line",
            edge_column="concept:name",
            performance=True,
        )
        return handover, dfg, network

    return run

"""An independent computation of handoffs and ping-pong with pandas, to check ours against.

Reads the files with other parsers than the app (pandas' CSV reader, the standard
library's ElementTree for XES), so a bug in our reader cannot hide in both.
"""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from collections import Counter
from typing import Any

import pandas as pd

from valuestreams.imports.eventlog_parse import ColumnMapping

PLACEHOLDERS = {"", "EMPTY", "?"}


def _xes_frame(path: Any, columns: list[str]) -> pd.DataFrame:
    rows: list[dict[str, str]] = []
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as handle:
        trace: list[dict[str, str]] = []
        case = ""
        for _event, element in ET.iterparse(handle, events=("end",)):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "event":
                values = {c.get("key"): c.get("value") for c in element}
                trace.append({k: values.get(k) for k in columns})
                element.clear()
            elif tag == "trace":
                for child in element:
                    if (
                        child.tag.rsplit("}", 1)[-1] != "event"
                        and child.get("key") == "concept:name"
                    ):
                        case = child.get("value")
                for row in trace:
                    row["case:concept:name"] = case
                rows.extend(trace)
                trace = []
                element.clear()
    return pd.DataFrame(rows)


def read_frame(path: Any, mapping: ColumnMapping, *, xes: bool) -> pd.DataFrame:
    """The events with columns case, ts, activity, lane, ordered per case by time and file order."""
    wanted = [mapping.activity, mapping.timestamp, mapping.lane] + (
        [mapping.lifecycle] if mapping.lifecycle else []
    )
    # CSV: everything as text and no NA guessing, because "NA" is a case id.
    frame = _xes_frame(path, wanted) if xes else pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = frame.fillna("")
    out = pd.DataFrame(
        {
            "case": frame[mapping.case].str.strip(),
            "ts": pd.to_datetime(frame[mapping.timestamp], utc=True, format="ISO8601"),
            "activity": frame[mapping.activity].str.strip(),
            "lane": frame[mapping.lane].str.strip(),
        }
    )
    if mapping.lifecycle:
        phase = frame[mapping.lifecycle].str.strip()
        out["activity"] = out["activity"].where(phase == "", out["activity"] + " - " + phase)
    missing = out["lane"].isin(PLACEHOLDERS)
    if mapping.drop_missing:
        out = out[~missing]
    else:
        out.loc[missing, "lane"] = "Unknown"
    out["order"] = range(len(out))
    return out.sort_values(["case", "ts", "order"], kind="mergesort").reset_index(drop=True)


def handoffs(frame: pd.DataFrame) -> dict[tuple[str, str], tuple[int, float, float]]:
    """(from lane, to lane) → (count, median wait min, p90 wait min) of directly-follows changes."""
    previous = frame.groupby("case", sort=False)["lane"].shift()
    waits = frame.groupby("case", sort=False)["ts"].diff().dt.total_seconds() / 60
    changed = previous.notna() & (previous != frame["lane"])
    pairs = pd.DataFrame({"a": previous[changed], "b": frame["lane"][changed], "w": waits[changed]})
    grouped = pairs.groupby(["a", "b"])["w"]
    stats = pd.DataFrame(
        {"n": grouped.size(), "median": grouped.quantile(0.5), "p90": grouped.quantile(0.9)}
    )
    return {
        (str(a), str(b)): (int(r["n"]), float(r["median"]), float(r["p90"]))
        for (a, b), r in stats.iterrows()
    }


def ping_pong(frame: pd.DataFrame) -> tuple[Counter[tuple[str, str]], int]:
    """(A, B) → number of A → B → A returns in the collapsed lane sequences; and the case count."""
    previous = frame.groupby("case", sort=False)["lane"].shift()
    collapsed = frame[previous.isna() | (previous != frame["lane"])]
    back1 = collapsed.groupby("case", sort=False)["lane"].shift(1)
    back2 = collapsed.groupby("case", sort=False)["lane"].shift(2)
    bounce = back2.notna() & (back2 == collapsed["lane"])
    counts = Counter(zip(collapsed["lane"][bounce], back1[bounce], strict=True))
    return counts, int(collapsed["case"][bounce].nunique())

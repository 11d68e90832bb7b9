"""Friendly units for times stored in minutes.

Maps store and report every time in minutes (see the metric definitions); people
read "45 min", "3.5 h" or "2.1 d" more easily. Days are *working* days: a map's
workspace says how many minutes a working day has, because "2 d" of lead time in
an office means two working days, not 48 hours.
"""

from __future__ import annotations

import math

__all__ = ["format_minutes"]

#: What is shown for a time nobody has entered yet.
UNKNOWN = "—"


def _number(value: float) -> str:
    """One decimal below 100, whole numbers above; never a trailing ".0"."""
    rounded = round(value, 1) if abs(value) < 100 else float(round(value))
    text = f"{rounded:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def format_minutes(minutes: float | None, working_day_minutes: int = 480) -> str:
    """Return a duration in the friendliest unit: "45 min", "3.5 h" or "2.1 d".

    Below an hour the value is shown in minutes, below one working day in hours,
    and from one working day on in working days of ``working_day_minutes``
    (480 = 8 hours by default). ``None`` (and NaN) becomes "—", so callers can pass
    optional step fields straight through. Negative values keep their sign.
    """
    if minutes is None or math.isnan(minutes):
        return UNKNOWN
    day = working_day_minutes if working_day_minutes > 0 else 480
    size = abs(minutes)
    if size < 60:
        return f"{_number(minutes)} min"
    if size < day:
        return f"{_number(minutes / 60)} h"
    return f"{_number(minutes / day)} d"

"""Friendly units for times that are stored in minutes."""

from __future__ import annotations


def format_minutes(minutes: float | None, working_day_minutes: int = 480) -> str:
    """A duration as a person reads it: "45 min", "3.5 h", "2.1 d" (working days).

    Working days use the map's working day (default 8 h) because office work
    waits through nights and weekends that nobody counts. None gives "—".
    """
    if minutes is None:
        return "—"
    if minutes < 60:
        return f"{minutes:.0f} min"
    if minutes < working_day_minutes:
        return f"{minutes / 60:.1f} h".replace(".0 h", " h")
    return f"{minutes / working_day_minutes:.1f} d".replace(".0 d", " d")

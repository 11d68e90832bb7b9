"""Friendly units for times stored in minutes: kept as a name for the one formatter.

The formatting itself lives in `departments.formats` (numbers, percentages,
dates and durations in the active language).
"""

from __future__ import annotations

from departments.formats import UNKNOWN
from departments.formats import format_duration as format_minutes

__all__ = ["UNKNOWN", "format_minutes"]

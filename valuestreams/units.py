"""Times stored in minutes, typed and shown in friendly units.

The formatting itself lives in `departments.formats` (numbers, percentages,
dates and durations in the active language); `format_minutes` and `UNKNOWN` are
kept here as names for it. This module adds the other direction: what a person
types into a time field ("2d", "3h", "45m", "1.5 d", "1,5 d"; a plain number is
minutes) back to minutes, and minutes to the text a time field shows, so a
value read back and saved again stays the same.

A day is one *working* day of the workspace (`Workspace.working_day_minutes`,
8 hours unless the workspace says otherwise), as everywhere else on the page.
"""

from __future__ import annotations

import math
import re

from django.utils.translation import pgettext

from departments.formats import UNKNOWN, format_number
from departments.formats import format_duration as format_minutes

__all__ = [
    "UNKNOWN",
    "DurationError",
    "day_text",
    "format_minutes",
    "minutes_as_input",
    "parse_duration",
]

#: Minutes in one unit; a day is filled in from the workspace's working day.
_UNIT_MINUTES = {"m": 1, "h": 60}

#: Unit words accepted after a number, in every language the site speaks.
_UNITS = {
    "m": "m",
    "min": "m",
    "mins": "m",
    "minute": "m",
    "minutes": "m",
    "minuut": "m",
    "minuten": "m",
    "h": "h",
    "hr": "h",
    "hrs": "h",
    "hour": "h",
    "hours": "h",
    "u": "h",
    "uur": "h",
    "uren": "h",
    "std": "h",
    "stunde": "h",
    "stunden": "h",
    "d": "d",
    "day": "d",
    "days": "d",
    "dag": "d",
    "dagen": "d",
    "t": "d",
    "tag": "d",
    "tage": "d",
}

#: One amount with an optional unit; several may follow each other ("1d 4h").
_PART = re.compile(r"\s*(-?(?:\d+(?:[.,]\d+)?|[.,]\d+)(?:e[+-]?\d+)?)\s*([^\W\d_]*)\s*", re.UNICODE)

#: The longest text a time field takes: enough for "1 d 7 h 59 m" and a typo.
MAX_INPUT_LENGTH = 40


class DurationError(ValueError):
    """A time that does not read as a number of minutes, hours or working days."""


def parse_duration(text: str, working_day_minutes: int = 480) -> float | None:
    """Minutes for a typed time: "2d", "3h", "45m", "1.5 d", "1d 4h"; a plain number is minutes.

    Empty text is None (no value). Both "." and "," are decimal marks. A minus
    sign is read (the step rules then say a time cannot be negative, as for any
    other input). Raises DurationError for anything else: unknown units, "nan",
    "inf", garbage.
    """
    cleaned = text.strip().lower()
    if not cleaned:
        return None
    if len(cleaned) > MAX_INPUT_LENGTH:
        raise DurationError(text)
    day = working_day_minutes if working_day_minutes > 0 else 480
    total = 0.0
    position = 0
    while position < len(cleaned):
        match = _PART.match(cleaned, position)
        if match is None or match.end() == position:
            raise DurationError(text)
        amount, word = match.groups()
        unit = _UNITS.get(word) if word else "m"
        if unit is None:
            raise DurationError(text)
        total += float(amount.replace(",", ".")) * (day if unit == "d" else _UNIT_MINUTES[unit])
        position = match.end()
    if not math.isfinite(total):
        raise DurationError(text)
    return total


def minutes_as_input(minutes: float | None, working_day_minutes: int = 480) -> str:
    """The text a time field shows for a stored value, in the largest unit it fits exactly.

    Always with "." as the decimal mark and English unit letters, the form
    `parse_duration` reads in any language: 960 → "2d", 90 → "1.5h", 45 → "45m".
    A value no unit divides neatly stays in minutes, so nothing is rounded away.
    """
    if minutes is None or (isinstance(minutes, float) and math.isnan(minutes)):
        return ""
    day = working_day_minutes if working_day_minutes > 0 else 480
    for unit, size in (("d", day), ("h", 60)):
        amount = minutes / size
        if minutes >= size and _neat(amount):
            return f"{_plain(amount)}{unit}"
    return f"{_plain(minutes)}m"


def _neat(amount: float) -> bool:
    # Whole, or a quarter, half or tenth: what a person would have typed.
    return any(abs(amount * k - round(amount * k)) < 1e-9 for k in (1, 2, 4, 10))


def _plain(amount: float) -> str:
    text = f"{round(amount, 6):.6f}".rstrip("0").rstrip(".")
    return text or "0"


def day_text(working_day_minutes: int) -> str:
    """What a day means here, for hints: "8 h" (in the active language's decimal mark)."""
    hours = working_day_minutes / 60
    return f"{format_number(hours, 2)} {pgettext('unit of time: hours', 'h')}"

"""Numbers, percentages, dates and durations for people, in the active language.

The one place that decides how a value reads on a page, in the diagram, in an
analysis reason or on a slide: "1.5 d" in English is "1,5 d" in Dutch and German,
"2.7%" is "2,7%" in Dutch and "2,7 %" in German, 30 November 2026 is
"30-11-2026" in Dutch and "30.11.2026" in German. Machine-readable output (the
analysis JSON, the interchange format) keeps plain numbers and never calls this.

Durations are stored in minutes (see the metric definitions) and shown in the
friendliest unit: minutes below an hour, hours below one working day, then
*working* days of the map's working day, because "2 d" of lead time in an office
means two working days, not 48 hours.
"""

from __future__ import annotations

import datetime as dt
import math

from django.utils import formats, timezone
from django.utils.translation import get_language, pgettext

__all__ = [
    "UNKNOWN",
    "format_date",
    "format_datetime",
    "format_duration",
    "format_number",
    "format_percent",
    "format_signed",
]

#: What is shown for a value nobody has entered yet.
UNKNOWN = "—"

#: Short dates per language; Django's own Dutch short format drops the leading zeros.
_DATE_FORMATS = {"nl": "d-m-Y", "de": "d.m.Y", "en": "j M Y"}
#: A moment: the short date and the time on a 24-hour clock.
_DATETIME_FORMATS = {language: f"{pattern} H:i" for language, pattern in _DATE_FORMATS.items()}


def format_number(value: float, decimals: int = 1) -> str:
    """A number for people: at most `decimals` decimals, no trailing zero, local decimal mark.

    `format_number(1.5)` is "1.5" in English and "1,5" in Dutch and German;
    `format_number(2.0)` is "2" everywhere; "-0" never appears.
    """
    rounded = round(value, decimals)
    if rounded == int(rounded):
        return formats.number_format(int(rounded) or 0)
    text = formats.number_format(rounded, decimal_pos=decimals)
    mark = formats.get_format("DECIMAL_SEPARATOR")
    return text.rstrip("0").rstrip(mark) if mark in text else text


def format_percent(fraction: float | None, decimals: int = 1) -> str:
    """A fraction as a percentage: 0.0271 → "2.7%" (en), "2,7%" (nl), "2,7 %" (de); None → "—"."""
    if fraction is None or math.isnan(fraction):
        return UNKNOWN
    return format_percent_value(fraction * 100, decimals)


def format_percent_value(percent: float | None, decimals: int = 1) -> str:
    """A value already in percent (a step's %C&A of 95) written as "95%" in the active language."""
    if percent is None or math.isnan(percent):
        return UNKNOWN
    # Translators: a percentage; German writes a space before the sign ("2,7 %").
    return pgettext("percentage", "%(number)s%%") % {"number": format_number(percent, decimals)}


def format_signed(value: int) -> str:
    """A whole number with its sign for a scale like the emotion score: "+2", "0", "−1"."""
    if value > 0:
        return f"+{value}"
    return str(value).replace("-", "−")


def format_date(value: dt.date | dt.datetime | None) -> str:
    """A short date: "30 Nov 2026" (en), "30-11-2026" (nl), "30.11.2026" (de); None → "—"."""
    return _formatted(value, _DATE_FORMATS, "SHORT_DATE_FORMAT")


def format_datetime(value: dt.datetime | None) -> str:
    """A moment in local time: "30 Nov 2026 14:05", "30-11-2026 14:05", "30.11.2026 14:05"."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return _formatted(value, _DATETIME_FORMATS, "SHORT_DATETIME_FORMAT")


def _formatted(value: dt.date | dt.datetime | None, patterns: dict[str, str], fallback: str) -> str:
    if value is None:
        return UNKNOWN
    language = (get_language() or "en").split("-")[0]
    return formats.date_format(value, patterns.get(language, fallback))


def format_duration(minutes: float | None, working_day_minutes: int = 480) -> str:
    """A duration in minutes shown in the friendliest unit: "45 min", "3.5 h" or "2.1 d".

    Below an hour the value is shown in minutes, below one working day in hours,
    and from one working day on in working days of `working_day_minutes` (480 = 8
    hours by default). One decimal below 100, whole numbers above. `None` (and NaN)
    becomes "—", so callers can pass optional step fields straight through.
    Negative values keep their sign. The unit abbreviations are translated.
    """
    if minutes is None or math.isnan(minutes):
        return UNKNOWN
    day = working_day_minutes if working_day_minutes > 0 else 480
    size = abs(minutes)
    if size < 60:
        amount, unit = minutes, pgettext("unit of time: minutes", "min")
    elif size < day:
        amount, unit = minutes / 60, pgettext("unit of time: hours", "h")
    else:
        amount, unit = minutes / day, pgettext("unit of time: working days", "d")
    decimals = 1 if abs(amount) < 100 else 0
    return f"{format_number(amount, decimals)} {unit}"

"""Template helpers shared by every page."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from typing import Any

from django import template

from departments.formats import (
    UNKNOWN,
    format_date,
    format_datetime,
    format_number,
    format_percent_value,
)
from departments.models import Role

register = template.Library()


@register.filter
def can(membership: Any, role: str) -> bool:
    """`{% if membership|can:"editor" %}`: does the member hold at least this role?"""
    if membership is None:
        return False
    return bool(membership.has_role(Role(role)))


@register.filter
def whole_minutes(duration: timedelta) -> int:
    """`{{ cooloff|whole_minutes }}`: a duration in whole minutes, rounded up."""
    return max(1, -(-int(duration.total_seconds()) // 60))


@register.filter
def localdate(value: dt.date | None) -> str:
    """`{{ goal.due_date|localdate }}` → "30 Nov 2026", "30-11-2026" (nl), "30.11.2026" (de)."""
    return format_date(value)


@register.filter
def localdatetime(value: dt.datetime | None) -> str:
    """`{{ link.expires_at|localdatetime }}` → "30-11-2026 14:05" (nl), "30.11.2026 14:05" (de)."""
    return format_datetime(value)


@register.filter
def number(value: float | None, decimals: int = 2) -> str:
    """`{{ reading.value|number }}` → "2.4" or "2,4", no trailing zeros; "—" when unknown."""
    return UNKNOWN if value is None else format_number(value, decimals)


@register.filter
def percentvalue(value: float | None) -> str:
    """`{{ step.complete_accurate_pct|percentvalue }}` → "95%" ("95 %" in German)."""
    return format_percent_value(value)

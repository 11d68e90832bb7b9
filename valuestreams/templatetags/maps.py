"""Template filters for maps: friendly durations, signed emotions, hyphenated long words."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from departments.formats import format_duration
from valuestreams.layout.text import soft_hyphenated
from valuestreams.mapdata import MapData
from valuestreams.maptext import MapText
from valuestreams.maptext import map_as_text as _map_as_text
from valuestreams.models import channel_label

register = template.Library()


@register.filter
def minutes(value: float | None, working_day_minutes: int = 480) -> str:
    """`{{ step.lead_time_minutes|minutes:480 }}` → "2.1 d"; "—" when unknown."""
    return format_duration(value, working_day_minutes)


@register.filter
def signed(value: int | float | None) -> str:
    """An emotion or change with its sign: "+2", "0", "−1"."""
    if value is None:
        return "—"
    return f"+{value:g}" if value > 0 else f"{value:g}".replace("-", "−")


@register.filter
def channel(value: str) -> str:
    """`{{ step.channel|channel }}` → "in person" ("persoonlijk" in Dutch); free text as typed."""
    return channel_label(value)


@register.filter
def map_as_text(data: MapData) -> MapText:
    """`{% with text=data|map_as_text %}`: the map's steps and handoffs as table rows."""
    return _map_as_text(data)


@register.filter
def hyphenate(value: str, language: str = "") -> str:
    """Long words with soft hyphens at their syllables, in `language` (else the page's)."""
    return soft_hyphenated(str(value), language or get_language() or "en")

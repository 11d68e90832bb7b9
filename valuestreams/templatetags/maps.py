"""Template filters for maps: friendly durations, signed emotions, hyphenated long words,
and the poll token of the live pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from departments.formats import format_duration
from valuestreams.layout.text import soft_hyphenated
from valuestreams.mapdata import MapData
from valuestreams.maptext import MapText
from valuestreams.maptext import map_as_text as _map_as_text
from valuestreams.models import channel_label
from valuestreams.polltoken import poll_token as _poll_token

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


@register.simple_tag(takes_context=True)
def poll_token(context: Any, map_id: int) -> str:
    """`&t={% poll_token map.pk %}`: the token that lets the poll gate answer "unchanged".

    Empty without a logged-in session (the poll then goes through Django alone).
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if user is None or not user.is_authenticated or not session_key:
        return ""
    return _poll_token(user_id=user.pk, map_id=map_id, session_key=session_key)

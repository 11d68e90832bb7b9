"""Template filters for the analysis partial: fractions as percentages."""

from __future__ import annotations

from django import template

from departments.formats import format_percent

register = template.Library()


@register.filter
def percent(value: float | None, decimals: int = 1) -> str:
    """`{{ 0.0271|percent }}` → "2.7%" ("2,7 %" in German); "—" when unknown."""
    return format_percent(value, decimals)

"""Template filters for the analysis partial: fractions as percentages."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(value: float | None, decimals: int = 1) -> str:
    """`{{ 0.0271|percent }}` → "2.7%"; "—" when unknown. Fractions in, percentages out."""
    if value is None:
        return "—"
    shown = round(value * 100, decimals)
    if shown == int(shown):
        return f"{number_format(int(shown))}%"
    return f"{number_format(shown, decimal_pos=decimals)}%"

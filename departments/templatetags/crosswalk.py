"""Template helpers shared by every page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import template

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

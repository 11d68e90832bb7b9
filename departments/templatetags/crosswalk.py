"""Template helpers shared by every page."""

from __future__ import annotations

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

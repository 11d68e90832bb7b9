"""The rules for a step's values, written once and used by every way in.

The editor's form, the editor's services, the JSON import, the admin (through
`Step.clean`) and the database (the check constraints use the bounds below) all
apply these same rules, so a value one path refuses can never arrive by another.

Times are minutes and must be finite and at most `MAX_MINUTES` (ten years):
enough for any real lead time, and small enough that summing the times of every
step of the largest map can never overflow a float. Text may not contain NUL
characters (PostgreSQL cannot store them) nor lone surrogates (not text at all).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

#: Step fields the editor's side panel may change.
STEP_FIELDS = (
    "title",
    "description",
    "process_time_minutes",
    "lead_time_minutes",
    "complete_accurate_pct",
    "value_adding",
    "touchpoint",
    "channel",
    "emotion",
    "pain_points",
    "opportunities",
    "owner",
)
#: The longest time a step may take: ten years of minutes.
MAX_MINUTES = 10 * 365 * 24 * 60
#: The range of a step's emotion on a journey map.
EMOTION_RANGE = (-2, 2)
#: Step fields that hold one text.
STEP_TEXT_FIELDS = ("title", "description", "touchpoint", "channel", "owner")
#: Step fields that hold a list of texts.
STEP_LIST_FIELDS = ("pain_points", "opportunities")


def text_problem(value: str) -> str | None:
    """Why a text cannot be stored (a NUL character, a lone surrogate), or None if it can."""
    if "\x00" in value:
        return _("Text cannot contain NUL characters.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _("Text contains a character that is not valid Unicode.")
    return None


def _minutes_problem(value: float, what: str) -> str | None:
    if not math.isfinite(value):
        return _("%(what)s must be a finite number of minutes.") % {"what": what}
    if value < 0:
        return _("%(what)s cannot be negative.") % {"what": what}
    if value > MAX_MINUTES:
        return _("%(what)s can be at most %(max)s minutes (ten years).") % {
            "what": what,
            "max": f"{MAX_MINUTES:,}",
        }
    return None


def step_value_errors(values: Mapping[str, Any]) -> dict[str, str]:
    """Check a step's values: field name → message, empty when all are fine.

    Only the fields present in `values` are checked, so a partial update is
    checked for what it changes. Numbers are expected already converted (the
    forms and the import do that); text fields must be `str`, list fields lists
    of `str`.
    """
    errors: dict[str, str] = {}
    for name in STEP_TEXT_FIELDS:
        value = values.get(name)
        if isinstance(value, str) and (problem := text_problem(value)):
            errors[name] = problem
    for name in STEP_LIST_FIELDS:
        items = values.get(name) or []
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            errors[name] = _("Give a list of texts.")
            continue
        problems = [problem for item in items if (problem := text_problem(item))]
        if problems:
            errors[name] = problems[0]
    if "title" in values and "title" not in errors and not str(values["title"] or "").strip():
        errors["title"] = _("A step needs a title.")
    pt, lt = values.get("process_time_minutes"), values.get("lead_time_minutes")
    pct, emotion = values.get("complete_accurate_pct"), values.get("emotion")
    if pt is not None and (problem := _minutes_problem(pt, _("Process time"))):
        errors["process_time_minutes"] = problem
        pt = None
    if lt is not None and (problem := _minutes_problem(lt, _("Lead time"))):
        errors["lead_time_minutes"] = problem
    elif pt is not None and lt is not None and lt < pt:
        errors["lead_time_minutes"] = _(
            "Lead time cannot be shorter than the process time: the work takes at least that."
        )
    if pct is not None and not (math.isfinite(pct) and 0 <= pct <= 100):
        errors["complete_accurate_pct"] = _("%C&A is a percentage from 0 to 100.")
    low, high = EMOTION_RANGE
    if emotion is not None and not low <= emotion <= high:
        errors["emotion"] = _("Emotion goes from −2 to +2.")
    return errors

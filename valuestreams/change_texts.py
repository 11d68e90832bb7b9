"""What a line of the editor's history says, in the reader's language.

A `MapChange` stores what happened as a code and its parameters (step titles,
stage and department names), never as a sentence: two people reading the same
history in Dutch and German each see it in their own language. This module is
the one place that turns a code into text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

#: Every history text by code; the parameters are names as the person typed them.
CHANGE_TEXTS: dict[str, _StrPromise] = {
    "step_added": _("Added step “%(title)s”"),
    "step_edited": _("Edited step “%(title)s”"),
    "step_moved": _("Moved step “%(title)s”"),
    "step_deleted": _("Deleted step “%(title)s”"),
    # Codes of older changes, which named no steps; kept so their history still reads.
    "steps_connected": _("Connected two steps"),
    "handoff_marked_rework": _("Marked a handoff as rework"),
    "handoff_edited": _("Edited a handoff"),
    "handoff_removed": _("Removed a handoff"),
    "handoff_added": _("Connected “%(source)s” → “%(target)s”"),
    "handoff_rework_on": _("Marked “%(source)s” → “%(target)s” as rework"),
    "handoff_rework_off": _("Marked “%(source)s” → “%(target)s” as not rework"),
    "handoff_labelled": _("Labelled “%(source)s” → “%(target)s” “%(label)s”"),
    "handoff_deleted": _("Removed the handoff “%(source)s” → “%(target)s”"),
    "stage_added": _("Added stage “%(name)s”"),
    "stage_renamed": _("Renamed stage “%(old)s” to “%(name)s”"),
    "stage_moved": _("Moved stage “%(name)s”"),
    "stage_removed": _("Removed stage “%(name)s”"),
    "lane_added": _("Added lane “%(department)s”"),
    "lane_moved": _("Moved lane “%(department)s”"),
    "lane_removed": _("Removed lane “%(department)s”"),
    "lane_department_changed": _("Lane “%(old)s” now stands for “%(department)s”"),
    "department_renamed": _("Renamed department “%(old)s” to “%(name)s” in every map"),
    "future_state_created": _("Created as a future state of “%(map)s”"),
}

#: Longest name kept in a parameter: a history line stays a line.
MAX_PARAM_LENGTH = 120


def change_params(code: str, **params: Any) -> dict[str, str]:
    """Check `code` and return its parameters as short strings, ready to store."""
    if code not in CHANGE_TEXTS:  # a typo would otherwise surface only when read
        raise KeyError(code)
    return {name: str(value)[:MAX_PARAM_LENGTH] for name, value in params.items()}


def describe_change(code: str, params: Mapping[str, Any], fallback: str = "") -> str:
    """The history line for `code` in the active language.

    `fallback` is the English sentence that changes recorded before codes existed
    carry; it is shown as written when there is no code.
    """
    text = CHANGE_TEXTS.get(code)
    if text is None:
        return fallback
    try:
        return str(text) % dict(params)
    except (KeyError, TypeError, ValueError):
        # A translation that names a parameter wrongly must not break the page.
        return str(text)

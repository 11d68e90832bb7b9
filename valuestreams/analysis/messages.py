"""Words for managers: reasons, notes and problems, translated when they are read.

Analysis results are cached and shared by every viewer whatever their language,
so a result never stores translated text. It stores a `Message`: a code and its
numbers. The text is made in the reader's active language each time it is read
(`str(message)` or `message.text`), and durations are formatted then too, in the
friendliest unit for the map's working day.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy, ngettext_lazy

from departments.formats import format_duration, format_number

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

# Every text the analysis can show, by code. Parameters ending in `_minutes` are
# durations and are formatted with `format_duration`; `count` picks the plural.
TEMPLATES: dict[str, _StrPromise] = {
    # Hotspot reasons for a step.
    "step_wait_share": gettext_lazy(
        "%(wait_minutes)s of the %(total_minutes)s of waiting over all steps happens here"
    ),
    "step_on_critical_path": gettext_lazy("on the critical path"),
    "step_rework_target": ngettext_lazy(
        "target of a rework loop", "target of %(count)d rework loops", "count"
    ),
    "step_receives_from": ngettext_lazy(
        "receives work from another department",
        "receives work from %(count)d departments",
        "count",
    ),
    "step_input_quality": gettext_lazy(
        "only %(percent)s%% of the work it receives from other departments is complete and accurate"
    ),
    # Added by the portfolio: a decision the step or a handoff into it waits for.
    "decision_right_unclear": gettext_lazy(
        "depends on the decision right “%(area)s”, which nobody clearly holds"
    ),
    "decision_right_contested": gettext_lazy(
        "depends on the decision right “%(area)s”, which departments dispute"
    ),
    # Hotspot reasons for a department pair.
    "pair_wait_share": gettext_lazy(
        "%(wait_minutes)s of the %(total_minutes)s of waiting over all steps happens"
        " after these handoffs"
    ),
    "pair_handoff_share": gettext_lazy("%(count)d of the %(total)d cross-department handoffs"),
    "pair_on_critical_path": gettext_lazy("on the critical path"),
    "pair_quality": gettext_lazy(
        "only %(percent)s%% of what is delivered is complete and accurate"
    ),
    "pair_ping_pong": ngettext_lazy(
        "work goes back and forth (ping-pong) once",
        "work goes back and forth (ping-pong) %(count)d times",
        "count",
    ),
    "pair_rework": ngettext_lazy(
        "includes a rework handoff", "includes %(count)d rework handoffs", "count"
    ),
    # Why a metric could not be computed.
    "note_no_steps": gettext_lazy("the map has no steps"),
    "note_missing_lead_time": ngettext_lazy(
        "a step on the critical path has no lead time: %(titles)s",
        "%(count)d steps on the critical path have no lead time: %(titles)s",
        "count",
    ),
    "note_missing_process_time": ngettext_lazy(
        "a step on the critical path has no process time: %(titles)s",
        "%(count)d steps on the critical path have no process time: %(titles)s",
        "count",
    ),
    "note_missing_process_time_all": ngettext_lazy(
        "a step has no process time: %(titles)s",
        "%(count)d steps have no process time: %(titles)s",
        "count",
    ),
    "note_missing_value_adding_time": ngettext_lazy(
        "a value-adding step on the critical path has no process time: %(titles)s",
        "%(count)d value-adding steps on the critical path have no process time: %(titles)s",
        "count",
    ),
    "note_lead_time_unknown": gettext_lazy("the total lead time is unknown"),
    "note_process_time_unknown": gettext_lazy("the total process time is unknown"),
    "note_lead_time_zero": gettext_lazy("the total lead time is zero"),
    "note_no_complete_accurate": gettext_lazy("no step has a %%C&A"),
    "note_no_value_adding": gettext_lazy(
        "no step is marked value-adding: tick “Value-adding” on the steps the customer"
        " would pay for"
    ),
    "note_path_chosen_by_known_times": ngettext_lazy(
        "a step off the critical path has no lead time, so a slower path may exist: %(titles)s",
        "%(count)d steps off the critical path have no lead time, so a slower path may exist:"
        " %(titles)s",
        "count",
    ),
    "note_flow_cycle": gettext_lazy(
        "the non-rework handoffs form a cycle; path metrics ignore the handoffs that close it"
    ),
    # Modelling errors.
    "problem_flow_cycle": gettext_lazy(
        "these steps form a cycle without a rework handoff: %(titles)s (mark the handoff"
        " that sends work back as rework)"
    ),
    "problem_unreachable": ngettext_lazy(
        "a step cannot be reached from any start step: %(titles)s",
        "%(count)d steps cannot be reached from any start step: %(titles)s",
        "count",
    ),
    "problem_isolated": ngettext_lazy(
        "a step has no handoffs: %(titles)s",
        "%(count)d steps have no handoffs: %(titles)s",
        "count",
    ),
    "problem_step_without_lane": gettext_lazy(
        "handoff %(handoff)s goes to or from a step without a lane: %(titles)s"
    ),
    "problem_self_handoff": gettext_lazy(
        "handoff %(handoff)s joins a step to itself; it was left out"
    ),
    "problem_unknown_step": gettext_lazy(
        "handoff %(handoff)s refers to a step that is not on this map; it was left out"
    ),
    "problem_lead_below_process": ngettext_lazy(
        "a step has a lead time shorter than its process time: %(titles)s",
        "%(count)d steps have a lead time shorter than their process time: %(titles)s",
        "count",
    ),
    "problem_too_many_loops": gettext_lazy("only the first %(count)d rework loops are listed"),
}

# Only so many step titles go into one sentence; the step ids are listed anyway.
MAX_TITLES = 5


def titles_text(titles: tuple[str, ...]) -> str:
    """Up to MAX_TITLES quoted titles, then "…" for the rest."""
    shown = ", ".join(f"“{t}”" for t in titles[:MAX_TITLES])
    return shown + (", …" if len(titles) > MAX_TITLES else "")


class CompactPickle:
    """Pickles a frozen, slotted dataclass as its class and a tuple of its fields.

    The dataclass default for slotted classes looks the fields up and builds a
    dict per object, which made a cached 200-step analysis cost 35 ms to read
    back and 23 ms to store, more than computing it (12 ms). A tuple is about
    ten times cheaper both ways. Fields must all be `__init__` parameters.
    """

    __slots__ = ()

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        cls = type(self)
        fields = _FIELD_GETTERS.get(cls)
        if fields is None:
            # One C-level getter per class for all its fields, always giving a tuple.
            names: tuple[str, ...] = cls.__slots__
            getter = attrgetter(*names)
            fields = _FIELD_GETTERS[cls] = getter if len(names) > 1 else lambda o: (getter(o),)
        return (cls, fields(self))


_FIELD_GETTERS: dict[type, Any] = {}


@dataclass(frozen=True, slots=True)
class Message(CompactPickle):
    """A reason, note or problem as a code with its numbers; text made when read.

    `params` is a tuple of (name, value) pairs so the message stays hashable and
    cheap to cache. Names ending in `_minutes` are durations.
    """

    code: str
    params: tuple[tuple[str, Any], ...] = ()
    working_day_minutes: int = 480

    def values(self) -> dict[str, Any]:
        """The parameters ready for the text: durations and titles formatted."""
        out: dict[str, Any] = {}
        for name, value in self.params:
            if name.endswith("_minutes"):
                out[name] = format_duration(value, self.working_day_minutes)
            elif name == "titles":
                out[name] = titles_text(value)
            elif name == "percent":
                out[name] = format_number(value, 0)
            else:
                out[name] = value
        return out

    @property
    def text(self) -> str:
        """The message in the active language."""
        # `%` on the lazy text resolves it (and the plural) in the active language.
        return str(TEMPLATES[self.code] % self.values())

    def __str__(self) -> str:
        return self.text


def message(code: str, working_day_minutes: int = 480, **params: Any) -> Message:
    """Build a `Message`; parameters keep their keyword order."""
    if code not in TEMPLATES:  # a typo would otherwise surface only when shown
        raise KeyError(code)
    return Message(code, tuple(params.items()), working_day_minutes)

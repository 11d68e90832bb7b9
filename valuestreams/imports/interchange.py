"""The JSON interchange format (`"format": "crosswalk-map", "version": 1`).

`parse_document` validates a whole file and returns a typed `MapDocument`, or
raises `InterchangeError` listing every problem with its place
(`steps[3].complete_accurate_pct: must be between 0 and 100`). It touches no
database, so an import can be all-or-nothing: nothing is written until the whole
file is known to be good. `document_to_dict` is its inverse.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from ..rules import step_value_errors, text_problem

FORMAT = "crosswalk-map"
VERSION = 1
KINDS = ("value_stream", "customer_journey", "employee_journey")
STATES = ("current", "future")
HEX_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
DEFAULT_STAGE = "Steps"
#: Step fields whose ranges the shared step rules check (text is checked on reading).
_RULED_FIELDS = (
    "process_time_minutes", "lead_time_minutes", "complete_accurate_pct", "emotion",
)  # fmt: skip
DEFAULT_COLORS = (
    "#4C78A8", "#F58518", "#54A24B", "#B279A2", "#E45756",
    "#72B7B2", "#EECA3B", "#9D755D", "#FF9DA6", "#BAB0AC",
)  # fmt: skip


class InterchangeError(ValueError):
    """A file that cannot be imported; `errors` names each problem and its place."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class DepartmentDoc:
    """A lane of the file: a department matched by name in the target workspace."""

    name: str
    color: str


@dataclass(frozen=True)
class StepDoc:
    """One step; `key` is the file's own identifier, used only by handoffs."""

    key: str
    title: str
    department: str
    stage: str
    process_time_minutes: float | None = None
    lead_time_minutes: float | None = None
    complete_accurate_pct: float | None = None
    value_adding: bool = False
    touchpoint: str = ""
    channel: str = ""
    emotion: int | None = None
    pain_points: list[str] = field(default_factory=list)
    opportunities: list[str] = field(default_factory=list)
    description: str = ""
    owner: str = ""


@dataclass(frozen=True)
class HandoffDoc:
    """A handoff between two step keys."""

    from_key: str
    to_key: str
    label: str = ""
    rework: bool = False


@dataclass(frozen=True)
class MapDocument:
    """A whole map as the file describes it, validated."""

    name: str
    kind: str
    state: str
    description: str
    persona: str
    departments: list[DepartmentDoc]
    stages: list[str]
    steps: list[StepDoc]
    handoffs: list[HandoffDoc]


class _Checker:
    """Collects problems with their places instead of stopping at the first one."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, place: str, message: str) -> None:
        self.errors.append(f"{place}: {message}")

    def text(
        self, obj: dict[str, Any], key: str, place: str, *, required: bool = False,
        max_length: int = 200,
    ) -> str:  # fmt: skip
        value = obj.get(key)
        where = f"{place}.{key}" if place else key
        if value is None:
            if required:
                self.fail(where, _("is required"))
            return ""
        if not isinstance(value, str):
            self.fail(where, _("must be text"))
            return ""
        if problem := text_problem(value):
            self.fail(where, problem)
            return ""
        value = value.strip()
        if required and not value:
            self.fail(where, _("must not be empty"))
        if len(value) > max_length:
            self.fail(where, _("must be at most %(count)d characters") % {"count": max_length})
        return value

    def number(self, obj: dict[str, Any], key: str, place: str) -> float | None:
        """A finite number, or None when absent; its range is the step rules' business."""
        value = obj.get(key)
        if value is None:
            return None
        where = f"{place}.{key}"
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(where, _("must be a number"))
            return None
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            self.fail(where, _("must be a finite number"))
            return None
        return number

    def flag(self, obj: dict[str, Any], key: str, place: str) -> bool:
        value = obj.get(key, False)
        if not isinstance(value, bool):
            self.fail(f"{place}.{key}", _("must be true or false"))
            return False
        return value

    def text_list(self, obj: dict[str, Any], key: str, place: str) -> list[str]:
        value = obj.get(key, [])
        if value is None:
            return []
        if isinstance(value, str):
            return [value.strip()] if value.strip() else []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(f"{place}.{key}", _("must be a list of texts"))
            return []
        for v in value:
            if problem := text_problem(v):
                self.fail(f"{place}.{key}", problem)
                return []
        return [v.strip() for v in value if v.strip()]

    def items(self, data: dict[str, Any], key: str) -> list[Any]:
        """The list under `key`; anything else is one problem and no items."""
        raw = data.get(key, [])
        if isinstance(raw, list):
            return raw
        self.fail(key, _("must be a list"))
        return []

    def objects(self, data: dict[str, Any], key: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """Each object of the list under `key` with its place; a non-object is a problem."""
        for i, raw in enumerate(self.items(data, key)):
            place = f"{key}[{i}]"
            if isinstance(raw, dict):
                yield place, raw
            else:
                self.fail(place, _("must be an object"))

    def choice(self, obj: dict[str, Any], key: str, allowed: tuple[str, ...], default: str) -> str:
        value = obj.get(key, default)
        if value not in allowed:
            self.fail(key, _("must be one of %(choices)s") % {"choices": ", ".join(allowed)})
            return default
        return str(value)


#: Integers with more digits than this are read as floats: no time or count needs
#: them, and Python refuses to convert integers of more than 4,300 digits at all.
_MAX_INT_DIGITS = 30


def _parse_int(text: str) -> int | float:
    return int(text) if len(text) <= _MAX_INT_DIGITS else float(text)


def load_document(raw: bytes | str) -> MapDocument:
    """Read a whole file (bytes or text) and return the map it describes.

    Raises InterchangeError naming the problem, whatever the file holds: text
    that is not UTF-8, JSON that is broken or nested too deeply, numbers too
    large for any field, and everything `parse_document` checks.
    """
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InterchangeError([_("file: is not UTF-8 text")]) from None
    try:
        data = json.loads(raw, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise InterchangeError(
            [
                _("file: not valid JSON: line %(line)d, column %(column)d: %(problem)s")
                % {"line": exc.lineno, "column": exc.colno, "problem": exc.msg}
            ]
        ) from None
    except RecursionError:
        raise InterchangeError([_("file: nested too deeply to be a map")]) from None
    return parse_document(data)


def parse_document(data: Any) -> MapDocument:
    """Validate a decoded JSON file and return the map it describes.

    Raises InterchangeError with every problem found; returns only a fully valid map.
    """
    check = _Checker()
    if not isinstance(data, dict):
        raise InterchangeError([_("file: must be a JSON object")])
    if data.get("format") != FORMAT:
        check.fail("format", _('must be "%(format)s"') % {"format": FORMAT})
    # `true == 1` and `1.0 == 1` in Python: the version must be the integer itself.
    if type(data.get("version")) is not int or data.get("version") != VERSION:
        check.fail("version", _("must be %(version)d") % {"version": VERSION})
    name = check.text(data, "name", "", required=True)
    kind = check.choice(data, "kind", KINDS, "value_stream")
    state = check.choice(data, "state", STATES, "current")
    description = check.text(data, "description", "", max_length=10_000)
    persona = check.text(data, "persona", "", max_length=120)

    departments: list[DepartmentDoc] = []
    seen_departments: set[str] = set()
    for i, raw in enumerate(check.items(data, "departments")):
        place = f"departments[{i}]"
        if isinstance(raw, str):
            raw = {"name": raw}
        if not isinstance(raw, dict):
            check.fail(place, _("must be an object with a name"))
            continue
        dept_name = check.text(raw, "name", place, required=True, max_length=120)
        color = check.text(raw, "color", place, max_length=7)
        if color and not HEX_COLOR.match(color):
            check.fail(f"{place}.color", _("must be a hex colour like #4C78A8"))
        if dept_name.casefold() in seen_departments:
            check.fail(
                f"{place}.name", _("department '%(name)s' is listed twice") % {"name": dept_name}
            )
        seen_departments.add(dept_name.casefold())
        departments.append(
            DepartmentDoc(dept_name, color or DEFAULT_COLORS[i % len(DEFAULT_COLORS)])
        )

    stages: list[str] = []
    for i, raw in enumerate(check.items(data, "stages")):
        stage_name = raw.get("name") if isinstance(raw, dict) else raw
        if not isinstance(stage_name, str) or not stage_name.strip():
            check.fail(f"stages[{i}]", _("must be a non-empty text"))
            continue
        if problem := text_problem(stage_name):
            check.fail(f"stages[{i}]", problem)
            continue
        if len(stage_name.strip()) > 120:
            check.fail(f"stages[{i}]", _("must be at most %(count)d characters") % {"count": 120})
        if stage_name.strip() in stages:
            check.fail(
                f"stages[{i}]", _("stage '%(name)s' is listed twice") % {"name": stage_name.strip()}
            )
        stages.append(stage_name.strip())

    steps: list[StepDoc] = []
    keys: set[str] = set()
    for place, raw in check.objects(data, "steps"):
        key_value = raw.get("key")
        key = str(key_value).strip() if isinstance(key_value, str | int) else ""
        if not key or isinstance(key_value, bool):
            check.fail(f"{place}.key", _("is required"))
        elif key in keys:
            check.fail(f"{place}.key", _("key '%(key)s' is used twice") % {"key": key})
        keys.add(key)
        department = check.text(raw, "department", place, required=True, max_length=120)
        stage = check.text(raw, "stage", place, max_length=120) or (
            stages[0] if stages else DEFAULT_STAGE
        )
        emotion = check.number(raw, "emotion", place)
        if emotion is not None and emotion != int(emotion):
            check.fail(f"{place}.emotion", _("must be a whole number from -2 to 2"))
            emotion = None
        step = StepDoc(
            key=key,
            title=check.text(raw, "title", place, required=True),
            department=department,
            stage=stage,
            process_time_minutes=check.number(raw, "process_time_minutes", place),
            lead_time_minutes=check.number(raw, "lead_time_minutes", place),
            complete_accurate_pct=check.number(raw, "complete_accurate_pct", place),
            value_adding=check.flag(raw, "value_adding", place),
            touchpoint=check.text(raw, "touchpoint", place),
            channel=check.text(raw, "channel", place, max_length=60),
            emotion=int(emotion) if emotion is not None else None,
            pain_points=check.text_list(raw, "pain_points", place),
            opportunities=check.text_list(raw, "opportunities", place),
            description=check.text(raw, "description", place, max_length=10_000),
            owner=check.text(raw, "owner", place, max_length=120),
        )
        # The ranges (times, %C&A, emotion) are the step rules every path applies.
        values = {name: getattr(step, name) for name in _RULED_FIELDS}
        for name, problem in step_value_errors(values).items():
            check.fail(f"{place}.{name}", problem)
        steps.append(step)

    handoffs: list[HandoffDoc] = []
    pairs: set[tuple[str, str]] = set()
    for place, raw in check.objects(data, "handoffs"):
        ends = []
        for end in ("from", "to"):
            value = raw.get(end)
            ref = str(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""
            if not ref:
                check.fail(f"{place}.{end}", _("is required"))
            elif ref not in keys:
                check.fail(f"{place}.{end}", _("no step has the key '%(key)s'") % {"key": ref})
            ends.append(ref)
        if ends[0] and ends[0] == ends[1]:
            check.fail(place, _("a handoff must join two different steps"))
        elif (ends[0], ends[1]) in pairs:
            check.fail(
                place,
                _("duplicate handoff from '%(from)s' to '%(to)s'")
                % {"from": ends[0], "to": ends[1]},
            )
        pairs.add((ends[0], ends[1]))
        handoffs.append(
            HandoffDoc(
                from_key=ends[0],
                to_key=ends[1],
                label=check.text(raw, "label", place),
                rework=check.flag(raw, "rework", place),
            )
        )

    if check.errors:
        raise InterchangeError(check.errors)

    # Departments and stages that steps name but the lists left out are added at
    # the end, so "only key, title and department" is enough for a step.
    known = {d.name.casefold() for d in departments}
    for step in steps:
        if step.department.casefold() not in known:
            known.add(step.department.casefold())
            departments.append(
                DepartmentDoc(step.department, DEFAULT_COLORS[len(departments) % 10])
            )
        if step.stage not in stages:
            stages.append(step.stage)
    return MapDocument(
        name=name,
        kind=kind,
        state=state,
        description=description,
        persona=persona,
        departments=departments,
        stages=stages,
        steps=steps,
        handoffs=handoffs,
    )


def document_to_dict(document: MapDocument) -> dict[str, Any]:
    """The file form of a document; `parse_document(document_to_dict(d)) == d`."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": document.name,
        "kind": document.kind,
        "state": document.state,
        "description": document.description,
        "persona": document.persona,
        "departments": [asdict(d) for d in document.departments],
        "stages": list(document.stages),
        "steps": [asdict(s) for s in document.steps],
        "handoffs": [
            {"from": h.from_key, "to": h.to_key, "label": h.label, "rework": h.rework}
            for h in document.handoffs
        ],
    }

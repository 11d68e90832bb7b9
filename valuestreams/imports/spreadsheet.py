"""Maps as spreadsheets (CSV, XLSX): one row per step, read and written. Pure: no models.

Columns (header names are matched without case; `COLUMNS` lists them): `key`,
`title`, `department`, `stage`, the value-stream fields, the journey fields,
`department_color`, and `next`: the keys of the steps this one hands off to,
separated by commas, a handed-back one written `rework:KEY`. Lists (pain points,
opportunities) have one item per line, or items separated by semicolons on one line.

Reading turns the rows into the JSON interchange form and validates them with
`parse_document`, the one place that knows a step's value rules; each problem is
reported with its row and column. XLSX is read with openpyxl, which uses
defusedxml when installed (it is a dependency), after the zip's directory was
checked so that a zip bomb is refused before anything is unpacked.

Writing neutralises spreadsheet formulas: a CSV text cell starting with `=`, `+`,
`-`, `@`, tab or carriage return gets a leading `'` (removed again on reading);
an XLSX text cell is always stored as text, never as a formula.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from .eventlog_parse import read_records
from .interchange import FORMAT, VERSION, InterchangeError, MapDocument, parse_document
from .problems import ImportProblems, Problem

COLUMNS = [
    "key", "title", "department", "stage", "process_time_minutes", "lead_time_minutes",
    "complete_accurate_pct", "value_adding", "touchpoint", "channel", "emotion", "pain_points",
    "opportunities", "description", "owner", "department_color", "next",
]  # fmt: skip
NUMBERS = {"process_time_minutes", "lead_time_minutes", "complete_accurate_pct", "emotion"}
LISTS = {"pain_points", "opportunities"}
# Header spellings people use, after normalising (lower case, runs of other
# characters made "_").
ALIASES = {
    "id": "key",
    "step": "title",
    "lane": "department",
    "process_time": "process_time_minutes",
    "pt": "process_time_minutes",
    "process_time_min": "process_time_minutes",
    "lead_time": "lead_time_minutes",
    "lt": "lead_time_minutes",
    "lead_time_min": "lead_time_minutes",
    "c_a": "complete_accurate_pct",
    "pct_c_a": "complete_accurate_pct",
    "complete_accurate": "complete_accurate_pct",
    "value_added": "value_adding",
    "colour": "department_color",
    "department_colour": "department_color",
    "color": "department_color",
    "next_steps": "next",
    "hands_off_to": "next",
}
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
YES = {"yes", "y", "true", "1", "x", "ja", "j", "wahr", "oui"}
NO = {"no", "n", "false", "0", "", "nee", "nein", "falsch", "non"}
REWORK = "rework:"


@dataclass(frozen=True)
class SheetLimits:
    """Caps on a spreadsheet: its bytes, its rows, and what its zip may unpack to."""

    max_bytes: int = 5 * 1024 * 1024
    max_rows: int = 5000
    max_unzipped: int = 50 * 1024 * 1024
    max_ratio: int = 100
    max_entries: int = 500


Row = tuple[int, dict[str, Any]]


def _normal(header: str) -> str:
    name = re.sub(r"[^a-z0-9]+", "_", header.strip().casefold()).strip("_")
    return ALIASES.get(name, name)


# --- Reading ------------------------------------------------------------------------------------


def _check_zip(data: bytes, limits: SheetLimits) -> None:
    """Refuse an XLSX whose zip would unpack to too much, before unpacking anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile:
        raise ImportProblems([Problem("not_xlsx")]) from None
    unpacked = sum(entry.file_size for entry in entries)
    if (
        len(entries) > limits.max_entries
        or unpacked > limits.max_unzipped
        or unpacked > max(len(data), 1) * limits.max_ratio
    ):
        raise ImportProblems([Problem("zip_bomb")])


def _xlsx_rows(data: bytes, limits: SheetLimits) -> list[tuple[int, list[Any]]]:
    import openpyxl  # loaded here: only spreadsheet imports need it

    _check_zip(data, limits)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken file
        raise ImportProblems([Problem("not_xlsx")]) from None
    try:
        sheet = book["Steps"] if "Steps" in book.sheetnames else book.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > limits.max_rows + 1:
                raise ImportProblems([Problem("too_many_rows", params={"limit": limits.max_rows})])
            rows.append((number, list(values)))
        return rows
    finally:
        book.close()


def _csv_rows(data: bytes, limits: SheetLimits) -> list[tuple[int, list[Any]]]:
    rows: list[tuple[int, list[Any]]] = []
    header: list[str] = []
    for line, record in read_records(io.BytesIO(data), "map.csv"):
        if not header:
            header = list(record)
            rows.append((1, header))
        if len(rows) > limits.max_rows:
            raise ImportProblems([Problem("too_many_rows", params={"limit": limits.max_rows})])
        rows.append((line, [record.get(h, "") for h in header]))
    return rows


def read_sheet(raw: IO[bytes], filename: str, limits: SheetLimits | None = None) -> list[Row]:
    """The rows of a CSV or XLSX file as (row number, {column: value}), blank rows left out.

    Raises `ImportProblems` for an unreadable file or unknown or missing columns.
    """
    limits = limits or SheetLimits()
    data = raw.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise ImportProblems([Problem("too_big", params={"limit": limits.max_bytes // 2**20})])
    is_xlsx = filename.lower().endswith(".xlsx") or data[:2] == b"PK"
    table = _xlsx_rows(data, limits) if is_xlsx else _csv_rows(data, limits)
    table = [(n, v) for n, v in table if any(c not in (None, "") for c in v)]
    if not table:
        raise ImportProblems([Problem("no_rows")])
    header_row, header = table[0]
    columns = [_normal(str(h or "")) for h in header]
    problems = [
        Problem("unknown_sheet_column", header_row, {"column": str(h)}, column=str(h))
        for h, c in zip(header, columns, strict=True)
        if c not in COLUMNS and h not in (None, "")
    ]
    problems += [
        Problem("missing_column", header_row, {"column": c})
        for c in ("key", "title", "department")
        if c not in columns
    ]
    if problems:
        raise ImportProblems(problems)
    return [
        (number, {c: v for c, v in zip(columns, values, strict=False) if c in COLUMNS})
        for number, values in table[1:]
    ]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if len(text) > 1 and text[0] == "'" and text[1] in DANGEROUS:
        text = text[1:]
    return text


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        return float(value)
    text = _text(value).replace(" ", "")
    if not text:
        return None
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # a decimal comma, as Dutch and German sheets write
    return float(text)


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).casefold()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError


def _items(value: Any) -> list[str]:
    """A list cell: one item per line, or items separated by semicolons on one line."""
    raw = "" if value is None else str(value)
    parts = raw.splitlines() if "\n" in raw else raw.split(";")
    return [item for item in (_text(part) for part in parts) if item]


def _cells(number: int, row: dict[str, Any], problems: list[Problem]) -> dict[str, Any]:
    """One row as an interchange step, cell conversion problems added to `problems`."""
    step: dict[str, Any] = {}
    for column, value in row.items():
        if column in ("next", "department_color"):
            continue
        try:
            if column in NUMBERS:
                step[column] = _number(value)
            elif column == "value_adding":
                step[column] = _flag(value)
            elif column in LISTS:
                step[column] = _items(value)
            else:
                step[column] = _text(value)
        except ValueError:
            code = "not_yes_no" if column == "value_adding" else "not_a_number"
            problems.append(Problem(code, number, {"value": _text(value)[:40]}, column=column))
    if not step.get("stage"):
        step.pop("stage", None)
    return step


_PLACE = re.compile(r"^(steps|handoffs|departments)\[(\d+)\](?:\.(\w+))?$")


def rows_to_document(
    rows: list[Row], *, name: str, kind: str = "value_stream", description: str = ""
) -> MapDocument:
    """Validate spreadsheet rows as a map; every problem named by row and column."""
    problems: list[Problem] = []
    steps: list[dict[str, Any]] = []
    handoffs: list[dict[str, Any]] = []
    handoff_rows: list[int] = []
    departments: dict[str, dict[str, str]] = {}
    department_rows: list[int] = []
    for number, row in rows:
        step = _cells(number, row, problems)
        steps.append(step)
        department = str(step.get("department", ""))
        color = _text(row.get("department_color"))
        if department and department.casefold() not in departments:
            departments[department.casefold()] = {"name": department, "color": color}
            department_rows.append(number)
        elif department and color and not departments[department.casefold()]["color"]:
            departments[department.casefold()]["color"] = color
        for target in re.split(r"[,;\n]", _text(row.get("next"))):
            target = target.strip()
            if not target:
                continue
            rework = target.casefold().startswith(REWORK)
            target = target[len(REWORK) :].strip() if rework else target
            handoffs.append({"from": step.get("key", ""), "to": target, "rework": rework})
            handoff_rows.append(number)
    if problems:
        raise ImportProblems(problems)
    stages = list(dict.fromkeys(s["stage"] for s in steps if s.get("stage")))
    document = {
        "format": FORMAT,
        "version": VERSION,
        "name": name,
        "kind": kind,
        "description": description,
        "departments": list(departments.values()),
        "stages": stages,
        "steps": steps,
        "handoffs": handoffs,
    }
    try:
        return parse_document(document)
    except InterchangeError as exc:
        rows_of = {
            "steps": [n for n, _r in rows],
            "handoffs": handoff_rows,
            "departments": department_rows,
        }
        raise ImportProblems([_placed(error, rows_of) for error in exc.errors]) from None


def _placed(error: str, rows_of: dict[str, list[int]]) -> Problem:
    """An interchange problem (`steps[3].emotion: ...`) at its row and column."""
    place, _sep, message = error.partition(": ")
    match = _PLACE.match(place)
    if match is None:
        return Problem("sheet_problem", 0, {"message": message or error})
    kind, index, field = match.group(1), int(match.group(2)), match.group(3) or ""
    column = {"handoffs": "next", "departments": "department_color"}.get(kind, field)
    if kind == "departments" and field == "name":
        column = "department"
    return Problem("sheet_problem", rows_of[kind][index], {"message": message}, column=column)


# --- Writing ------------------------------------------------------------------------------------


def document_to_rows(document: MapDocument) -> list[dict[str, Any]]:
    """One row per step, in the document's order, with the keys of the steps it hands off to."""
    colors = {d.name.casefold(): d.color for d in document.departments}
    nexts: dict[str, list[str]] = {}
    for h in document.handoffs:
        nexts.setdefault(h.from_key, []).append(f"{REWORK}{h.to_key}" if h.rework else h.to_key)
    seen: set[str] = set()
    rows = []
    for step in document.steps:
        department = step.department.casefold()
        rows.append(
            {
                "key": step.key,
                "title": step.title,
                "department": step.department,
                "stage": step.stage,
                "process_time_minutes": step.process_time_minutes,
                "lead_time_minutes": step.lead_time_minutes,
                "complete_accurate_pct": step.complete_accurate_pct,
                "value_adding": step.value_adding,
                "touchpoint": step.touchpoint,
                "channel": step.channel,
                "emotion": step.emotion,
                "pain_points": _list_cell(step.pain_points),
                "opportunities": _list_cell(step.opportunities),
                "description": step.description,
                "owner": step.owner,
                "department_color": "" if department in seen else colors.get(department, ""),
                "next": ", ".join(nexts.get(step.key, [])),
            }
        )
        seen.add(department)
    return rows


def _list_cell(items: list[str]) -> str:
    """Items one per line; a single item with a semicolon ends with a line break so that
    reading splits it on lines, not on its semicolon."""
    text = "\n".join(items)
    return text + "\n" if len(items) == 1 and ";" in text else text


def neutralise(text: str) -> str:
    """A text cell that a spreadsheet will not run as a formula."""
    return "'" + text if text.startswith(DANGEROUS) else text


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    return neutralise(str(value))


def rows_to_csv(rows: list[dict[str, Any]]) -> str:
    """The rows as CSV text (comma-separated, header first), formulas neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_csv_cell(row.get(c)) for c in COLUMNS])
    return out.getvalue()


def rows_to_xlsx(rows: list[dict[str, Any]]) -> bytes:
    """The rows as an XLSX workbook with one sheet "Steps"; text is never a formula."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Steps"
    sheet.append(COLUMNS)
    for number, row in enumerate(rows, start=2):
        for column, name in enumerate(COLUMNS, start=1):
            value = row.get(name)
            cell = sheet.cell(row=number, column=column)
            if isinstance(value, str):
                cell.value = value
                cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
            else:
                cell.value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


TEMPLATE_ROWS: list[dict[str, Any]] = [
    {
        "key": "1", "title": "Request laptop", "department": "HR", "stage": "Before day one",
        "process_time_minutes": 15, "lead_time_minutes": 60, "complete_accurate_pct": 80,
        "value_adding": False, "department_color": "#4C78A8", "next": "2",
    },
    {
        "key": "2", "title": "Prepare laptop", "department": "IT", "stage": "Before day one",
        "process_time_minutes": 90, "lead_time_minutes": 4320, "complete_accurate_pct": 95,
        "value_adding": True, "pain_points": "Waits for the order; no stock",
        "department_color": "#F58518", "next": "3, rework:1",
    },
    {
        "key": "3", "title": "Hand over laptop", "department": "Facilities", "stage": "Day one",
        "process_time_minutes": 10, "lead_time_minutes": 30, "value_adding": True,
        "touchpoint": "Welcome desk", "channel": "in person", "emotion": 1,
    },
]  # fmt: skip

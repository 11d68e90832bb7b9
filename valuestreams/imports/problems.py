"""Problems found in an imported file, stored as codes and translated when read.

An import reports every problem with its place (a line of the file) instead of
stopping at the first one. Problems are kept on the stored log, so like the
analysis messages they carry a code and parameters, never translated text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

TEMPLATES: dict[str, _StrPromise] = {
    "too_big": gettext_lazy("the file is larger than the limit of %(limit)s MB"),
    "too_many_events": gettext_lazy("the file has more than the limit of %(limit)d events"),
    "not_utf8": gettext_lazy("the text is not UTF-8 (%(detail)s)"),
    "not_gzip": gettext_lazy("the file is not a valid gzip file"),
    "bad_xml": gettext_lazy("the XML is not well-formed: %(detail)s"),
    "dtd_refused": gettext_lazy(
        "the file declares a DTD or entities, which are refused for safety"
    ),
    "not_xes": gettext_lazy("the XML is not an XES event log (no <log> element)"),
    "no_header": gettext_lazy("the CSV file has no header line"),
    "duplicate_column": gettext_lazy("the column “%(column)s” appears twice in the header"),
    "bad_csv": gettext_lazy("the CSV cannot be read: %(detail)s"),
    "unknown_column": gettext_lazy("there is no column “%(column)s”"),
    "missing_case": gettext_lazy("the case id (“%(column)s”) is empty"),
    "missing_activity": gettext_lazy("the activity (“%(column)s”) is empty"),
    "missing_timestamp": gettext_lazy("the timestamp (“%(column)s”) is empty"),
    "bad_timestamp": gettext_lazy("“%(value)s” is not a date and time (ISO 8601 expected)"),
    "too_long": gettext_lazy("“%(column)s” is longer than %(limit)d characters"),
    "nul_character": gettext_lazy("“%(column)s” contains a NUL character"),
    "no_events": gettext_lazy("the file holds no events"),
    "not_xlsx": gettext_lazy("the file is not a readable .xlsx workbook"),
    "zip_bomb": gettext_lazy("the workbook would unpack to far more than its size; refused"),
    "too_many_rows": gettext_lazy("the sheet has more than the limit of %(limit)d rows"),
    "no_rows": gettext_lazy("the sheet is empty"),
    "unknown_sheet_column": gettext_lazy("“%(column)s” is not a column Crosswalk knows"),
    "missing_column": gettext_lazy("the column “%(column)s” is missing"),
    "not_a_number": gettext_lazy("“%(value)s” is not a number"),
    "not_yes_no": gettext_lazy("“%(value)s” is not yes or no"),
    "sheet_problem": gettext_lazy("%(message)s"),
    "internal": gettext_lazy("the import stopped on an unexpected error; the log was not stored"),
    "more_problems": gettext_lazy("… and %(count)d more problems"),
}


@dataclass(frozen=True)
class Problem:
    """One problem: its code, its parameters and the line of the file (0 when none)."""

    code: str
    line: int = 0
    params: dict[str, Any] = field(default_factory=dict)
    #: For spreadsheets: the column; then `line` is the row.
    column: str = ""

    @property
    def text(self) -> str:
        """The problem in the reader's language, with its line (or row and column)."""
        message = TEMPLATES[self.code] % self.params
        if self.line and self.column:
            return str(
                gettext_lazy("row %(row)d, column %(column)s: %(message)s")
                % {"row": self.line, "column": self.column, "message": message}
            )
        if self.line:
            return str(
                gettext_lazy("line %(line)d: %(message)s") % {"line": self.line, "message": message}
            )
        return str(message)

    def __str__(self) -> str:
        return self.text

    def as_dict(self) -> dict[str, Any]:
        """The stored form (JSON)."""
        return {"code": self.code, "line": self.line, "params": self.params, "column": self.column}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Problem:
        return cls(
            code=data["code"],
            line=int(data.get("line", 0)),
            params=data.get("params", {}),
            column=str(data.get("column", "")),
        )


class ImportProblems(ValueError):
    """A file that cannot be imported; `problems` lists each problem with its place."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.code for p in problems))
        self.problems = problems

    @property
    def messages(self) -> list[str]:
        return [p.text for p in self.problems]

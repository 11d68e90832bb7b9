"""`manage.py import_map FILE --workspace SLUG`: import a map file, print the map id.

A crosswalk-map JSON file, or a spreadsheet (.csv, .xlsx) with one row per step;
a spreadsheet's map takes its name from `--name` (else the file name) and `--kind`.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from departments.models import Workspace
from valuestreams.imports.interchange import KINDS, InterchangeError, MapDocument, load_document
from valuestreams.imports.maps import map_import
from valuestreams.imports.problems import ImportProblems
from valuestreams.imports.spreadsheet import read_sheet, rows_to_document


class Command(BaseCommand):
    help = "Import a map from a crosswalk-map JSON file or a .csv/.xlsx sheet; print its id."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", help="path to the JSON, .csv or .xlsx file, or - for JSON on standard input"
        )
        parser.add_argument("--workspace", required=True, help="slug of the target workspace")
        parser.add_argument("--name", help="the map's name (spreadsheets; default: file name)")
        parser.add_argument("--kind", choices=KINDS, default="value_stream", help="(spreadsheets)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["file"] == "-":
                raw = sys.stdin.buffer.read()
            else:
                with open(options["file"], "rb") as handle:
                    raw = handle.read()
        except OSError as exc:
            raise CommandError(f"cannot read {options['file']}: {exc.strerror}") from None
        if options["file"].lower().endswith((".csv", ".xlsx")):
            document = self._sheet(raw, options)
        else:
            try:
                document = load_document(raw)
            except InterchangeError as exc:
                raise CommandError(
                    "the file was not imported:\n  " + "\n  ".join(exc.errors)
                ) from None
        try:
            workspace = Workspace.objects.get(slug=options["workspace"])
        except Workspace.DoesNotExist:
            raise CommandError(f"no workspace with the slug {options['workspace']!r}") from None
        new_map = map_import(workspace=workspace, document=document)
        self.stdout.write(str(new_map.pk))

    def _sheet(self, raw: bytes, options: dict[str, Any]) -> MapDocument:
        path = Path(options["file"])
        try:
            rows = read_sheet(io.BytesIO(raw), path.name)
            return rows_to_document(rows, name=options["name"] or path.stem, kind=options["kind"])
        except ImportProblems as exc:
            raise CommandError(
                "the file was not imported:\n  " + "\n  ".join(exc.messages)
            ) from None

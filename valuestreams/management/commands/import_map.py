"""`manage.py import_map FILE --workspace SLUG`: import a map file, print the map id.

A crosswalk-map JSON file, or a spreadsheet (.csv, .xlsx) with one row per step;
a spreadsheet's map takes its name from `--name` (else the file name) and `--kind`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from departments.models import Workspace
from valuestreams.imports.problems import ImportProblems
from valuestreams.imports.spreadsheet import read_sheet, rows_to_document
from valuestreams.interchange import KINDS, InterchangeError, MapDocument, parse_document
from valuestreams.services import map_import


class Command(BaseCommand):
    help = "Import a map from a crosswalk-map JSON file or a .csv/.xlsx sheet; print its id."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path to the JSON file, or - for standard input")
        parser.add_argument("--workspace", required=True, help="slug of the target workspace")
        parser.add_argument("--name", help="the map's name (spreadsheets; default: file name)")
        parser.add_argument("--kind", choices=KINDS, default="value_stream", help="(spreadsheets)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            workspace = Workspace.objects.get(slug=options["workspace"])
        except Workspace.DoesNotExist:
            raise CommandError(f"no workspace with the slug {options['workspace']!r}") from None
        if options["file"].lower().endswith((".csv", ".xlsx")):
            document = self._sheet(options)
            self.stdout.write(str(map_import(workspace=workspace, document=document).pk))
            return
        try:
            if options["file"] == "-":
                import sys

                data = json.load(sys.stdin)
            else:
                with open(options["file"], encoding="utf-8") as handle:
                    data = json.load(handle)
        except OSError as exc:
            raise CommandError(f"cannot read {options['file']}: {exc.strerror}") from None
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"not valid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}"
            ) from None
        try:
            document = parse_document(data)
        except InterchangeError as exc:
            raise CommandError("the file was not imported:\n  " + "\n  ".join(exc.errors)) from None
        new_map = map_import(workspace=workspace, document=document)
        self.stdout.write(str(new_map.pk))

    def _sheet(self, options: dict[str, Any]) -> MapDocument:
        path = Path(options["file"])
        try:
            with path.open("rb") as handle:
                rows = read_sheet(handle, path.name)
            return rows_to_document(rows, name=options["name"] or path.stem, kind=options["kind"])
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from None
        except ImportProblems as exc:
            raise CommandError(
                "the file was not imported:\n  " + "\n  ".join(exc.messages)
            ) from None

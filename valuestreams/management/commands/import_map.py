"""`manage.py import_map FILE --workspace SLUG`: import an interchange file, print the map id."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from departments.models import Workspace
from valuestreams.interchange import InterchangeError, parse_document
from valuestreams.services import map_import


class Command(BaseCommand):
    help = "Import a map from a crosswalk-map JSON file and print the new map's id."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path to the JSON file, or - for standard input")
        parser.add_argument("--workspace", required=True, help="slug of the target workspace")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            workspace = Workspace.objects.get(slug=options["workspace"])
        except Workspace.DoesNotExist:
            raise CommandError(f"no workspace with the slug {options['workspace']!r}") from None
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

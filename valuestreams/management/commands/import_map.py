"""`manage.py import_map FILE --workspace SLUG`: import an interchange file, print the map id."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from departments.models import Workspace
from valuestreams.interchange import InterchangeError, load_document
from valuestreams.services import map_import


class Command(BaseCommand):
    help = "Import a map from a crosswalk-map JSON file and print the new map's id."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path to the JSON file, or - for standard input")
        parser.add_argument("--workspace", required=True, help="slug of the target workspace")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["file"] == "-":
                raw = sys.stdin.buffer.read()
            else:
                with open(options["file"], "rb") as handle:
                    raw = handle.read()
        except OSError as exc:
            raise CommandError(f"cannot read {options['file']}: {exc.strerror}") from None
        try:
            document = load_document(raw)
        except InterchangeError as exc:
            raise CommandError("the file was not imported:\n  " + "\n  ".join(exc.errors)) from None
        try:
            workspace = Workspace.objects.get(slug=options["workspace"])
        except Workspace.DoesNotExist:
            raise CommandError(f"no workspace with the slug {options['workspace']!r}") from None
        new_map = map_import(workspace=workspace, document=document)
        self.stdout.write(str(new_map.pk))

"""`manage.py export_map MAP_ID --format pptx|svg|png|pdf|json -o FILE`: write a map as a file.

The same file as the map page's download buttons (`valuestreams.downloads`).
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from valuestreams.downloads import FORMATS, map_export
from valuestreams.models import Map


class Command(BaseCommand):
    help = (
        "Export a map as PowerPoint, SVG, PNG, PDF or crosswalk-map JSON. "
        "Without -o, text formats (json, svg) go to standard output."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("map_id", type=int)
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("-o", "--output", help="file to write; standard output when left out")

    def handle(self, *args: Any, **options: Any) -> None:
        fmt = options["format"]
        if fmt not in FORMATS:
            raise CommandError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        try:
            map_obj = Map.objects.select_related("workspace", "persona").get(pk=options["map_id"])
        except Map.DoesNotExist:
            raise CommandError(f"no map with id {options['map_id']}") from None
        if not options["output"] and fmt not in ("json", "svg") and sys.stdout.isatty():
            raise CommandError(f"{fmt} is a binary format: give a file with -o")
        file = map_export(map_obj=map_obj, fmt=fmt)
        if options["output"]:
            with open(options["output"], "wb") as handle:
                handle.write(file.content)
            self.stderr.write(f"wrote {options['output']} ({len(file.content)} bytes)")
        elif fmt in ("json", "svg"):
            self.stdout.write(file.content.decode("utf-8").rstrip("\n"))
        else:
            self.stdout.flush()
            sys.stdout.buffer.write(file.content)

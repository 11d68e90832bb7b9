"""`manage.py export_map MAP_ID --format json -o FILE`: write a map as an interchange file."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from valuestreams.imports.interchange import document_to_dict
from valuestreams.imports.maps import map_document
from valuestreams.models import Map


class Command(BaseCommand):
    help = "Export a map as a crosswalk-map JSON file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("map_id", type=int)
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument("-o", "--output", help="file to write; standard output when left out")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            map_obj = Map.objects.select_related("persona").get(pk=options["map_id"])
        except Map.DoesNotExist:
            raise CommandError(f"no map with id {options['map_id']}") from None
        text = json.dumps(
            document_to_dict(map_document(map_obj=map_obj)), indent=2, ensure_ascii=False
        )
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
        else:
            self.stdout.write(text)

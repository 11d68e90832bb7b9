"""`manage.py eventlog_worker`: import queued event logs, for `EVENTLOG_RUNNER=worker`.

Claims one queued log at a time with a compare-and-set UPDATE, so several workers
on several machines can run against one database. `--once` empties the queue and
stops (for cron or a test); otherwise the worker polls every `--interval` seconds.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from valuestreams.imports.eventlogs import eventlog_claim, eventlog_process


class Command(BaseCommand):
    help = "Import queued event logs (for EVENTLOG_RUNNER=worker)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="empty the queue, then stop")
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between polls")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            log = eventlog_claim()
            if log is not None:
                eventlog_process(log=log)
                self.stdout.write(f"{log.pk} {log.name}")
                continue
            if options["once"]:
                return
            time.sleep(options["interval"])

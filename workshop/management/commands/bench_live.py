"""Measure live push: committed edit → event at every open stream, and memory per stream.

    DATABASE_URL=postgres://... python manage.py bench_live [--clients 50 500] [--edits 20]
        [--workers 2]

Serves the project under gunicorn with uvicorn workers on a free loopback port
(PostgreSQL only: it is the event bus), opens the given numbers of SSE clients
on one map from this process, then commits edits one after another (through
the same service the editor uses, outside the server, as another web process
would) and records when each client receives each edit's event. Prints JSON:

- `edit_to_all_ms`: per edit, the time until the last client had the event
  (min/median/p99/max over the edits; `cold` is the first edit, `warm` the rest);
- `per_client_ms`: every single delivery (min/median/p99/max);
  times start when the edit's UPDATE is sent, so they include the commit;
- `server_rss_per_stream_kib`: the server's resident memory (master and workers)
  with the streams open minus before, divided by the number of streams.

Clients and server share the machine, so the figures include the clients' own
work. The workspace, map and user are deleted afterwards.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.urls import reverse

from departments.models import Department, Membership, Role, Workspace
from valuestreams.models import Lane, Map, Stage, Step
from valuestreams.services import map_touch
from workshop.sse_client import Stream, open_stream
from workshop.testing import asgi_server, logged_in_session

TARGET_P99_MS = {500: 500.0}


def _rss_kib(pid: int) -> int:
    """Resident memory of a process and its children, in KiB."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for one in pids:
        for line in Path(f"/proc/{one}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def _stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {
        "min": round(ordered[0], 1),
        "median": round(statistics.median(ordered), 1),
        "p99": round(p99, 1),
        "max": round(ordered[-1], 1),
    }


class Command(BaseCommand):
    help = "Time committed edit → SSE event at 50 and 500 clients; memory per open stream."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clients", type=int, nargs="+", default=[50, 500])
        parser.add_argument("--edits", type=int, default=20)
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("bench_live needs PostgreSQL: set DATABASE_URL.")
        tag = uuid.uuid4().hex[:8]
        user = get_user_model().objects.create_user(f"bench-live-{tag}")
        workspace = Workspace.objects.create(name=f"Bench live {tag}", slug=f"bench-live-{tag}")
        try:
            Membership.objects.create(workspace=workspace, user=user, role=Role.VIEWER)
            map_obj = self._map(workspace)
            cookie = f"{settings.SESSION_COOKIE_NAME}={logged_in_session(user)}"
            path = reverse("map_stream", args=[workspace.slug, map_obj.pk])
            env = {
                "DEBUG": "false",
                # The session was signed here: the server must check it with the same key.
                "SECRET_KEY": settings.SECRET_KEY,
                "ALLOWED_HOSTS": "127.0.0.1",
                "SECURE_SSL_REDIRECT": "false",
                "SESSION_COOKIE_SECURE": "false",
                "LOG_LEVEL": "WARNING",
            }
            results = {}
            with asgi_server(workers=options["workers"], gunicorn=True, env=env) as (
                host,
                port,
                process,
            ):
                for clients in options["clients"]:
                    results[str(clients)] = asyncio.run(
                        self._round(host, port, path, cookie, map_obj.pk, clients, process.pid,
                                    options["edits"])
                    )  # fmt: skip
            report = {
                "benchmark": "bench_live",
                "server": f"gunicorn, {options['workers']} uvicorn workers, loopback",
                "edits": options["edits"],
                "results": results,
                "targets_p99_ms": {str(k): v for k, v in TARGET_P99_MS.items()},
            }
            self.stdout.write(json.dumps(report, indent=2))
        finally:
            Map.objects.filter(workspace=workspace).delete()
            workspace.delete()
            user.delete()

    def _map(self, workspace: Workspace) -> Map:
        map_obj = Map.objects.create(workspace=workspace, name="Live benchmark")
        department = Department.objects.create(workspace=workspace, name="Benchmark")
        lane = Lane.objects.create(map=map_obj, department=department, position=0)
        stage = Stage.objects.create(map=map_obj, name="Stage", position=0)
        Step.objects.create(map=map_obj, lane=lane, stage=stage, position=0, title="Step")
        return map_obj

    async def _round(
        self, host: str, port: int, path: str, cookie: str, map_id: int, clients: int,
        server_pid: int, edits: int,
    ) -> dict[str, Any]:  # fmt: skip
        rss_before = _rss_kib(server_pid)
        streams: list[Stream] = []
        opened = time.perf_counter()
        for start in range(0, clients, 50):
            batch = [
                open_stream(host, port, f"{path}?version=0", cookie=cookie)
                for _ in range(min(50, clients - start))
            ]
            streams += await asyncio.gather(*batch)
        if any(s.status != 200 for s in streams):
            raise CommandError(f"streams refused: {sorted({s.status for s in streams})}")
        await asyncio.gather(*(s.next_event() for s in streams))  # the version now
        open_seconds = time.perf_counter() - opened
        await asyncio.sleep(1.0)
        rss_open = _rss_kib(server_pid)

        arrivals: dict[int, list[float]] = {}

        async def read(stream: Stream) -> None:
            while True:
                event = await stream.next_event()
                if event.event == "version":
                    arrivals.setdefault(int(event.data), []).append(time.perf_counter())

        readers = [asyncio.create_task(read(s)) for s in streams]
        to_all, per_client = [], []
        for _ in range(edits):
            committed = await asyncio.to_thread(self._edit, map_id)
            version, at = committed
            deadline = time.perf_counter() + 10
            while len(arrivals.get(version, [])) < clients and time.perf_counter() < deadline:
                await asyncio.sleep(0.002)
            got = arrivals.get(version, [])
            if len(got) < clients:
                raise CommandError(f"only {len(got)} of {clients} clients got version {version}")
            delays = [(t - at) * 1000 for t in got]
            to_all.append(max(delays))
            per_client += delays
            await asyncio.sleep(0.05)
        for task in readers:
            task.cancel()
        for stream in streams:
            stream.close()
        await asyncio.sleep(0.5)
        return {
            "clients": clients,
            "open_all_streams_s": round(open_seconds, 2),
            "edit_to_all_ms": {
                **_stats(to_all),
                "cold": round(to_all[0], 1),
                "warm": _stats(to_all[1:] or to_all),
            },
            "per_client_ms": _stats(per_client),
            "server_rss_kib": {"before": rss_before, "streams_open": rss_open},
            "server_rss_per_stream_kib": round((rss_open - rss_before) / clients, 1),
        }

    def _edit(self, map_id: int) -> tuple[int, float]:
        """Commit one edit (autocommit: the UPDATE is its own transaction); its version and time.

        The clock starts before the UPDATE is sent, so the figures include the commit.
        """
        at = time.perf_counter()
        map_touch(map_id=map_id)
        version = Map.objects.values_list("version", flat=True).get(pk=map_id)
        connection.close()
        return version, at

"""Measure the editor's server time and query counts on maps of growing size.

    python manage.py bench_editor [--sizes 50 200 1000] [--repeats 7]

For each size it builds a value-stream map in a throwaway workspace, then times
(median over the repeats, via Django's test client, so without network or
browser) the editor page and one edit round trip: moving a step to another cell,
which answers with the new diagram and metrics. Prints JSON; the workspace, its
maps and the benchmark user are deleted afterwards.
"""

from __future__ import annotations

import itertools
import json
import statistics
import time
import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from departments.models import Department, Membership, Role, Workspace
from valuestreams.models import Handoff, Lane, Map, Stage, Step

TARGETS_MS = {200: {"page": 150, "edit": 80}, 1000: {"page": 600}}
COLORS = ["#4C78A8", "#F58518", "#54A24B", "#E45756", "#72B7B2", "#B279A2", "#9D755D", "#EECA3B"]


def _build(workspace: Workspace, departments: list[Department], steps: int) -> Map:
    """A map with 6 lanes and as many stages as it takes for about 4 steps a cell."""
    map_obj = Map.objects.create(workspace=workspace, name=f"Benchmark {steps} steps")
    lanes = Lane.objects.bulk_create(
        Lane(map=map_obj, department=d, position=i) for i, d in enumerate(departments)
    )
    stage_count = max(2, steps // (len(lanes) * 4))
    stages = Stage.objects.bulk_create(
        Stage(map=map_obj, name=f"Stage {i + 1}", position=i) for i in range(stage_count)
    )
    rows = []
    for i in range(steps):
        lane, stage = lanes[(i * 7 + i // 3) % len(lanes)], stages[i * stage_count // steps]
        rows.append(
            Step(
                map=map_obj,
                lane=lane,
                stage=stage,
                position=i,
                title=f"Step {i + 1} with a realistic, fairly long title",
                process_time_minutes=10 + i % 50,
                lead_time_minutes=60 + (i % 7) * 240,
                complete_accurate_pct=80 + i % 20,
            )
        )
    created = Step.objects.bulk_create(rows)
    Handoff.objects.bulk_create(
        Handoff(map=map_obj, from_step=a, to_step=b, rework=(i % 37 == 36))
        for i, (a, b) in enumerate(itertools.pairwise(created))
    )
    return map_obj


def _clean_up(workspace: Workspace) -> None:
    """Delete the benchmark's maps (children first: lanes and stages are protected) and history."""
    map_ids = list(Map.objects.filter(workspace=workspace).values_list("id", flat=True))
    for model in (Handoff, Step, Lane, Stage):
        model.objects.filter(map_id__in=map_ids).delete()
        model.history.filter(map_id__in=map_ids).delete()
    Map.objects.filter(pk__in=map_ids).delete()
    Map.history.filter(id__in=map_ids).delete()
    workspace.delete()


def _timed(call: Any) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = call()
        elapsed = (time.perf_counter() - start) * 1000
    if response.status_code not in (200, 204):
        raise RuntimeError(f"unexpected status {response.status_code}")
    return elapsed, len(queries)


class Command(BaseCommand):
    help = "Benchmark the swimlane editor: page and edit round trip on maps of 50–1,000 steps."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 1000])
        parser.add_argument("--repeats", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        tag = uuid.uuid4().hex[:8]
        user_model = get_user_model()
        workspace = Workspace.objects.create(name=f"Editor benchmark {tag}", slug=f"bench-{tag}")
        user = user_model.objects.create(username=f"bench-editor-{tag}")
        Membership.objects.create(workspace=workspace, user=user, role=Role.FACILITATOR)
        departments = [
            Department.objects.create(workspace=workspace, name=f"Dept {i + 1}", color=c)
            for i, c in enumerate(COLORS[:6])
        ]
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        results: list[dict[str, Any]] = []
        try:
            for size in options["sizes"]:
                results.append(self._measure(client, workspace, departments, size, options))
        finally:
            _clean_up(workspace)
            user.delete()
        self.stdout.write(json.dumps({"repeats": options["repeats"], "maps": results}, indent=2))

    def _measure(
        self,
        client: Client,
        workspace: Workspace,
        departments: list[Department],
        size: int,
        options: dict[str, Any],
    ) -> dict[str, Any]:
        map_obj = _build(workspace, departments, size)
        args = [workspace.slug, map_obj.pk]
        page_url = reverse("map_editor", args=args)
        step = Step.objects.filter(map=map_obj).order_by("id").first()
        assert step is not None
        cells = [(step.lane_id, step.stage_id)]
        other = Lane.objects.filter(map=map_obj).exclude(pk=step.lane_id).first()
        assert other is not None
        cells.append((other.pk, step.stage_id))
        move_url = reverse("step_move", args=[*args, step.pk])

        client.get(page_url)  # warm up: analysis cache, templates
        pages = [_timed(lambda: client.get(page_url)) for _ in range(options["repeats"])]

        edits = []
        for i in range(options["repeats"] + 1):
            lane_id, stage_id = cells[(i + 1) % 2]
            version = Step.objects.values_list("version", flat=True).get(pk=step.pk)
            data = {"lane": lane_id, "stage": stage_id, "version": version, "position": 0}
            timing = _timed(lambda d=data: client.post(move_url, d, HTTP_HX_REQUEST="true"))
            if i:  # the first move also writes the rows' first history records
                edits.append(timing)
        result = {
            "steps": size,
            "handoffs": size - 1,
            "page_ms": round(statistics.median(t for t, _ in pages), 1),
            "page_queries": pages[-1][1],
            "edit_ms": round(statistics.median(t for t, _ in edits), 1),
            "edit_queries": edits[-1][1],
        }
        for key, limit in TARGETS_MS.get(size, {}).items():
            result[f"{key}_target_ms"] = limit
            result[f"{key}_ok"] = result[f"{key}_ms"] <= limit
        return result

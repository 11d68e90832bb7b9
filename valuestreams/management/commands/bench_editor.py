"""Measure what a facilitator waits for in the editor, on maps of growing size.

    python manage.py bench_editor [--sizes 200 1000] [--repeats 5] [--no-browser]
                                  [--no-poll] [--no-server] [--memory-edits 100]

For each size it builds a branching value-stream map with rework loops in a
throwaway workspace and prints JSON:

- ``server``: per edit kind (rename a step, move it across lanes, connect two
  steps), cold (caches emptied, as after a restart: the whole diagram goes) and
  warm (the browser's drawing is known: only the changes go), min/median/max
  wall and CPU milliseconds over the repeats, queries, and the response size
  as sent (gzip) and unpacked; the editor page for comparison. Through Django's
  test client, in a child process with a production server's settings (DEBUG
  off, static files collected), on the database `DATABASE_URL` names (SQLite
  without it); when that is PostgreSQL the same is measured on SQLite in another
  child, so the JSON has both. ``move_elsewhere``: warm moves of ever other
  steps (seeded) to the top of another lane's cell, each making a drawing not
  seen before (``move`` sends one step back and forth).
- ``memory``: growth of this process (resident set) over `--memory-edits` edits
  of the largest map, then over as many again (bounded memos fill in the first
  round; a leak would grow on in the second).
- ``browser`` (when Chromium is present): Playwright against gunicorn (uvicorn
  workers, loopback): save → diagram painted and drag-drop → painted, marked by
  a requestAnimationFrame after the diagram's swap.
- ``poll``: requests/s of the viewer poll when nothing changed (204), by wrk when
  installed (``make bench-tools``), else a threaded Python client, against
  gunicorn: the poll URL the editor page renders (answered by the poll gate,
  workshop/pollgate.py) and, as ``without_token``, the same URL through Django's
  whole stack, and as ``share_link`` the poll of a share link's viewer (gated too);
  ``non_204`` counts answers that were not 204 (must be 0).

Everything it creates is deleted afterwards (the maps' history with them).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from departments.models import Department, Membership, Role, Workspace
from valuestreams.analysis.cache import forget_all, stored_bytes
from valuestreams.exports import svg as svg_module
from valuestreams.forms import StepForm
from valuestreams.layout import memo as layout_memo
from valuestreams.layout import text as text_module
from valuestreams.mapdata import forget_kept
from valuestreams.models import Handoff, Lane, Map, Stage, Step
from valuestreams.views.editor_live import forget_drawings
from workshop.services import share_link_create

TARGETS_MS: dict[str, Any] = {
    "server_edit_warm_median": {200: 40},
    "browser_save_painted_median": {200: 120, 1000: 250},
    "browser_drag_painted_median": {200: 120, 1000: 250},
    "poll_requests_per_s": 1000,
}
COLORS = ["#4C78A8", "#F58518", "#54A24B", "#E45756", "#72B7B2", "#B279A2", "#9D755D", "#EECA3B"]
CHROMIUM = "/usr/bin/chromium"
_DRAWING = re.compile(rb'data-drawing="([^"]+)"')
# Marks the diagram painted: the first animation frame after its wrapper changed
# (the swap sets data-drawing), then the task after that frame.
_PAINTED_JS = """() => new Promise((resolve, reject) => {
  setTimeout(() => reject(new Error("the diagram was not swapped within 30 s")), 30000);
  const wrap = document.getElementById("diagram");
  const seen = new MutationObserver(() => {
    seen.disconnect();
    requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0));
  });
  seen.observe(wrap, {attributes: true, attributeFilter: ["data-drawing"]});
  performance.clearResourceTimings();
})"""
# After the painted mark, where the time went, from the edit's own resource timing:
# `request` from the gesture to the request leaving (htmx building it), `server`
# from the request sent to the answer's first byte, `transfer` to its last byte,
# and `client` from there to painted: the browser's own part (parsing, swapping,
# patching, style, layout, paint); and the answer's size unpacked (a patch or the
# whole drawing).
_SPLIT_JS = """(start, end) => {
  const answer = performance.getEntriesByType("resource")
    .filter((e) => /\\/steps\\/\\d+\\/(edit|move)\\//.test(e.name)).pop();
  if (!answer || !answer.responseEnd) return {painted_ms: end - start};
  return {
    painted_ms: end - start,
    request_ms: answer.requestStart - start,
    server_ms: answer.responseStart - answer.requestStart,
    transfer_ms: answer.responseEnd - answer.responseStart,
    client_ms: end - answer.responseEnd,
    answer_kb: answer.decodedBodySize / 1000,
  };
}"""
#: The parts of save/drag → painted, in the order they happen (see _SPLIT_JS).
SPLIT = ("painted_ms", "request_ms", "server_ms", "transfer_ms", "client_ms", "answer_kb")


def _stats(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    return {
        "min": round(min(values), 1),
        "median": round(statistics.median(values), 1),
        "max": round(max(values), 1),
    }


def _split_stats(runs: list[dict[str, float]]) -> dict[str, Any]:
    """min/median/max of each part of save/drag → painted over the runs."""
    return {part: _stats([r[part] for r in runs if part in r]) for part in SPLIT}


def _build(workspace: Workspace, departments: list[Department], steps: int) -> Map:
    """A map with 6 lanes, about 4 steps a cell, a chain with branches and rework loops."""
    map_obj = Map.objects.create(workspace=workspace, name=f"Benchmark {steps} steps")
    lanes = Lane.objects.bulk_create(
        Lane(map=map_obj, department=d, position=i) for i, d in enumerate(departments)
    )
    stage_count = max(2, steps // (len(lanes) * 4))
    stages = Stage.objects.bulk_create(
        Stage(map=map_obj, name=f"Stage {i + 1}", position=i) for i in range(stage_count)
    )
    rows = [
        Step(
            map=map_obj,
            lane=lanes[(i * 7 + i // 3) % len(lanes)],
            stage=stages[i * stage_count // steps],
            position=i,
            title=f"Step {i + 1} with a realistic, fairly long title",
            process_time_minutes=10 + i % 50,
            lead_time_minutes=60 + (i % 7) * 240,
            complete_accurate_pct=80 + i % 20,
        )
        for i in range(steps)
    ]
    created = Step.objects.bulk_create(rows)
    pairs = [(i, i + 1, False) for i in range(steps - 1)]
    pairs += [(i, i + 3, False) for i in range(0, steps - 3, 5)]  # branches
    pairs += [(i, i - 4, True) for i in range(8, steps, 37)]  # rework loops
    Handoff.objects.bulk_create(
        Handoff(map=map_obj, from_step=created[a], to_step=created[b], rework=rework)
        for a, b, rework in pairs
    )
    return map_obj


def _clean_up(workspace: Workspace) -> None:
    """Delete the benchmark's workspace: its maps' history goes with it (valuestreams.changes)."""
    workspace.delete()


def _empty_caches() -> None:
    """As after a restart: no analysis, no drawing checksums, no memoised markup or text."""
    cache.clear()
    forget_all()
    forget_kept()  # the map data the editor drew last
    forget_drawings()  # its checksums
    svg_module._MEMO.clear()
    svg_module._CONTEXTS.clear()
    svg_module._LAYERS.clear()
    svg_module._HEADS.clear()
    svg_module._NUMBERS.clear()
    for memo in text_module._CACHE:
        memo.clear()
    layout_memo.clear_all()  # card text and geometry, routes, cells


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def step_form_data(step: Step, **changes: Any) -> dict[str, Any]:
    """What the step panel's form posts for `step` as stored, with `changes` typed in."""
    form = StepForm(instance=step)
    data: dict[str, Any] = {"version": step.version}
    for name, field in form.fields.items():
        value = field.prepare_value(form[name].value())
        if isinstance(value, list | tuple):
            value = "\n".join(str(v) for v in value)
        data[name] = "" if value is None else value
    data.update(version=step.version, **changes)
    return data


class _Editor:
    """The edits a facilitator makes, through Django's test client, keeping the drawing token."""

    def __init__(self, client: Client, map_obj: Map) -> None:
        self.client, self.map = client, map_obj
        self.args = [map_obj.workspace.slug, map_obj.pk]
        self.drawing = ""
        steps = list(Step.objects.filter(map=map_obj).order_by("id"))
        self.step = steps[0]
        self.lanes = list(Lane.objects.filter(map=map_obj).order_by("position"))
        self.targets = iter(steps[7:])
        self.count = 0
        self.step_ids = [x.pk for x in steps[1:]]
        self._pick = random.Random(9)

    def page(self) -> Any:
        response = self.client.get(reverse("map_editor", args=self.args), HTTP_ACCEPT_ENCODING="")
        self._keep(response)
        return response

    def _post(self, name: str, data: dict[str, Any], *extra: int) -> Any:
        response = self.client.post(
            reverse(name, args=[*self.args, *extra]),
            data,
            HTTP_HX_REQUEST="true",
            HTTP_CW_DRAWING=self.drawing,
            HTTP_ACCEPT_ENCODING="gzip",
        )
        if response.status_code != 200:
            raise RuntimeError(f"{name} answered {response.status_code}")
        self._keep(response)
        return response

    def _keep(self, response: Any) -> None:
        body = response.content
        if response.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        found = _DRAWING.search(body)
        if found:
            self.drawing = found.group(1).decode()

    def ready(self, kind: str) -> Callable[[], Any]:
        """The edit `kind` with its form data read and filled in: calling it only posts.

        What is timed is the request alone, not the benchmark reading the step to fill
        in the form (a browser has the form already).
        """
        name, data, *extra = getattr(self, f"_{kind}")()
        return lambda: self._post(name, data, *extra)

    def edit(self, kind: str) -> Any:
        """Make the edit `kind` (rename, move, connect, move_elsewhere) now."""
        return self.ready(kind)()

    def _rename(self) -> tuple[Any, ...]:
        step = Step.objects.get(pk=self.step.pk)
        self.count += 1
        return "step_edit", step_form_data(step, title=f"Renamed step, edit {self.count}"), step.pk

    def _move(self) -> tuple[Any, ...]:
        step = Step.objects.get(pk=self.step.pk)
        lane = next(x for x in self.lanes if x.pk != step.lane_id)
        data = {"lane": lane.pk, "stage": step.stage_id, "version": step.version, "position": 0}
        return "step_move", data, step.pk

    def _connect(self) -> tuple[Any, ...]:
        target = next(self.targets)
        return "handoff_add", {"from_step": self.step.pk, "to_step": target.pk}

    def _move_elsewhere(self) -> tuple[Any, ...]:
        """A move as a workshop makes them: some step (seeded), to the top of another lane's cell.

        Unlike `move`, which sends one step back and forth between two lanes (the
        second time, both drawings are remembered), every move here makes a
        drawing not seen before.
        """
        pick = self._pick
        step = Step.objects.get(pk=pick.choice(self.step_ids))
        lane = pick.choice([x for x in self.lanes if x.pk != step.lane_id])
        data = {"lane": lane.pk, "stage": step.stage_id, "version": step.version, "position": 0}
        return "step_move", data, step.pk


def _timed(call: Callable[[], Any]) -> dict[str, Any]:
    with CaptureQueriesContext(connection) as queries:
        wall, cpu = time.perf_counter(), time.process_time()
        response = call()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    sent = response.content
    body = gzip.decompress(sent) if response.get("Content-Encoding") == "gzip" else sent
    return {
        "wall": wall * 1000,
        "cpu": cpu * 1000,
        "queries": len(queries),
        "sent": len(sent),
        "unpacked": len(body),
    }


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "wall_ms": _stats([r["wall"] for r in runs]),
        "cpu_ms": _stats([r["cpu"] for r in runs]),
        "queries": runs[-1]["queries"],
        "bytes_sent": int(statistics.median(r["sent"] for r in runs)),
        "bytes_unpacked": int(statistics.median(r["unpacked"] for r in runs)),
    }


def _production_env() -> dict[str, str]:
    """The settings of a production server (DEBUG off) on loopback, logged in by our session."""
    return {
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,  # the session was signed here
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "LOG_LEVEL": "WARNING",
        "LIVE_PUSH": "false",
    }


@contextmanager
def _collected_static() -> Iterator[str]:
    """A throwaway STATIC_ROOT with `collectstatic` run into it, as a deployment has.

    With DEBUG off, pages name their static files through the manifest
    (hashed, compressed copies WhiteNoise serves with far-future caching):
    without collected files no page renders. A few seconds, once per run.
    """
    with tempfile.TemporaryDirectory(prefix="bench-static-") as root:
        env = {**os.environ, **_production_env(), "STATIC_ROOT": root}
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], env=env, check=True)
        yield root


@contextmanager
def _server(workers: int, static_root: str) -> Iterator[int]:
    """gunicorn with uvicorn workers on loopback, on this command's database, DEBUG off."""
    # The live-push benchmark's server starter: the same production-like server.
    from workshop.testing import asgi_server, database_url

    env = {**_production_env(), "STATIC_ROOT": static_root}
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{settings.DATABASES['default']['NAME']}"
    else:
        env["DATABASE_URL"] = database_url(connection.settings_dict)
    with asgi_server(workers=workers, gunicorn=True, env=env) as (_host, port, _process):
        yield port


def _drag_plan(map_obj: Map) -> tuple[int, int, int, int]:
    """What the drag benchmark moves: the last step of the first cell, across into the lane below.

    The step sits next to the lane boundary, so it and its drop point fit on the
    canvas together (1280×800), and it moves back and forth across that boundary.
    """
    lanes = list(Lane.objects.filter(map=map_obj).order_by("position").values_list("id", flat=True))
    first = Step.objects.filter(map=map_obj, lane_id=lanes[0]).order_by("stage__position").first()
    assert first is not None
    step = (
        Step.objects.filter(map=map_obj, lane_id=lanes[0], stage_id=first.stage_id)
        .order_by("-position")
        .first()
    )
    assert step is not None
    return step.pk, lanes[0], lanes[1], first.stage_id


class Command(BaseCommand):
    help = "Benchmark the editor: server edits cold and warm, browser save/drag → painted, poll."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000])
        parser.add_argument("--repeats", type=int, default=5)
        parser.add_argument("--no-browser", action="store_true")
        parser.add_argument("--no-poll", action="store_true")
        parser.add_argument(
            "--no-server",
            action="store_true",
            help="skip the server figures and the memory growth (for browser-side work)",
        )
        parser.add_argument("--memory-edits", type=int, default=100)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--server-only", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        tag = uuid.uuid4().hex[:8]
        user = get_user_model().objects.create(username=f"bench-editor-{tag}")
        workspace = Workspace.objects.create(name=f"Editor benchmark {tag}", slug=f"bench-{tag}")
        Membership.objects.create(workspace=workspace, user=user, role=Role.FACILITATOR)
        departments = [
            Department.objects.create(workspace=workspace, name=f"Dept {i + 1}", color=c)
            for i, c in enumerate(COLORS[:6])
        ]
        report: dict[str, Any] = {"repeats": options["repeats"], "load_average": os.getloadavg()}
        try:
            maps = {size: _build(workspace, departments, size) for size in options["sizes"]}
            if options["server_only"]:
                report["server"] = {connection.vendor: self._server_figures(user, maps, options)}
                self.stdout.write(json.dumps(report))
                return
            if not options["no_server"]:
                report["server"] = self._production_figures(options)
            largest = maps[max(maps)]
            if not options["no_server"]:
                report["memory"] = self._memory(user, largest, options["memory_edits"])
                # The browser and the poll get maps as built: the edits above moved
                # steps of these (the same drag would otherwise meet another map).
                maps = {size: _build(workspace, departments, size) for size in options["sizes"]}
            # The live-push benchmark's helpers, like its server starter below.
            from workshop.testing import logged_in_session

            session = logged_in_session(user)
            browser = not options["no_browser"] and Path(CHROMIUM).exists()
            if not browser:
                report["browser"] = {
                    "skipped": "no Chromium" if not options["no_browser"] else "off"
                }
            if browser or not options["no_poll"]:
                with _collected_static() as static_root:
                    if browser:
                        with _server(options["workers"], static_root) as port:
                            report["browser"] = self._browser(
                                port, session, maps, options["repeats"]
                            )
                    if not options["no_poll"]:
                        with _server(options["workers"], static_root) as port:
                            report["poll"] = self._poll(port, session, maps[min(maps)])
        finally:
            _clean_up(workspace)
            user.delete()
        report["targets_ms"] = {k: v for k, v in TARGETS_MS.items()}
        self.stdout.write(json.dumps(report, indent=2))

    # -- server ------------------------------------------------------------------

    def _server_figures(
        self, user: Any, maps: dict[int, Map], options: dict[str, Any]
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for size, map_obj in maps.items():
            client = Client(HTTP_HOST="localhost")
            client.force_login(user)
            editor = _Editor(client, map_obj)
            editor.page()  # templates, first history rows
            editor.edit("move")
            figures: dict[str, Any] = {
                "steps": size,
                "handoffs": Handoff.objects.filter(map=map_obj).count(),
            }
            pages = [_timed(editor.page) for _ in range(options["repeats"])]
            figures["page"] = _summary(pages)
            for kind in ("rename", "move", "connect"):
                cold, warm = [], []
                for _ in range(options["repeats"]):
                    edit = editor.ready(kind)
                    _empty_caches()
                    cold.append(_timed(edit))
                    warm.append(_timed(editor.ready(kind)))
                figures[kind] = {"cold": _summary(cold), "warm": _summary(warm)}
            # Moves of ever other steps in a process that has served edits for a while.
            for _ in range(3):
                editor.edit("move_elsewhere")
            elsewhere = [
                _timed(editor.ready("move_elsewhere")) for _ in range(options["repeats"] * 2)
            ]
            figures["move_elsewhere"] = {"warm": _summary(elsewhere)}
            target = TARGETS_MS["server_edit_warm_median"].get(size)
            if target is not None:
                medians = [figures[k]["warm"]["wall_ms"]["median"] for k in ("rename", "move")]
                figures["edit_target_ms"] = target
                figures["edit_ok"] = max(medians) <= target
            out[str(size)] = figures
        return out

    def _production_figures(self, options: dict[str, Any]) -> dict[str, Any]:
        """The server figures as a deployed server answers: DEBUG off, static files collected.

        Measured in child processes (settings are read once per process): on this
        command's database and, when that is PostgreSQL, on SQLite too. Under DEBUG
        Django would also record every query and Jinja2 look at its templates' files
        on each use, which no production server does.
        """
        out: dict[str, Any] = {}
        with _collected_static() as static_root:
            env = {**os.environ, **_production_env(), "STATIC_ROOT": static_root}
            out[connection.vendor] = self._child_figures(options, env)
            if connection.vendor != "sqlite":
                env.pop("DATABASE_URL", None)
                out["sqlite"] = self._child_figures(options, env, migrate=True)
        return out

    def _child_figures(
        self, options: dict[str, Any], env: dict[str, str], *, migrate: bool = False
    ) -> dict[str, Any]:
        """The server figures measured by this command in a child process with `env`.

        `migrate` first: a database other than this command's (SQLite beside it).
        """
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        if migrate:
            subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True)
        sizes = [str(s) for s in options["sizes"]]
        command = [*manage, "bench_editor", "--server-only", "--repeats", str(options["repeats"])]
        done = subprocess.run(
            [*command, "--sizes", *sizes], env=env, check=True, capture_output=True, text=True
        )
        return dict(next(iter(json.loads(done.stdout)["server"].values())))

    def _memory(self, user: Any, map_obj: Map, edits: int) -> dict[str, Any]:
        """Growth of this process over two rounds of `edits` edits (renames and moves).

        The first round fills the bounded memos (layout, SVG, analyses); a leak
        would go on growing in the second, a bounded cache does not.
        """
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        editor = _Editor(client, map_obj)
        editor.page()
        for i in range(10):  # warm up: templates, both edit kinds
            editor.edit("rename" if i % 2 else "move")
        rounds = []
        for _round in range(2):
            before = _rss_mb()
            for i in range(edits):
                editor.edit("rename" if i % 2 else "move")
            rounds.append(_rss_mb() - before)
        return {
            "steps": Step.objects.filter(map=map_obj).count(),
            "edits": edits,
            "rss_growth_mb": round(rounds[0], 1),
            "rss_growth_mb_per_100_edits": round(rounds[0] * 100 / max(edits, 1), 1),
            "rss_growth_mb_second_round": round(rounds[1], 1),
            "analyses_kept_mb": round(stored_bytes() / 1e6, 1),
        }

    # -- browser -----------------------------------------------------------------

    def _browser(
        self, port: int, session: str, maps: dict[int, Map], repeats: int
    ) -> dict[str, Any]:
        plans = {}
        for size, map_obj in maps.items():
            step = Step.objects.filter(map=map_obj).order_by("id").first()
            assert step is not None
            url = reverse("map_editor", args=[map_obj.workspace.slug, map_obj.pk])
            plans[size] = (f"http://127.0.0.1:{port}{url}?step={step.pk}", _drag_plan(map_obj))
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright

        out: dict[str, Any] = {}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM)
            try:
                for size, (url, plan) in plans.items():
                    context = browser.new_context(viewport={"width": 1280, "height": 800})
                    context.add_cookies(
                        [
                            {
                                "name": settings.SESSION_COOKIE_NAME,
                                "value": session,
                                "url": f"http://127.0.0.1:{port}/",
                            }
                        ]
                    )
                    page = context.new_page()
                    if os.environ.get("BENCH_DEBUG"):
                        page.on("response", lambda r: self.stderr.write(f"{r.status} {r.url}"))
                        page.on("console", lambda m: self.stderr.write(m.text))
                    page.goto(url)
                    page.wait_for_selector("#diagram svg")
                    saves = [self._save(page, i) for i in range(repeats)]
                    drags: list[dict[str, float]] = []
                    failed: list[str] = []
                    for i in range(repeats):
                        try:
                            drags.append(self._drag(page, plan, i))
                        # A drop that missed its cell, or was never answered.
                        except (PlaywrightError, RuntimeError) as error:
                            failed.append(str(error).splitlines()[0])
                            page.reload()
                            page.wait_for_selector("#diagram svg")
                    out[str(size)] = {
                        "save": _split_stats(saves),
                        "drag": _split_stats(drags),
                        "drag_failures": failed,
                        "target_ms": TARGETS_MS["browser_save_painted_median"].get(size),
                    }
                    context.close()
            finally:
                browser.close()
        return out

    @staticmethod
    def _save(page: Any, i: int) -> dict[str, float]:
        page.wait_for_selector("#side-panel form [name=title]")
        return dict(
            page.evaluate(
                """async (text) => {
              const painted = (PAINTED)();
              const field = document.querySelector("#side-panel form [name=title]");
              field.value = text;
              const start = performance.now();
              field.form.requestSubmit();
              return (SPLIT)(start, await painted);
            }""".replace("PAINTED", _PAINTED_JS).replace("SPLIT", _SPLIT_JS),
                f"Saved from the browser {i}",
            )
        )

    @staticmethod
    def _drag(page: Any, plan: tuple[int, int, int, int], i: int) -> dict[str, float]:
        step_id, home, below, stage_id = plan
        # Across the lane boundary and back: to the top of the cell below, then to
        # the bottom of its own cell. Cells are taller than the canvas at these
        # sizes: the canvas is scrolled so that the step and the drop point are
        # both inside it, away from the edges where a drag scrolls it.
        box = page.evaluate(
            """([stepId, laneId, stageId]) => {
              const wrap = document.getElementById("diagram");
              const g = document.getElementById("step-" + stepId);
              g.scrollIntoView({block: "center", inline: "center"});
              const cell = document.querySelector(
                `.cw-cell[data-lane-id="${laneId}"][data-stage-id="${stageId}"]`);
              const drop = () => {
                const a = g.getBoundingClientRect(), b = cell.getBoundingClientRect();
                const y = b.top > a.top ? b.top + 30 : b.bottom - 30;
                return [a.x + a.width / 2, a.y + a.height / 2, b.x + b.width / 2, y];
              };
              const w = wrap.getBoundingClientRect(), first = drop();
              wrap.scrollTop += (first[1] + first[3]) / 2 - (w.top + w.height / 2);
              return drop();
            }""",
            [step_id, below if i % 2 == 0 else home, stage_id],
        )
        page.mouse.move(box[0], box[1])
        page.mouse.down()
        page.mouse.move(box[2], box[3], steps=6)
        page.evaluate(
            """() => {
              const painted = (PAINTED)();
              window.cwDrag = new Promise((done) => {
                document.addEventListener("pointerup", () => {
                  const start = performance.now();
                  painted.then((end) => done((SPLIT)(start, end)), () => done(null));
                }, {once: true, capture: true});
              });
            }""".replace("PAINTED", _PAINTED_JS).replace("SPLIT", _SPLIT_JS)
        )
        page.mouse.up()
        split = page.evaluate("() => window.cwDrag")
        if split is None:
            raise RuntimeError("the drop was not painted within 30 s")
        return dict(split)

    # -- poll --------------------------------------------------------------------

    def _poll(self, port: int, session: str, map_obj: Map) -> dict[str, Any]:
        """Requests/s of the page's own poll URL (answered by the poll gate) and, for
        comparison, of the same URL without its token (Django's whole stack)."""
        cookie = f"{settings.SESSION_COOKIE_NAME}={session}"
        url = _page_poll_url(session, map_obj)
        gate = _load(port, url, cookie)
        django = _load(port, re.sub(r"&t=[^&]*", "", url), cookie)
        # People watching through a share link poll the same way, without a session.
        _link, token = share_link_create(map_obj=map_obj, days=None)
        version = Map.objects.values_list("version", flat=True).get(pk=map_obj.pk)
        shared = _load(port, f"{reverse('share_poll', args=[token])}?version={version}", "")
        return {
            **gate,
            "without_token": django,
            "share_link": shared,
            "target": TARGETS_MS["poll_requests_per_s"],
        }


def _page_poll_url(session: str, map_obj: Map) -> str:
    """The poll URL as the editor page renders it (with its token), not rebuilt here.

    Rendered in this process with the same secret and session as the server's
    (whose production settings cannot serve the page without collected static files).
    """
    import html

    client = Client(HTTP_HOST="localhost")
    client.cookies[settings.SESSION_COOKIE_NAME] = session
    response = client.get(reverse("map_editor", args=[map_obj.workspace.slug, map_obj.pk]))
    found = re.search(r'id="diagram"[^>]*?hx-get="([^"]+)"', response.content.decode(), re.S)
    if found is None:
        raise RuntimeError(f"the editor page ({response.status_code}) has no poll URL")
    return html.unescape(found.group(1))


# Counts every answer that is not a 204 across wrk's threads (each has its own Lua state).
_WRK_COUNT_NOT_204 = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not_204 = 0 end
function response(status, headers, body) if status ~= 204 then not_204 = not_204 + 1 end end
function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + t:get("not_204") end
  io.write("not_204: " .. n .. "\\n")
end
"""


def _load(port: int, path: str, cookie: str) -> dict[str, Any]:
    """Requests/s of `path` under load, and how many answers were not 204 (must be none)."""
    import tempfile

    wrk = shutil.which("wrk")
    if not wrk:
        return {"tool": "python threads", **_python_load(port, path, cookie)}
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(_WRK_COUNT_NOT_204)
        script.flush()
        command = [wrk, "-t", "2", "-c", "16", "-d", "8s", "-s", script.name]
        command += ["-H", f"Cookie: {cookie}", f"http://127.0.0.1:{port}{path}"]
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            check=True,
        )
    found = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    not_204 = re.search(r"not_204: (\d+)", done.stdout)
    return {
        "tool": "wrk -t2 -c16 -d8s",
        "requests_per_s": float(found.group(1)) if found else None,
        "non_204": int(not_204.group(1)) if not_204 else None,
    }


def _python_load(port: int, path: str, cookie: str) -> dict[str, Any]:
    """Keep-alive requests from 8 threads for 5 s: a stand-in for wrk (`make bench-tools`)."""
    import http.client

    counts: list[tuple[int, int]] = []
    stop = time.monotonic() + 5

    def run() -> None:
        conn, n, other = http.client.HTTPConnection("127.0.0.1", port), 0, 0
        while time.monotonic() < stop:
            conn.request("GET", path, headers={"Cookie": cookie})
            response = conn.getresponse()
            response.read()
            n += 1
            other += response.status != 204
        counts.append((n, other))

    threads = [threading.Thread(target=run) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {
        "requests_per_s": round(sum(n for n, _ in counts) / 5, 1),
        "non_204": sum(other for _, other in counts),
    }

"""`manage.py analyze MAP_ID [--json] [--compare]`: a map's handoff analysis.

Prints a readable report, or with `--json` the analysis JSON (times in minutes).
`--compare` compares a future-state map with the current-state map it is based on.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from departments.formats import format_number, format_percent
from valuestreams.analysis import (
    Comparison,
    MapAnalysis,
    analysis_for_map,
    analysis_to_dict,
    compare,
    comparison_to_dict,
    format_duration,
)
from valuestreams.models import Map

# Metrics that are fractions are printed as percentages, durations in friendly units.
_RATIOS = {"activity_ratio", "flow_efficiency", "rolled_complete_accurate"}


def _value(name: str, value: float | None, working_day_minutes: int) -> str:
    if value is None:
        return "—"
    if name in _RATIOS:
        return format_percent(value)
    if name.endswith("_minutes"):
        return format_duration(value, working_day_minutes)
    return format_number(value, 2)


class Command(BaseCommand):
    help = "Analyse a map's handoffs: metrics, critical path, hotspots, loops, ping-pong."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("map_id", type=int)
        parser.add_argument("--json", action="store_true", help="print the analysis JSON")
        parser.add_argument(
            "--compare",
            action="store_true",
            help="compare this future-state map with the map it is based on",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        map_id: int = options["map_id"]
        try:
            result = analysis_for_map(map_id)
        except Map.DoesNotExist:
            raise CommandError(f"no map with id {map_id}") from None
        if options["compare"]:
            if result.based_on_id is None:
                raise CommandError(
                    f"map {map_id} is not a future state of another map (based_on is empty)"
                )
            comparison = compare(analysis_for_map(result.based_on_id), result)
            if options["json"]:
                self._json(comparison_to_dict(comparison))
            else:
                self._comparison_report(comparison)
            return
        if options["json"]:
            self._json(analysis_to_dict(result))
        else:
            self._report(result)

    def _json(self, payload: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False))

    def _report(self, r: MapAnalysis) -> None:
        wd = r.working_day_minutes
        out = self.stdout.write
        out(f"{r.name} (map {r.map_id}, {r.kind}, {r.state}, version {r.version})")
        out("")
        out(_("Metrics"))
        for name in (
            "lead_time_minutes",
            "process_time_minutes",
            "wait_time_minutes",
            "work_content_minutes",
            "activity_ratio",
            "flow_efficiency",
            "rolled_complete_accurate",
            "handoffs",
            "cross_department_handoffs",
            "rework_handoffs",
            "departments",
            "lane_changes_on_critical_path",
        ):
            line = f"  {name:32} {_value(name, getattr(r.metrics, name), wd)}"
            if name in r.notes:
                line += f"   ({r.notes[name]})"
            out(line)
        out("")
        out(_("Critical path"))
        out("  " + " → ".join(r.steps[i].title for i in r.critical_path))
        out("")
        out(_("Department handoffs"))
        for p in r.department_handoffs:
            ca = format_percent(p.complete_accurate, 0)
            out(
                f"  {p.from_department} → {p.to_department}: {p.count}×, "
                f"{_('wait')} {format_duration(p.wait_minutes, wd)}, %C&A {ca}"
            )
        out("")
        out(_("Hotspots"))
        for s in r.hotspots[:10]:
            out(f"  {s.hotspot_score:5.1f}  {s.title} ({s.department})")
            for reason in s.reasons:
                out(f"         – {reason}")
        for p in r.department_hotspots[:5]:
            out(f"  {p.hotspot_score:5.1f}  {p.from_department} → {p.to_department}")
            for reason in p.reasons:
                out(f"         – {reason}")
        if r.ping_pong:
            out("")
            out(_("Ping-pong"))
            for pp in r.ping_pong:
                a, b = pp.departments
                out(f"  {a} → {b} → {a}: {pp.count}×")
        if r.rework_loops:
            out("")
            out(_("Rework loops"))
            for loop in r.rework_loops:
                titles = [r.steps[i].title for i in loop]
                out("  " + " → ".join([*titles, titles[0]]))
        if r.problems:
            out("")
            out(_("Problems"))
            for problem in r.problems:
                out(f"  – {problem.message}")

    def _comparison_report(self, c: Comparison) -> None:
        wd = c.after.working_day_minutes
        out = self.stdout.write
        out(f"{c.before.name} (map {c.before.map_id}) → {c.after.name} (map {c.after.map_id})")
        out("")
        for m in c.metrics:
            change = "—"
            if m.change is not None:
                sign = "+" if m.change > 0 else ""
                change = (
                    f"{sign}{m.change * 100:.1f} pt"
                    if m.name in _RATIOS
                    else sign + _value(m.name, m.change, wd)
                )
            out(
                f"  {m.name:32} {_value(m.name, m.before, wd):>18} → "
                f"{_value(m.name, m.after, wd):<18} {change}"
            )
        for label, steps in (
            (_("Steps removed"), c.steps_removed),
            (_("Steps added"), c.steps_added),
            (_("Steps moved to another department"), c.steps_moved),
        ):
            if steps:
                out("")
                out(label)
                for s in steps:
                    where = " → ".join(d for d in (s.before_department, s.after_department) if d)
                    out(f"  {s.title} ({where})")
        for label, handoffs in (
            (_("Handoffs removed"), c.handoffs_removed),
            (_("Handoffs added"), c.handoffs_added),
            (_("Handoffs moved to another department"), c.handoffs_moved),
        ):
            if handoffs:
                out("")
                out(label)
                for h in handoffs:
                    out(f"  {h.from_title} → {h.to_title}")

"""The workspace deck for managers: every map's key numbers, the top hotspots across
maps with their reasons, and the shared goals with their KPIs.

Pure: a `WorkspaceDeckContent` (the manager dashboard's `Portfolio`, computed by
the same code as the dashboard, and the goals as plain data) in, a python-pptx
presentation out. Native tables, so numbers can be
edited and restyled; every slide's notes say how its numbers are defined.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from pptx.presentation import Presentation as PresentationType

from departments.formats import format_number, format_percent
from valuestreams.analysis.portfolio import Portfolio

from .deck import METRICS, metric_value
from .pptx_kit import DECK, add_table, add_text, new_presentation, set_notes, titled_slide

__all__ = ["GoalItem", "KPIItem", "WorkspaceDeckContent", "workspace_deck"]

#: How many hotspots across maps the deck lists.
TOP_HOTSPOTS = 8
#: The metrics of the maps table, in order.
MAP_COLUMNS = (
    "lead_time_minutes",
    "process_time_minutes",
    "activity_ratio",
    "rolled_complete_accurate",
    "handoffs",
    "cross_department_handoffs",
    "rework_handoffs",
)


@dataclass(frozen=True, slots=True)
class KPIItem:
    """A KPI of a shared goal: baseline, target and the latest reading (None if none yet)."""

    name: str
    unit: str
    baseline: float
    target: float
    latest: float | None
    latest_date: date | None
    progress: float | None  # share of the way from baseline to target


@dataclass(frozen=True, slots=True)
class GoalItem:
    """A shared goal with its status, departments and KPIs."""

    title: str
    status: str
    orchestrator: str
    departments: tuple[str, ...]
    kpis: tuple[KPIItem, ...]


@dataclass(frozen=True, slots=True)
class WorkspaceDeckContent:
    """Everything the workspace deck shows."""

    workspace: str
    on: date
    portfolio: Portfolio
    kind_labels: dict[str, str]
    goals: tuple[GoalItem, ...]


def _continued(
    prs: PresentationType,
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    notes: Sequence[str],
) -> None:
    """A table over as many slides as its rows need, the header repeated on each."""
    left = list(rows)
    part = 0
    while True:
        part += 1
        slide = titled_slide(prs, title if part == 1 else f"{title} ({part})")
        set_notes(slide, notes)
        _table, shown, _bottom = add_table(
            slide.shapes,
            DECK.margin_px,
            DECK.body_top_px,
            DECK.width_px - 2 * DECK.margin_px,
            header,
            left,
            widths,
        )
        left = left[max(1, shown) :]
        if not left:
            return


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    return f"{format_number(value, 1)} {unit}".strip()


def workspace_deck(c: WorkspaceDeckContent) -> PresentationType:
    """The managers' deck of a workspace (see the module docstring)."""
    prs = new_presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[0])
    assert slide.shapes.title is not None
    slide.shapes.title.text = c.workspace
    subtitle = slide.placeholders[1]
    subtitle.text = (
        _("Handoffs across departments · %(date)s") % {"date": date_format(c.on, "DATE_FORMAT")}
        + "\n"
        + _("%(maps)d maps, %(goals)d shared goals")
        % {
            "maps": len(c.portfolio.maps),
            "goals": len(c.goals),
        }
    )
    for shape, top, height in ((slide.shapes.title, 150, 170), (subtitle, 340, 200)):
        shape.left, shape.width = 9525 * 64, 9525 * round(DECK.width_px - 128)
        shape.top, shape.height = 9525 * top, 9525 * height
    set_notes(slide, [_("Exported from Crosswalk. Numbers come from each map's own analysis.")])

    metric = {m.name: m for m in METRICS}
    header = [_("Map"), _("Kind"), *[str(metric[n].label) for n in MAP_COLUMNS]]
    rows = []
    for m in c.portfolio.maps:
        cells = []
        for n in MAP_COLUMNS:
            cell = metric_value(getattr(m.metrics, n), metric[n].kind, m.working_day_minutes)
            change = m.future.change(n) if m.future else None
            if change is not None and change.after is not None:
                after = metric_value(change.after, metric[n].kind, m.working_day_minutes)
                cell += f" → {after}"
            cells.append(cell)
        rows.append([m.name, c.kind_labels.get(m.kind, m.kind), *cells])
    if rows:
        _continued(
            prs,
            _("Every map's key numbers"),
            header,
            rows,
            (0.24, 0.16, 0.09, 0.09, 0.08, 0.08, 0.08, 0.1, 0.08),
            [
                _(
                    "Current-state maps. “a → b”: a now, b in the map's newest future "
                    "state (the same numbers as the dashboard)."
                ),
                *[str(metric[n].definition) for n in MAP_COLUMNS],
            ],
        )
    else:
        slide = titled_slide(prs, _("Every map's key numbers"))
        add_text(slide.shapes, DECK.margin_px, DECK.body_top_px, 800, 40, [_("No maps yet.")])
        set_notes(slide, [_("Maps appear here once the workspace has some.")])

    hotspot_rows = [
        [
            h.map_name,
            h.step_title,
            h.department,
            format_number(h.score, 0),
            "; ".join(str(r) for r in h.reasons),
        ]
        for h in c.portfolio.hotspots[:TOP_HOTSPOTS]
    ]
    hotspot_notes = [
        _(
            "The handoff hotspots of all current-state maps, best score first. A step's "
            "score (0–100) adds up: 40 × its share of its map's waiting over all "
            "steps; 15 if on the critical path; 15 if work is sent back to it; 5 per other "
            "department it "
            "receives work from (at most 15); 15 × the share of incoming work that is not "
            "complete and accurate. Decision rights that are unclear or contested are named "
            "among the reasons. Future states are proposals and are left out."
        )
    ]
    if hotspot_rows:
        _continued(
            prs,
            _("Top hotspots across maps"),
            [_("Map"), _("Step"), _("Department"), _("Score"), _("Why")],
            hotspot_rows,
            (0.17, 0.17, 0.13, 0.06, 0.47),
            hotspot_notes,
        )

    goal_rows = []
    for goal in c.goals:
        who = ", ".join(goal.departments)
        label = f"{goal.title} ({goal.status})" + (f" · {who}" if who else "")
        if not goal.kpis:
            goal_rows.append([label, "—", "", "", "", ""])
        for i, kpi in enumerate(goal.kpis):
            latest = _number(kpi.latest, kpi.unit)
            if kpi.latest_date is not None:
                latest += f" ({date_format(kpi.latest_date, 'SHORT_DATE_FORMAT')})"
            progress = format_percent(kpi.progress, 0)
            goal_rows.append(
                [
                    label if i == 0 else "",
                    kpi.name,
                    _number(kpi.baseline, kpi.unit),
                    latest,
                    _number(kpi.target, kpi.unit),
                    progress,
                ]
            )
    goal_notes = [
        _(
            "Progress is the share of the way from the baseline to the target that the "
            "latest reading has covered (above 100% when the target is passed)."
        )
    ]
    if goal_rows:
        _continued(
            prs,
            _("Shared goals and their KPIs"),
            [_("Shared goal"), _("KPI"), _("Baseline"), _("Latest"), _("Target"), _("Progress")],
            goal_rows,
            (0.34, 0.2, 0.1, 0.16, 0.1, 0.1),
            goal_notes,
        )
    else:
        slide = titled_slide(prs, _("Shared goals and their KPIs"))
        add_text(
            slide.shapes, DECK.margin_px, DECK.body_top_px, 800, 40, [_("No shared goals yet.")]
        )
        set_notes(slide, goal_notes)
    return prs

"""Chart figures for the manager's pages, written by plotly in Python.

Each function takes plain results (a `Portfolio`, KPI readings) and returns the
figure as a JSON-ready dict; the page passes it with `json_script` and
`static/js/charts.js` draws it with plotly.js served from our static files.
Colours come from one colour-blind-safe palette (Okabe and Ito) and a
perceptually uniform scale (cividis). Every chart also has its data as a table
on the page: the figure is never the only way to read the numbers.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import plotly.graph_objects as go
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .analysis.portfolio import Portfolio
from .units import format_minutes

#: Okabe & Ito's colour-blind-safe palette (black left out: it is the text colour).
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#999999",
)
#: A sequential scale that reads the same for every kind of colour vision.
SCALE = "Cividis"
FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13}


def _layout(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "template": "none",
        "font": FONT,
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
    }
    return {**base, **extra}


def _rgba(color: str, alpha: float) -> str:
    """ "#0072B2" with an alpha, as plotly wants it: "rgba(0,114,178,0.4)"."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _figure(fig: go.Figure) -> dict[str, Any]:
    result: dict[str, Any] = fig.to_plotly_json()
    return result


#: How many portfolio figures this process keeps (see `_remembered`).
FIGURE_MEMO_SIZE = 64
_figures: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
_figures_lock = threading.Lock()


def _remembered(
    build: Callable[[Portfolio], dict[str, Any]], portfolio: Portfolio
) -> dict[str, Any]:
    """`build(portfolio)`, made once per content and language in this process.

    A portfolio figure depends only on the flows, the departments, the working
    day and the language; plotly validates every property it is given, which
    cost more than the rest of a warm dashboard request's Python. Callers only
    serialise the figure, never change it, so one dict is shared.
    """
    key = (
        build.__name__,
        get_language(),
        portfolio.working_day_minutes,
        portfolio.departments,
        portfolio.flows,
    )
    with _figures_lock:
        figure = _figures.get(key)
        if figure is not None:
            _figures.move_to_end(key)
            return figure
    figure = build(portfolio)
    with _figures_lock:
        _figures[key] = figure
        while len(_figures) > FIGURE_MEMO_SIZE:
            _figures.popitem(last=False)
    return figure


def heatmap_figure(portfolio: Portfolio) -> dict[str, Any]:
    """The heatmap of `portfolio` (see `_heatmap_figure`), remembered per content and language."""
    return _remembered(_heatmap_figure, portfolio)


def sankey_figure(portfolio: Portfolio) -> dict[str, Any]:
    """The Sankey diagram of `portfolio` (see `_sankey_figure`), remembered likewise."""
    return _remembered(_sankey_figure, portfolio)


def _heatmap_figure(portfolio: Portfolio) -> dict[str, Any]:
    """Department × department: rows send, columns receive; count and waiting as two views.

    Buttons switch between the number of handoffs and the waiting they cause
    (shown in hours, with the friendly duration in the hover text).
    """
    names, counts = portfolio.matrix("count")
    _names, waits = portfolio.matrix("wait")
    wd = portfolio.working_day_minutes
    hours = [[None if v is None else round(v / 60, 1) for v in row] for row in waits]
    wait_text = [[format_minutes(v, wd) if v is not None else "" for v in row] for row in waits]
    count_text = [["" if v is None else f"{v:g}" for v in row] for row in counts]
    common = {
        "x": list(names),
        "y": list(names),
        "colorscale": SCALE,
        "hoverongaps": False,
        "texttemplate": "%{text}",
        "xgap": 2,
        "ygap": 2,
    }
    count_trace = go.Heatmap(
        z=[list(r) for r in counts],
        text=count_text,
        name=_("Handoffs"),
        colorbar={"title": {"text": _("Handoffs")}},
        hovertemplate=_("%{y} → %{x}: %{z} handoffs") + "<extra></extra>",
        **common,
    )
    wait_trace = go.Heatmap(
        z=hours,
        text=wait_text,
        name=_("Waiting"),
        visible=False,
        colorbar={"title": {"text": _("Waiting (h)")}},
        hovertemplate=_("%{y} → %{x}: %{text} waiting") + "<extra></extra>",
        **common,
    )
    buttons = [
        {"label": _("Count"), "method": "update", "args": [{"visible": [True, False]}]},
        {"label": _("Waiting"), "method": "update", "args": [{"visible": [False, True]}]},
    ]
    layout = _layout(
        height=max(320, 60 + 42 * len(names)),
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        xaxis={"title": {"text": _("receives")}, "automargin": True},
        yaxis={"title": {"text": _("sends")}, "autorange": "reversed", "automargin": True},
        updatemenus=[
            {
                "type": "buttons",
                "direction": "right",
                "buttons": buttons,
                "x": 0,
                "xanchor": "left",
                "y": 1.02,
                "yanchor": "bottom",
                "showactive": True,
            }
        ],
    )
    return _figure(go.Figure(data=[count_trace, wait_trace], layout=layout))


def _sankey_figure(portfolio: Portfolio) -> dict[str, Any]:
    """Flows of cross-department handoffs: senders on the left, receivers on the right.

    Each department appears on both sides, so work that goes back and forth
    stays readable instead of forming circles.
    """
    departments = portfolio.matrix_departments()
    index = {d.id: i for i, d in enumerate(departments)}
    colors = [PALETTE[i % len(PALETTE)] for i in range(len(departments))]
    labels = [d.name for d in departments] * 2
    wd = portfolio.working_day_minutes
    flows = portfolio.flows
    fig = go.Figure(
        data=[
            go.Sankey(
                arrangement="snap",
                node={
                    "label": labels,
                    "color": colors * 2,
                    "pad": 14,
                    "thickness": 16,
                    "line": {"width": 0},
                },
                link={
                    "source": [index[f.from_department_id] for f in flows],
                    "target": [len(departments) + index[f.to_department_id] for f in flows],
                    "value": [f.count for f in flows],
                    "color": [_rgba(colors[index[f.from_department_id]], 0.45) for f in flows],
                    "customdata": [format_minutes(f.wait_minutes, wd) for f in flows],
                    "hovertemplate": _(
                        "%{source.label} → %{target.label}: %{value} handoffs,"
                        " %{customdata} waiting"
                    )
                    + "<extra></extra>",
                },
            )
        ],
        layout=_layout(height=max(300, 40 * len(departments))),
    )
    return _figure(fig)


def kpi_figure(
    *,
    name: str,
    unit: str,
    readings: list[tuple[dt.date, float]],
    baseline: float,
    target: float,
    map_values: list[tuple[str, float]] | None = None,
) -> dict[str, Any]:
    """A KPI's readings as a line, with its target (and baseline) as dashed lines.

    `map_values` are the bound map's current and future-state values, drawn as
    dotted lines so they can be read against the readings.
    """
    dates = [d.isoformat() for d, _v in readings]
    traces: list[Any] = [
        go.Scatter(
            x=dates,
            y=[v for _d, v in readings],
            mode="lines+markers",
            name=name,
            line={"color": PALETTE[0], "width": 3},
        )
    ]
    shapes = []
    annotations = []
    # Target and baseline are labelled on the right, the map's values on the left,
    # so the labels of lines close together do not cover each other.
    lines = [
        (_("target"), target, PALETTE[2], "dash", 1),
        (_("baseline"), baseline, PALETTE[7], "dot", 1),
    ]
    for i, (label, value) in enumerate(map_values or []):
        lines.append((label, value, (PALETTE[1], PALETTE[5])[i % 2], "dashdot", 0))
    for label, value, color, dash, side in lines:
        shapes.append(
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "y0": value,
                "y1": value,
                "line": {"color": color, "dash": dash, "width": 2},
            }
        )
        annotations.append(
            {
                "xref": "paper",
                "x": side,
                "y": value,
                "xanchor": "right" if side else "left",
                "yanchor": "bottom",
                "text": f"{label} {value:g}",
                "showarrow": False,
                "font": {"color": color},
            }
        )
    layout = _layout(
        height=260,
        showlegend=False,
        shapes=shapes,
        annotations=annotations,
        xaxis={"type": "date", "automargin": True},
        yaxis={"title": {"text": unit}, "automargin": True, "rangemode": "tozero"},
    )
    return _figure(go.Figure(data=traces, layout=layout))

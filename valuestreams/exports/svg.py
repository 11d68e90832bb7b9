"""Geometry -> SVG: the screen drawing and the SVG export of a map.

`render_svg` draws only what `layout_map` computed; it decides no positions of its
own. The document is standalone (no web fonts, no external references: it opens
offline and converts to PNG/PDF as is) and embeds inline in HTML.

With ``interactive=True`` it adds the hooks the editor relies on. That contract is
fixed; change it only together with the editor:

- root ``<svg class="cw-diagram" role="img" aria-labelledby=...>`` with
  ``data-map-id`` and ``data-version``;
- per step ``<g class="cw-step [cw-hotspot] [cw-selected]" id="step-{id}"
  data-step-id data-lane-id data-stage-id data-version tabindex="0" role="button"
  aria-label="{title}, {department}, {stage}[; hotspot: {reasons}]">``;
- per lane × stage cell ``<rect class="cw-cell" data-lane-id data-stage-id>`` under
  the steps, and a ``<g class="cw-add" data-lane-id data-stage-id tabindex="0"
  role="button" aria-label="Add a step in {department} × {stage}">`` affordance;
- per handoff ``<g class="cw-handoff [cw-cross] [cw-rework]" id="handoff-{id}"
  data-handoff-id data-from data-to>`` with a wide transparent ``cw-hit`` path;
- ``<g class="cw-lane-header" data-lane-id>`` and ``<g class="cw-stage-header"
  data-stage-id>``.

Without it (exports) the picture is the same, minus focus, buttons and "add" spots.

Colour never carries meaning alone: cross-department handoffs are also thicker
with a diamond where they cross a lane border and a solid arrowhead; rework is
dashed with an open arrowhead; hotspots have a thick outline and a "!" badge.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from django.utils.translation import gettext as _

from valuestreams.layout import (
    CARD_BORDER,
    CARD_FILL,
    CROSS_COLOR,
    CURVE_COLOR,
    HANDOFF_COLOR,
    HOTSPOT_BADGE,
    HOTSPOT_COLOR,
    INK,
    INK_MUTED,
    NEGATIVE_FILL,
    POSITIVE_FILL,
    REWORK_COLOR,
    SELECTED_COLOR,
    STAGE_FILL,
    BoxGeometry,
    ConnectorGeometry,
    EmotionCurve,
    Geometry,
    LadderGeometry,
    LegendItem,
    Point,
    TextLine,
)

__all__ = ["render_svg"]

# Characters XML 1.0 forbids even escaped; user text may contain them.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_LINE_WIDTH = {"handoff": 1.75, "cross": 3.0, "rework": 2.25}
_CORNER_RADIUS = 6.0


_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def _esc(text: object) -> str:
    """Text made safe for XML content and double- or single-quoted attributes.

    One `str.translate` instead of `html.escape`'s five replaces: a 200-step map
    escapes about 20,000 values per edit, and this is on the editor's hot path.
    """
    value = str(text)
    if _INVALID_XML.search(value):
        value = _INVALID_XML.sub("", value)
    return value.translate(_ESCAPES)


def _n(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros."""
    if value % 1 == 0:  # most coordinates sit on whole pixels: the fast path
        return str(int(value))
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _attrs(**attrs: object) -> str:
    """Attributes from keyword arguments; ``_`` in names becomes ``-``; None is left out."""
    parts = []
    for key, value in attrs.items():
        if value is None:
            continue
        # Numbers need no escaping; only text goes through _esc. `type() is` is
        # deliberate: bool is an int subclass and must print as text.
        kind = type(value)
        text = _n(value) if kind is float or kind is int else _esc(value)  # type: ignore[arg-type]
        parts.append(f' {_NAMES.get(key) or _attr_name(key)}="{text}"')
    return "".join(parts)


_NAMES: dict[str, str] = {}

# Rendered markup of cards and connectors by their geometry (see _Svg._memo).
_MEMO: dict[Hashable, str] = {}
_MEMO_SIZE = 50_000


def _attr_name(key: str) -> str:
    """`font_size` → `font-size`, `class_` → `class`; remembered in _NAMES (a handful)."""
    name = _NAMES[key] = key.rstrip("_").replace("_", "-")
    return name


def _el(tag: str, **attrs: object) -> str:
    """An empty element ``<tag .../>``."""
    return f"<{tag}{_attrs(**attrs)}/>"


def _text(line: TextLine) -> str:
    anchor = None if line.anchor == "start" else line.anchor
    weight = None if line.weight == 400 else line.weight
    attrs = _attrs(
        x=line.x,
        y=line.y,
        font_size=line.size,
        font_weight=weight,
        fill=line.color,
        text_anchor=anchor,
    )
    return f"<text{attrs}>{_esc(line.text)}</text>"


def _rounded_path(points: Sequence[Point], radius: float = _CORNER_RADIUS) -> str:
    """Path data through orthogonal points with softly rounded corners."""
    if not points:
        return ""
    out = [f"M{_n(points[0].x)} {_n(points[0].y)}"]
    for i in range(1, len(points) - 1):
        prev, corner, nxt = points[i - 1], points[i], points[i + 1]
        len_in = abs(corner.x - prev.x) + abs(corner.y - prev.y)
        len_out = abs(nxt.x - corner.x) + abs(nxt.y - corner.y)
        r = min(radius, len_in / 2, len_out / 2)
        if r <= 0.5:
            out.append(f"L{_n(corner.x)} {_n(corner.y)}")
            continue

        def toward(a: Point, b: Point, dist: float) -> Point:
            length = abs(b.x - a.x) + abs(b.y - a.y)
            t = dist / length if length else 0.0
            return Point(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t)

        start = toward(corner, prev, r)
        end = toward(corner, nxt, r)
        out.append(f"L{_n(start.x)} {_n(start.y)}")
        out.append(f"Q{_n(corner.x)} {_n(corner.y)} {_n(end.x)} {_n(end.y)}")
    out.append(f"L{_n(points[-1].x)} {_n(points[-1].y)}")
    return " ".join(out)


def _polyline(points: Sequence[Point]) -> str:
    return " ".join(f"{_n(p.x)},{_n(p.y)}" for p in points)


def _diamond(center: Point, size: float) -> str:
    x, y = center.x, center.y
    return (
        f"M{_n(x)} {_n(y - size)} L{_n(x + size)} {_n(y)} "
        f"L{_n(x)} {_n(y + size)} L{_n(x - size)} {_n(y)} Z"
    )


class _Svg:
    """One rendering; holds the id prefix that keeps marker ids unique per map."""

    def __init__(self, geometry: Geometry, interactive: bool, title: str) -> None:
        self.g = geometry
        self.interactive = interactive
        self.title = title or geometry.name or _("Map")
        self.prefix = f"cw-{geometry.map_id}"
        self.titles = {box.step_id: box.title for box in geometry.boxes}
        self.out: list[str] = []
        # Labels repeat on every cell, step and handoff: translate each once per
        # rendering rather than thousands of times.
        self.text = {
            "add": _("Add a step in %(department)s × %(stage)s"),
            "from_to": _("from “%(from)s” to “%(to)s”"),
            "across": _("across departments"),
            "rework": _("rework"),
            "handoff": _("Handoff"),
            "hotspot": _("hotspot"),
            "Hotspot": _("Hotspot"),
        }
        self.text_key = tuple(self.text.values())  # the language, for memo keys

    def marker(self, kind: str) -> str:
        return f"url(#{self.prefix}-{kind})"

    def render(self) -> str:
        g = self.g
        w = self.out
        title_id = f"{self.prefix}-title"
        desc_id = f"{self.prefix}-desc"
        cross = sum(1 for c in g.connectors if c.cross_department)
        w.append(
            '<svg xmlns="http://www.w3.org/2000/svg"'
            + _attrs(
                class_="cw-diagram",
                role="img",
                aria_labelledby=f"{title_id} {desc_id}",
                viewBox=f"0 0 {_n(g.width)} {_n(g.height)}",
                width=g.width,
                height=g.height,
                data_map_id=g.map_id,
                data_version=g.version,
                font_family=g.font_family,
            )
            + ">"
        )
        w.append(f'<title id="{title_id}">{_esc(self.title)}</title>')
        summary = _("%(steps)d steps, %(handoffs)d handoffs, %(cross)d across departments.") % {
            "steps": len(g.boxes),
            "handoffs": len(g.connectors),
            "cross": cross,
        }
        w.append(f'<desc id="{desc_id}">{_esc(summary)}</desc>')
        self.defs()
        w.append(f'<rect width="{_n(g.width)}" height="{_n(g.height)}" fill="#FFFFFF"/>')
        self.lanes()
        self.stages()
        self.cells()
        w.append('<g class="cw-handoffs">')
        for connector in g.connectors:
            self.connector(connector)
        w.append("</g>")
        w.append('<g class="cw-steps">')
        for box in g.boxes:
            self.box(box)
        w.append("</g>")
        # Labels above the cards: a label must stay readable where it overlaps one.
        w.append('<g class="cw-handoff-labels">')
        for connector in g.connectors:
            if connector.label:
                self.connector_label(connector)
        w.append("</g>")
        if self.interactive:
            self.add_buttons()
        if g.ladder is not None:
            self.ladder(g.ladder)
        if g.curve is not None:
            self.curve(g.curve)
        if g.legend:
            self.legend(g.legend)
        w.append("</svg>")
        return "\n".join(w)

    # -- shared pieces ---------------------------------------------------

    def defs(self) -> None:
        p = self.prefix
        self.out.append(
            "<defs>"
            f'<marker id="{p}-arrow" viewBox="0 0 10 10" refX="9.5" refY="5" markerWidth="10"'
            ' markerHeight="10" markerUnits="userSpaceOnUse" orient="auto">'
            f'<path d="M0 1 L10 5 L0 9 Z" fill="{HANDOFF_COLOR}"/></marker>'
            f'<marker id="{p}-arrow-cross" viewBox="0 0 10 10" refX="9.5" refY="5" markerWidth="14"'
            ' markerHeight="14" markerUnits="userSpaceOnUse" orient="auto">'
            f'<path d="M0 0.5 L10 5 L0 9.5 Z" fill="{CROSS_COLOR}"/></marker>'
            f'<marker id="{p}-arrow-rework" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="13"'
            ' markerHeight="13" markerUnits="userSpaceOnUse" orient="auto">'
            f'<path d="M1 1 L9 5 L1 9" fill="none" stroke="{REWORK_COLOR}" stroke-width="1.8"'
            ' stroke-linecap="round" stroke-linejoin="round"/></marker>'
            "</defs>"
        )
        # The interactive diagram's focus and hover rules live in static/css/editor.css:
        # the Content-Security-Policy allows no inline <style> element.

    def lanes(self) -> None:
        w = self.out
        w.append('<g class="cw-lanes">')
        for lane in self.g.lanes:
            w.append(
                _el(
                    "rect", x=lane.x, y=lane.y, width=lane.width, height=lane.height, fill=lane.tint
                )
            )
        # Thin borders between lanes; drawn after all bands so none hides another.
        for lane in self.g.lanes[1:]:
            w.append(
                f'<line x1="{_n(lane.x)}" y1="{_n(lane.y)}" x2="{_n(lane.x + lane.width)}"'
                f' y2="{_n(lane.y)}" stroke="#FFFFFF" stroke-width="3"/>'
            )
        for lane in self.g.lanes:
            w.append(f'<g class="cw-lane-header" data-lane-id="{lane.lane_id}">')
            w.append(
                _el(
                    "rect",
                    x=lane.x,
                    y=lane.y + 1.5,
                    width=lane.header_width,
                    height=lane.height - 3,
                    fill=lane.header_fill,
                )
            )
            w.append(
                _el(
                    "rect",
                    x=lane.x,
                    y=lane.y + 1.5,
                    width=lane.stripe_width,
                    height=lane.height - 3,
                    fill=lane.color,
                )
            )
            w.extend(_text(line) for line in lane.text)
            w.append("</g>")
        w.append("</g>")

    def stages(self) -> None:
        w = self.out
        w.append('<g class="cw-stages">')
        lanes = self.g.lanes
        if lanes and self.g.columns:
            top = lanes[0].y
            bottom = lanes[-1].y + lanes[-1].height
            # Faint column dividers help the eye down a column on a projector.
            for column in self.g.columns[1:]:
                w.append(
                    _el(
                        "line",
                        x1=column.x,
                        y1=top,
                        x2=column.x,
                        y2=bottom,
                        stroke="#667085",
                        stroke_opacity=0.28,
                        stroke_dasharray="2 5",
                    )
                )
        for column in self.g.columns:
            w.append(f'<g class="cw-stage-header" data-stage-id="{column.stage_id}">')
            w.append(
                _el(
                    "rect",
                    x=column.header_x,
                    y=column.header_y,
                    width=column.header_width,
                    height=column.header_height,
                    rx=8,
                    fill=STAGE_FILL,
                )
            )
            w.extend(_text(line) for line in column.text)
            w.append("</g>")
        w.append("</g>")

    def cells(self) -> None:
        w = self.out
        w.append('<g class="cw-cells">')
        for cell in self.g.cells:
            # Invisible but "painted" (opacity 0, not fill none), so it takes pointer events.
            w.append(
                '<rect class="cw-cell"'
                + _attrs(
                    data_lane_id=cell.lane_id,
                    data_stage_id=cell.stage_id,
                    x=cell.x,
                    y=cell.y,
                    width=cell.width,
                    height=cell.height,
                    fill="#FFFFFF",
                    fill_opacity=0,
                )
                + "/>"
            )
        w.append("</g>")

    def add_buttons(self) -> None:
        w = self.out
        w.append('<g class="cw-adds">')
        for cell in self.g.cells:
            label = self.text["add"] % {
                "department": cell.department,
                "stage": cell.stage,
            }
            w.append(
                '<g class="cw-add"'
                + _attrs(
                    data_lane_id=cell.lane_id,
                    data_stage_id=cell.stage_id,
                    tabindex=0,
                    role="button",
                    aria_label=label,
                    transform=f"translate({_n(cell.add_x)} {_n(cell.add_y)})",
                )
                + ">"
            )
            w.append(f"<title>{_esc(label)}</title>")
            w.append(
                f'<circle r="10" fill="#FFFFFF" stroke="{INK_MUTED}" stroke-width="1.5"'
                ' stroke-dasharray="3 2"/>'
                f'<path d="M-4.5 0 H4.5 M0 -4.5 V4.5" stroke="{INK_MUTED}" stroke-width="2"'
                ' stroke-linecap="round"/>'
            )
            w.append("</g>")
        w.append("</g>")

    # -- handoffs ----------------------------------------------------------

    def connector(self, c: ConnectorGeometry) -> None:
        """A handoff's SVG, memoised: its title also names both steps' titles."""
        titles = (self.titles.get(c.from_step_id, ""), self.titles.get(c.to_step_id, ""))
        self._memo((c, titles, self.prefix, self.interactive, self.text_key), self._connector, c)

    def _connector(self, c: ConnectorGeometry) -> None:
        w = self.out
        classes = ["cw-handoff"]
        if c.cross_department:
            classes.append("cw-cross")
        if c.rework:
            classes.append("cw-rework")
        if c.rework:
            color, marker = REWORK_COLOR, self.marker("arrow-rework")
            width = _LINE_WIDTH["cross"] if c.cross_department else _LINE_WIDTH["rework"]
            dash: str | None = "7 5"
        elif c.cross_department:
            color, marker, width, dash = (
                CROSS_COLOR,
                self.marker("arrow-cross"),
                _LINE_WIDTH["cross"],
                None,
            )
        else:
            color, marker, width, dash = (
                HANDOFF_COLOR,
                self.marker("arrow"),
                _LINE_WIDTH["handoff"],
                None,
            )
        d = _rounded_path(c.points)
        w.append(
            "<g"
            + _attrs(
                class_=" ".join(classes),
                id=f"handoff-{c.handoff_id}",
                data_handoff_id=c.handoff_id,
                data_from=c.from_step_id,
                data_to=c.to_step_id,
            )
            + ">"
        )
        parts = [
            self.text["from_to"]
            % {
                "from": self.titles.get(c.from_step_id, ""),
                "to": self.titles.get(c.to_step_id, ""),
            }
        ]
        if c.cross_department:
            parts.append(self.text["across"])
        if c.rework:
            parts.append(self.text["rework"])
        if c.label:
            parts.append(c.label)
        w.append(f"<title>{_esc(self.text['handoff'] + ' ' + ', '.join(parts))}</title>")
        if self.interactive:
            w.append(
                f'<path class="cw-hit" d="{d}" fill="none" stroke="#000000" stroke-opacity="0"'
                ' stroke-width="14" pointer-events="stroke"/>'
            )
        w.append(
            '<path class="cw-line"'
            + _attrs(
                d=d,
                fill="none",
                stroke=color,
                stroke_width=width,
                stroke_dasharray=dash,
                stroke_linejoin="round",
                marker_end=marker,
            )
            + "/>"
        )
        for mark in c.boundary_marks:
            w.append(
                _el("path", d=_diamond(mark, 6.5), fill=color, stroke="#FFFFFF", stroke_width=1.5)
            )
        w.append("</g>")

    def connector_label(self, c: ConnectorGeometry) -> None:
        color = REWORK_COLOR if c.rework else (CROSS_COLOR if c.cross_department else HANDOFF_COLOR)
        lp = c.label_position
        self.out.append(f'<g class="cw-handoff-label" data-handoff-id="{c.handoff_id}">')
        self.out.append(
            _el(
                "rect",
                x=lp.x - c.label_width / 2,
                y=lp.y - 10,
                width=c.label_width,
                height=20,
                rx=4,
                fill="#FFFFFF",
                stroke=color,
                stroke_width=0.75,
            )
        )
        self.out.append(
            _text(TextLine(c.label, lp.x, lp.y + 4.5, 13, 400, INK, "middle", "handoff-label"))
        )
        self.out.append("</g>")

    # -- steps -----------------------------------------------------------

    def box(self, b: BoxGeometry) -> None:
        """A step card's SVG, memoised on its geometry."""
        self._memo((b, self.interactive, self.text_key), self._box, b)

    def _memo(self, key: Hashable, draw: Callable[[Any], None], item: Any) -> None:
        # After one edit nearly every card and connector has the same geometry
        # as before; re-using their markup halves an edit's rendering time.
        markup = _MEMO.get(key)
        if markup is None:
            start = len(self.out)
            draw(item)
            markup = "".join(self.out[start:])
            del self.out[start:]
            if len(_MEMO) >= _MEMO_SIZE:
                _MEMO.clear()  # bounded memory: start over rather than track ages
            _MEMO[key] = markup
        self.out.append(markup)

    def _box(self, b: BoxGeometry) -> None:
        w = self.out
        classes = ["cw-step"]
        if b.is_hotspot:
            classes.append("cw-hotspot")
        if b.selected:
            classes.append("cw-selected")
        reasons = "; ".join(b.hotspot_reasons)
        label = f"{b.title}, {b.department}, {b.stage}"
        if reasons:
            label += f"; {self.text['hotspot']}: {reasons}"
        describedby = f"step-{b.step_id}-reasons" if b.is_hotspot else None
        w.append(
            "<g"
            + _attrs(
                class_=" ".join(classes),
                id=f"step-{b.step_id}",
                data_step_id=b.step_id,
                data_lane_id=b.lane_id,
                data_stage_id=b.stage_id,
                data_version=b.version,
                tabindex=0 if self.interactive else None,
                role="button" if self.interactive else None,
                aria_label=label,
                aria_describedby=describedby,
            )
            + ">"
        )
        tooltip = b.title if not reasons else f"{b.title}\n{self.text['Hotspot']}: {reasons}"
        w.append(f"<title>{_esc(tooltip)}</title>")
        if b.is_hotspot:
            w.append(
                f'<desc id="{describedby}">{_esc(self.text["Hotspot"] + ": " + reasons)}</desc>'
            )
        x, y, bw, bh = b.x, b.y, b.width, b.height
        if b.selected:
            w.append(
                _el(
                    "rect",
                    x=x - 7,
                    y=y - 7,
                    width=bw + 14,
                    height=bh + 14,
                    rx=12,
                    fill="none",
                    stroke=SELECTED_COLOR,
                    stroke_width=3,
                )
            )
        # A soft shadow lifts the card off the lane tint without a heavy border.
        w.append(
            _el("rect", x=x, y=y + 2, width=bw, height=bh, rx=8, fill="#101828", fill_opacity=0.08)
        )
        w.append(
            _el(
                "rect",
                class_="cw-card",
                x=x,
                y=y,
                width=bw,
                height=bh,
                rx=8,
                fill=CARD_FILL,
                stroke=CARD_BORDER,
                stroke_width=1,
            )
        )
        s = b.stripe_width
        w.append(
            f'<path d="M{_n(x + 8)} {_n(y)} H{_n(x + s)} V{_n(y + bh)} H{_n(x + 8)}'
            f' A8 8 0 0 1 {_n(x)} {_n(y + bh - 8)} V{_n(y + 8)} A8 8 0 0 1 {_n(x + 8)} {_n(y)} Z"'
            f' fill="{b.stripe_color}"/>'
        )
        if b.is_hotspot:
            w.append(
                _el(
                    "rect",
                    x=x - 3,
                    y=y - 3,
                    width=bw + 6,
                    height=bh + 6,
                    rx=10,
                    fill="none",
                    stroke=HOTSPOT_COLOR,
                    stroke_width=3.5,
                )
            )
        if self.interactive:
            w.append(
                _el(
                    "rect",
                    class_="cw-focus",
                    x=x - 5,
                    y=y - 5,
                    width=bw + 10,
                    height=bh + 10,
                    rx=11,
                    fill="none",
                    stroke="none",
                )
            )
        w.extend(_text(line) for line in b.lines)
        if b.emotion_glyph is not None and b.emotion is not None:
            self.face(b.emotion_glyph, b.emotion_radius, b.emotion)
        if b.is_hotspot:
            cx, cy = x + bw - 2, y + 2
            w.append(
                f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="11" fill="{HOTSPOT_BADGE}"'
                ' stroke="#FFFFFF" stroke-width="2"/>'
            )
            w.append(
                _text(TextLine("!", cx, cy + 5.5, 15, 700, "#FFFFFF", "middle", "hotspot-badge"))
            )
        w.append("</g>")

    def face(self, center: Point, r: float, emotion: int) -> None:
        """A small drawn face: the mouth's curve carries the emotion, not the colour."""
        fill = "#D3F9D8" if emotion > 0 else ("#FFE3E3" if emotion < 0 else "#F1F3F5")
        cx, cy = center.x, center.y
        mouth_y = cy + 2.6 - (0.8 if emotion < 0 else 0)
        control = mouth_y + emotion * 1.6
        self.out.append(
            f'<g class="cw-face"><circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" fill="{fill}"'
            f' stroke="{INK_MUTED}" stroke-width="1.3"/>'
            f'<circle cx="{_n(cx - 2.4)}" cy="{_n(cy - 1.8)}" r="0.95" fill="{INK}"/>'
            f'<circle cx="{_n(cx + 2.4)}" cy="{_n(cy - 1.8)}" r="0.95" fill="{INK}"/>'
            + _el(
                "path",
                d=f"M{_n(cx - 3.4)} {_n(mouth_y)} "
                f"Q{_n(cx)} {_n(control)} {_n(cx + 3.4)} {_n(mouth_y)}",
                fill="none",
                stroke=INK,
                stroke_width=1.3,
                stroke_linecap="round",
            )
            + "</g>"
        )

    # -- bands and legend --------------------------------------------------

    def ladder(self, ladder: LadderGeometry) -> None:
        w = self.out
        w.append('<g class="cw-ladder">')
        w.append(
            _el(
                "rect",
                x=ladder.x,
                y=ladder.y,
                width=ladder.width,
                height=ladder.height,
                rx=10,
                fill="#F8F9FB",
                stroke="#E4E7EC",
            )
        )
        w.extend(_text(line) for line in ladder.text)
        w.append(
            f'<polyline points="{_polyline(ladder.path)}" fill="none" stroke="{INK_MUTED}"'
            ' stroke-width="1.5" stroke-linejoin="round"/>'
        )
        # Process-time rungs are the value; make them the heavy part of the line.
        for rung in ladder.rungs:
            if rung.kind == "process":
                w.append(
                    _el(
                        "line",
                        x1=rung.x1,
                        y1=rung.y,
                        x2=rung.x2,
                        y2=rung.y,
                        stroke=CURVE_COLOR,
                        stroke_width=5,
                        stroke_linecap="round",
                    )
                )
        for rung in ladder.rungs:
            if rung.label is None:
                continue
            ids = " ".join(str(i) for i in rung.step_ids)
            w.append(
                f'<g class="cw-rung" data-step-ids="{ids}" data-kind="{rung.kind}">'
                f"{_text(rung.label)}</g>"
            )
        w.append(
            _el(
                "rect",
                class_="cw-totals",
                x=ladder.totals_x,
                y=ladder.totals_y,
                width=ladder.totals_width,
                height=ladder.totals_height,
                rx=10,
                fill=STAGE_FILL,
                stroke="#D0D5DD",
            )
        )
        w.extend(_text(line) for line in ladder.totals_text)
        w.append("</g>")

    def curve(self, curve: EmotionCurve) -> None:
        w = self.out
        w.append('<g class="cw-emotion-curve">')
        w.append(
            _el(
                "rect",
                x=curve.x,
                y=curve.y,
                width=curve.width,
                height=curve.height,
                rx=10,
                fill="#F8F9FB",
                stroke="#E4E7EC",
            )
        )
        w.append(
            _el(
                "rect",
                x=curve.plot_x,
                y=curve.top_y,
                width=curve.plot_width,
                height=curve.zero_y - curve.top_y,
                fill=POSITIVE_FILL,
            )
        )
        w.append(
            _el(
                "rect",
                x=curve.plot_x,
                y=curve.zero_y,
                width=curve.plot_width,
                height=curve.bottom_y - curve.zero_y,
                fill=NEGATIVE_FILL,
            )
        )
        w.append(
            _el(
                "line",
                x1=curve.plot_x,
                y1=curve.zero_y,
                x2=curve.plot_x + curve.plot_width,
                y2=curve.zero_y,
                stroke=INK_MUTED,
                stroke_width=1,
                stroke_dasharray="4 4",
            )
        )
        w.extend(_text(line) for line in curve.text)
        if len(curve.points) > 1:
            pts = [Point(p.x, p.y) for p in curve.points]
            w.append(
                f'<polyline points="{_polyline(pts)}" fill="none" stroke="{CURVE_COLOR}"'
                ' stroke-width="3" stroke-linejoin="round" stroke-linecap="round"/>'
            )
        for p in curve.points:
            w.append(
                f'<g class="cw-curve-point" data-step-id="{p.step_id}">'
                f"<title>{_esc(self.titles.get(p.step_id, ''))}: {_esc(p.label.text)}</title>"
                f'<circle cx="{_n(p.x)}" cy="{_n(p.y)}" r="6" fill="#FFFFFF" stroke="{CURVE_COLOR}"'
                f' stroke-width="3"/>{_text(p.label)}</g>'
            )
        w.append("</g>")

    def legend(self, items: Sequence[LegendItem]) -> None:
        w = self.out
        w.append('<g class="cw-legend">')
        for item in items:
            x, y, sw = item.x, item.y, item.symbol_width
            if item.kind in ("handoff", "cross", "rework"):
                color = {"handoff": HANDOFF_COLOR, "cross": CROSS_COLOR, "rework": REWORK_COLOR}[
                    item.kind
                ]
                marker = {"handoff": "arrow", "cross": "arrow-cross", "rework": "arrow-rework"}[
                    item.kind
                ]
                dash = ' stroke-dasharray="7 5"' if item.kind == "rework" else ""
                w.append(
                    f'<path d="M{_n(x)} {_n(y)} H{_n(x + sw)}" stroke="{color}"'
                    f' stroke-width="{_n(_LINE_WIDTH[item.kind])}"{dash}'
                    f' marker-end="{self.marker(marker)}"/>'
                )
                if item.kind == "cross":
                    w.append(
                        f'<path d="{_diamond(Point(x + sw / 2 - 4, y), 6.5)}" fill="{color}"'
                        ' stroke="#FFFFFF" stroke-width="1.5"/>'
                    )
            elif item.kind == "hotspot":
                w.append(
                    _el(
                        "rect",
                        x=x + 2,
                        y=y - 9,
                        width=sw - 8,
                        height=18,
                        rx=4,
                        fill=CARD_FILL,
                        stroke=HOTSPOT_COLOR,
                        stroke_width=3,
                    )
                )
                w.append(
                    f'<circle cx="{_n(x + sw - 6)}" cy="{_n(y - 9)}" r="7" fill="{HOTSPOT_BADGE}"'
                    ' stroke="#FFFFFF" stroke-width="1.5"/>'
                )
                w.append(
                    _text(TextLine("!", x + sw - 6, y - 5.5, 10, 700, "#FFFFFF", "middle", "badge"))
                )
            w.append(_text(item.text))
        w.append("</g>")


def render_svg(geometry: Geometry, *, interactive: bool = False, title: str = "") -> str:
    """Draw ``geometry`` as a standalone SVG document (also valid inline in HTML).

    ``title`` becomes the accessible name (``<title>``; the map's name when empty).
    With ``interactive`` the editor's hooks are added (focusable step buttons, "add"
    buttons per cell, hit areas on handoffs); without it the picture is the same
    but inert, as an export should be. All user text is XML-escaped.
    """
    return _Svg(geometry, interactive, title).render()

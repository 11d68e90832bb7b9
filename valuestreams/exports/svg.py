"""Geometry -> SVG: the screen drawing and the SVG export of a map.

`render_svg` only translates what `layout_map` computed (see docs/geometry.md):
every colour, width, dash, arrowhead, marker, size and position comes from the
geometry; this module decides none of its own. The document is standalone: styled
by presentation attributes only (no stylesheet, no web fonts, no external
references), so it opens offline in a browser or Inkscape and converts to PNG/PDF
as is; it also embeds inline in HTML. Only the editor's focus and hover feedback
is an embedded <style>, and only with ``interactive=True``.

With ``interactive=True`` it adds the hooks the editor relies on. That contract is
(see also static/js/editor.js and static/js/editor-keys.js):

- root ``<svg class="cw-diagram" role="application" aria-roledescription="…"
  aria-labelledby=... aria-describedby=...>`` with ``data-map-id`` and
  ``data-version`` (exports: ``role="img"``, nothing inside takes focus);
- per step ``<g class="cw-step [cw-hotspot] [cw-selected]" id="step-{id}"
  data-step-id data-lane-id data-stage-id data-version tabindex="-1" role="button"
  aria-roledescription="step" aria-label="{title}, {department}, {stage}, {facts}
  [; hotspot: {reasons}]">`` (the facts spell out times, %C&A and emotion);
- per lane × stage cell ``<rect class="cw-cell" data-lane-id data-stage-id>`` under
  the steps, and a ``<g class="cw-add" data-lane-id data-stage-id tabindex="-1"
  role="button" aria-label="Add a step in {department} × {stage}">`` affordance;
- per handoff ``<g class="cw-handoff [cw-cross] [cw-rework]" id="handoff-{id}"
  data-handoff-id data-from data-to tabindex="-1" role="button"
  aria-roledescription="handoff" aria-label="from … (lane) to … (lane), …, wait …">``
  with a wide transparent ``cw-hit`` path;
- ``<g class="cw-lane-header" data-lane-id>`` and ``<g class="cw-stage-header"
  data-stage-id>``.

Every focusable element has ``tabindex="-1"``: the editor's script makes one of them
the diagram's single Tab stop (a roving tabindex) and moves it with the arrow keys.

Without it (exports) the picture is the same, minus focus, buttons and "add" spots.

Colour never carries meaning alone: cross-department handoffs are also thicker
with a diamond where they cross a lane border and a solid arrowhead; rework is
dashed with an open arrowhead; hotspots have a thick outline and a "!" badge.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import replace
from typing import Any

from django.utils.translation import gettext as _

from valuestreams.layout import (
    AddButton,
    Arrowhead,
    Badge,
    BoundaryMarker,
    BoxGeometry,
    Circle,
    ConnectorGeometry,
    EmotionCurve,
    Face,
    Geometry,
    LadderGeometry,
    LegendItem,
    Line,
    Point,
    Rect,
    Stroke,
    TextLine,
)

__all__ = ["render_svg"]

# Characters XML 1.0 forbids even escaped; user text may contain them.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def _esc(text: object) -> str:
    """Text made safe for XML content and double- or single-quoted attributes.

    One `str.translate` instead of `html.escape`'s five replaces: a 200-step map
    escapes about 20,000 values per edit, and this is on the editor's hot path.
    """
    value = str(text)
    if _UNSAFE.search(value) is None:
        return value  # most text (numbers, colours, plain titles) has nothing to escape
    if _INVALID_XML.search(value):
        value = _INVALID_XML.sub("", value)
    return value.translate(_ESCAPES)


# Anything `_esc` changes: one scan finds out that most text needs nothing.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff&<>\"']")


def _n(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros."""
    text = _NUMBERS.get(value)
    if text is None:
        if value % 1 == 0:
            text = str(int(value))
        else:
            text = f"{value:.2f}".rstrip("0").rstrip(".")
            text = "0" if text in ("-0", "") else text
        if len(_NUMBERS) >= _MEMO_SIZE:
            _NUMBERS.clear()  # bounded memory, as for _MEMO
        _NUMBERS[value] = text
    return text


# Coordinates repeat (rows, columns, gutters): format each distinct number once.
_NUMBERS: dict[float, str] = {}


def _attrs(**attrs: object) -> str:
    """Attributes from keyword arguments; ``_`` in names becomes ``-``; None is left out."""
    parts = []
    for key, value in attrs.items():
        if value is None:
            continue
        parts.append(f' {_NAMES.get(key) or _attr_name(key)}="{_value(value)}"')
    return "".join(parts)


def _value(value: object) -> str:
    """An attribute's value: numbers need no escaping; only text goes through _esc.
    `type() is` is deliberate: bool is an int subclass and must print as text."""
    kind = type(value)
    return _n(value) if kind is float or kind is int else _esc(value)  # type: ignore[arg-type]


_NAMES: dict[str, str] = {}

# Rendered markup of cards and connectors (see _Svg._memo), keyed by the identity
# of their geometry and the rendering's context; each entry keeps the objects it
# was drawn from, so no other object can take their ids while it lives.
_MEMO: dict[tuple[int, ...], tuple[tuple[object, ...], str]] = {}
_MEMO_SIZE = 8_000  # about three drawings of 1,000 steps: a worker stays small
# A rendering's context (map, mode, language) as a small integer, for those keys.
_CONTEXTS: dict[Hashable, int] = {}
_CONTEXT_NUMBERS = itertools.count()
# The pieces of whole layers (the cells, the "+" buttons) by their geometry's identity.
_LAYERS: dict[tuple[object, ...], tuple[object, tuple[str, ...]]] = {}
_LAYERS_SIZE = 64
# The heads of cards and connectors (group tag, <title>, <desc>: names, no
# coordinates) by everything they say and the rendering's context: a card or
# connector that only moved is drawn again, but its head is not.
_HEADS: dict[tuple[object, ...], str] = {}


def _head(key: tuple[object, ...], draw: Callable[[], str]) -> str:
    """The head kept under `key`, drawn by `draw` the first time (bounded as _MEMO)."""
    head = _HEADS.get(key)
    if head is None:
        if len(_HEADS) >= _MEMO_SIZE:
            _HEADS.clear()
        head = _HEADS[key] = draw()
    return head


def _attr_name(key: str) -> str:
    """`font_size` → `font-size`, `class_` → `class`; remembered in _NAMES (a handful)."""
    name = _NAMES[key] = key.rstrip("_").replace("_", "-")
    return name


def _el(tag: str, **attrs: object) -> str:
    """An empty element ``<tag .../>``."""
    return f"<{tag}{_attrs(**attrs)}/>"


# A layout uses a handful of distinct strokes thousands of times: translate each once.
_STROKES: dict[Stroke | None, str] = {None: ""}


def _stroke(stroke: Stroke | None) -> str:
    """The presentation attributes of ``stroke`` (empty for None: no outline)."""
    text = _STROKES.get(stroke)
    if text is None:
        assert stroke is not None
        text = _attrs(
            stroke=stroke.color,
            stroke_width=stroke.width,
            stroke_dasharray=" ".join(_n(d) for d in stroke.dash) or None,
            stroke_opacity=None if stroke.opacity == 1 else stroke.opacity,
            stroke_linecap=None if stroke.cap == "butt" else stroke.cap,
            stroke_linejoin=None if stroke.join == "miter" else stroke.join,
        )
        _STROKES[stroke] = text
    return text


def _fill(fill: str | None, opacity: float = 1.0) -> str:
    if fill is None:
        return ' fill="none"'
    return f' fill="{fill}"' if opacity == 1 else f' fill="{fill}" fill-opacity="{_n(opacity)}"'


def _rect(r: Rect, **extra: object) -> str:
    return (
        f'<rect{_attrs(**extra) if extra else ""} x="{_n(r.x)}" y="{_n(r.y)}" width="{_n(r.width)}"'
        f' height="{_n(r.height)}"'
        + (f' rx="{_n(r.radius)}"' if r.radius else "")
        + _fill(r.fill, r.fill_opacity)
        + _stroke(r.stroke)
        + "/>"
    )


def _circle(c: Circle) -> str:
    return (
        f'<circle cx="{_n(c.center.x)}" cy="{_n(c.center.y)}" r="{_n(c.radius)}"'
        + _fill(c.fill)
        + _stroke(c.stroke)
        + "/>"
    )


def _line(line: Line, **extra: object) -> str:
    a, b = line.start, line.end
    return (
        f'<line{_attrs(**extra) if extra else ""} x1="{_n(a.x)}" y1="{_n(a.y)}"'
        f' x2="{_n(b.x)}" y2="{_n(b.y)}"' + _stroke(line.stroke) + "/>"
    )


def _text(line: TextLine) -> str:
    # Written out rather than through _attrs: every card has several lines, and
    # this is most of drawing a card. Same attributes, same order, same rules.
    weight, color, anchor = line.weight, line.color, line.anchor
    return (
        f'<text x="{_value(line.x)}" y="{_value(line.y)}" font-size="{_value(line.size)}"'
        + ("" if weight == 400 or weight is None else f' font-weight="{_value(weight)}"')
        + ("" if color is None else f' fill="{_value(color)}"')
        + ("" if anchor == "start" or anchor is None else f' text-anchor="{_value(anchor)}"')
        + f">{_esc(line.text)}</text>"
    )


def _badge(badge: Badge) -> str:
    return _circle(badge.circle) + _text(badge.text)


def _rounded_path(points: Sequence[Point], radius: float) -> str:
    """Path data through orthogonal points with corners rounded by ``radius``."""
    if not points:
        return ""
    # Every connector of a moved lane is drawn again: `_toward`'s arithmetic written
    # out (the very same operations, so the same numbers) and the number memo
    # read directly, formatting only numbers it has not met.
    known = _NUMBERS.get
    x, y = points[0].x, points[0].y
    out = [f"M{known(x) or _n(x)} {known(y) or _n(y)}"]
    for i in range(1, len(points) - 1):
        prev, corner, nxt = points[i - 1], points[i], points[i + 1]
        cx, cy = corner.x, corner.y
        len_in = abs(prev.x - cx) + abs(prev.y - cy)
        len_out = abs(nxt.x - cx) + abs(nxt.y - cy)
        r = min(radius, len_in / 2, len_out / 2)
        if r <= 0.5:
            out.append(f"L{known(cx) or _n(cx)} {known(cy) or _n(cy)}")
            continue
        t = r / len_in if len_in else 0.0
        sx, sy = cx + (prev.x - cx) * t, cy + (prev.y - cy) * t
        t = r / len_out if len_out else 0.0
        ex, ey = cx + (nxt.x - cx) * t, cy + (nxt.y - cy) * t
        out.append(f"L{known(sx) or _n(sx)} {known(sy) or _n(sy)}")
        corner_text = f"{known(cx) or _n(cx)} {known(cy) or _n(cy)}"
        out.append(f"Q{corner_text} {known(ex) or _n(ex)} {known(ey) or _n(ey)}")
    x, y = points[-1].x, points[-1].y
    out.append(f"L{known(x) or _n(x)} {known(y) or _n(y)}")
    return " ".join(out)


def _polyline(points: Iterable[Point]) -> str:
    return " ".join(f"{_n(p.x)},{_n(p.y)}" for p in points)


def _mark(center: Point, marker: BoundaryMarker) -> str:
    """A boundary marker (a diamond) centred on ``center``."""
    x, y, size = center.x, center.y, marker.radius
    d = (
        f"M{_n(x)} {_n(y - size)} L{_n(x + size)} {_n(y)} "
        f"L{_n(x)} {_n(y + size)} L{_n(x - size)} {_n(y)} Z"
    )
    return f'<path d="{d}"' + _fill(marker.fill) + _stroke(marker.stroke) + "/>"


@functools.lru_cache(maxsize=1024)  # a drawing has a handful, and a connector each
def _marker_key(head: Arrowhead) -> str:
    """A marker id suffix that names the arrowhead's drawing, so equal heads share one."""
    values = (head.length, head.width, head.line_width, head.overshoot)
    return f"{head.kind}-{'-'.join(_n(v) for v in values)}-{head.color.lstrip('#')}"


def _marker(marker_id: str, head: Arrowhead) -> str:
    """An SVG marker drawing ``head`` in px (userSpaceOnUse), tip at the line's end
    plus the head's overshoot."""
    pad = head.line_width  # room for an open head's strokes inside the marker box
    box = max(head.length, head.width) + 2 * pad
    c = box / 2
    top, bottom, tip = c - head.width / 2, c + head.width / 2, pad + head.length
    if head.kind == "triangle":
        shape = f'<path d="M{_n(pad)} {_n(top)} L{_n(tip)} {_n(c)} L{_n(pad)} {_n(bottom)} Z"' + (
            f' fill="{head.color}"/>'
        )
    else:
        shape = (
            f'<path d="M{_n(pad)} {_n(top)} L{_n(tip)} {_n(c)} L{_n(pad)} {_n(bottom)}"'
            + _fill(None)
            + _stroke(Stroke(head.color, head.line_width, cap="round", join="round"))
            + "/>"
        )
    return (
        f'<marker id="{marker_id}" viewBox="0 0 {_n(box)} {_n(box)}"'
        f' refX="{_n(tip - head.overshoot)}" refY="{_n(c)}"'
        f' markerWidth="{_n(box)}" markerHeight="{_n(box)}"'
        f' markerUnits="userSpaceOnUse" orient="auto">{shape}</marker>'
    )


class _Svg:
    """One rendering; holds the id prefix that keeps marker ids unique per map."""

    def __init__(self, geometry: Geometry, interactive: bool, title: str) -> None:
        self.g = geometry
        self.interactive = interactive
        self.title = title or geometry.name or _("Map")
        self.prefix = f"cw-{geometry.map_id}"
        self.titles = {box.step_id: box.title for box in geometry.boxes}
        self.boxes = {box.step_id: box for box in geometry.boxes}
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
            "diagram": _("swimlane diagram"),
            "step": _("step"),
            "handoff_role": _("handoff"),
            "in_lane": _("“%(step)s” (%(department)s)"),
            "from_to_lanes": _("from %(from)s to %(to)s"),
            "critical": _("on the critical path"),
            "wait": _("wait %s"),
            "keys": _(
                "Arrow keys move between steps and empty cells, Enter opens,"
                " C goes through the selected step's handoffs."
            ),
        }
        # Everything besides a card's or connector's own geometry that its markup
        # depends on: the marker ids, the mode, the language, the hit area.
        context = (self.prefix, interactive, tuple(self.text.values()), geometry.interaction)
        found = _CONTEXTS.get(context)
        if found is None:
            if len(_CONTEXTS) >= _MEMO_SIZE:
                _CONTEXTS.clear()
            # A number never given before (`next` on a count is atomic): two threads
            # meeting two new contexts at once cannot share one.
            found = _CONTEXTS[context] = next(_CONTEXT_NUMBERS)
        self.context = found

    def marker_ref(self, head: Arrowhead) -> str:
        return f"url(#{self.prefix}-arrow-{_marker_key(head)})"

    def render(self) -> str:
        g = self.g
        w = self.out
        title_id = f"{self.prefix}-title"
        desc_id = f"{self.prefix}-desc"
        keys_id = f"{self.prefix}-keys"
        cross = sum(1 for c in g.connectors if c.cross_department)
        # Exports are one picture; the editor's diagram is a widget whose steps,
        # cells and handoffs take focus (an image may not have focusable parts).
        w.append(
            '<svg xmlns="http://www.w3.org/2000/svg"'
            + _attrs(
                class_="cw-diagram",
                role="application" if self.interactive else "img",
                aria_roledescription=self.text["diagram"] if self.interactive else None,
                aria_labelledby=title_id if self.interactive else f"{title_id} {desc_id}",
                aria_describedby=f"{desc_id} {keys_id}" if self.interactive else None,
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
        if self.interactive:
            w.append(f'<desc id="{keys_id}">{_esc(self.text["keys"])}</desc>')
        self.defs()
        w.append(f'<rect width="{_n(g.width)}" height="{_n(g.height)}"{_fill(g.background)}/>')
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
            if connector.label_box is not None:
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
        g = self.g
        heads = {c.arrowhead for c in g.connectors}
        heads.update(item.arrowhead for item in g.legend if item.arrowhead is not None)
        markers = sorted((f"{self.prefix}-arrow-{_marker_key(head)}", head) for head in heads)
        self.out.append("<defs>" + "".join(_marker(i, head) for i, head in markers) + "</defs>")
        # The interactive diagram's focus and hover rules live in static/css/editor.css:
        # they are screen behaviour, not part of the picture, and the
        # Content-Security-Policy allows no inline <style> element.

    def lanes(self) -> None:
        w = self.out
        w.append('<g class="cw-lanes">')
        w.extend(_rect(lane.band) for lane in self.g.lanes)
        w.extend(_line(border) for border in self.g.lane_borders)
        for lane in self.g.lanes:
            w.append(f'<g class="cw-lane-header" data-lane-id="{lane.lane_id}">')
            w.append(_full_text(lane.name, lane.text) + _rect(lane.header))
            w.append(_rect(lane.stripe))
            w.extend(_text(line) for line in lane.text)
            w.append("</g>")
        w.append("</g>")

    def stages(self) -> None:
        w = self.out
        w.append('<g class="cw-stages">')
        w.extend(_line(divider) for divider in self.g.dividers)
        for column in self.g.columns:
            w.append(f'<g class="cw-stage-header" data-stage-id="{column.stage_id}">')
            w.append(_full_text(column.name, column.text) + _rect(column.header))
            w.extend(_text(line) for line in column.text)
            w.append("</g>")
        w.append("</g>")

    def _layer(self, name: str, source: object, draw: Callable[[], None]) -> None:
        """A whole layer's pieces, remembered by the identity of the geometry it draws
        (the layout hands back the same cells while the grid stays as it was)."""
        key = (name, id(source), self.context)
        entry = _LAYERS.get(key)
        if entry is not None and entry[0] is source:
            self.out.extend(entry[1])
            return
        start = len(self.out)
        draw()
        if len(_LAYERS) >= _LAYERS_SIZE:
            _LAYERS.clear()
        _LAYERS[key] = (source, tuple(self.out[start:]))

    def cells(self) -> None:
        self._layer("cells", self.g.cells, self._cells)

    def _cells(self) -> None:
        w = self.out
        w.append('<g class="cw-cells">')
        for cell in self.g.cells:
            # A drop target, not part of the picture: invisible but "painted" (opacity
            # 0, not fill none), so it takes pointer events.
            w.append(
                '<rect class="cw-cell"'
                + _attrs(
                    # The editor patches cells one by one (by id) when the grid changes.
                    id=f"{self.prefix}-cell-{cell.lane_id}-{cell.stage_id}",
                    data_lane_id=cell.lane_id,
                    data_stage_id=cell.stage_id,
                    x=cell.x,
                    y=cell.y,
                    width=cell.width,
                    height=cell.height,
                )
                + ' fill="#FFFFFF" fill-opacity="0"/>'
            )
        w.append("</g>")

    def add_buttons(self) -> None:
        self._layer("adds", self.g.cells, self._add_buttons)

    def _add_buttons(self) -> None:
        w = self.out
        w.append('<g class="cw-adds">')
        for cell in self.g.cells:
            center = cell.add_button.circle.center
            label = self.text["add"] % {
                "department": cell.department,
                "stage": cell.stage,
            }
            w.append(
                '<g class="cw-add"'
                + _attrs(
                    id=f"{self.prefix}-add-{cell.lane_id}-{cell.stage_id}",
                    data_lane_id=cell.lane_id,
                    data_stage_id=cell.stage_id,
                    tabindex=-1,
                    role="button",
                    aria_label=label,
                    # Drawn around its own origin, so focus and hover styles scale
                    # the button in place.
                    transform=f"translate({_n(center.x)} {_n(center.y)})",
                )
                + ">"
            )
            w.append(f"<title>{_esc(label)}</title>")
            w.append(self._add_button(cell.add_button))
            w.append("</g>")
        w.append("</g>")

    @staticmethod
    def _add_button(button: AddButton) -> str:
        """The button around the origin (its group is translated to the centre)."""
        arm = _n(button.arm)
        circle = replace(button.circle, center=Point(0, 0))
        plus = f"M-{arm} 0 H{arm} M0 -{arm} V{arm}"
        return _circle(circle) + f'<path d="{plus}"' + _stroke(button.stroke) + "/>"

    # -- handoffs ----------------------------------------------------------

    def connector(self, c: ConnectorGeometry) -> None:
        """A handoff's SVG, memoised: its title also names both steps' titles."""
        ends = (c, self.boxes.get(c.from_step_id), self.boxes.get(c.to_step_id))
        self._memo((id(c), id(ends[1]), id(ends[2]), self.context), ends, self._connector, c)

    def _connector(self, c: ConnectorGeometry) -> None:
        # The group's tag and <title> name the handoff and both steps, without a
        # coordinate: when a card moves, the connectors around it are routed anew
        # but keep their heads (a moved lane re-routes most connectors of a map).
        start, end = self.boxes.get(c.from_step_id), self.boxes.get(c.to_step_id)
        key = (
            "handoff",
            c.handoff_id,
            c.from_step_id,
            c.to_step_id,
            c.cross_department,
            c.rework,
            c.label,
            None if start is None else (start.title, start.department),
            None if end is None else (end.title, end.department),
            self.context,
        )
        self.out.append(_head(key, lambda: self._connector_head(c)))
        self._connector_body(c)

    def _connector_head(self, c: ConnectorGeometry) -> str:
        """The handoff's group tag and <title>: what it is called, never where it is."""
        w: list[str] = []
        classes = ["cw-handoff"]
        if c.cross_department:
            classes.append("cw-cross")
        if c.rework:
            classes.append("cw-rework")
        w.append(
            "<g"
            + _attrs(
                class_=" ".join(classes),
                id=f"handoff-{c.handoff_id}",
                data_handoff_id=c.handoff_id,
                data_from=c.from_step_id,
                data_to=c.to_step_id,
                tabindex=-1 if self.interactive else None,
                role="button" if self.interactive else None,
                aria_roledescription=self.text["handoff_role"] if self.interactive else None,
                aria_label=self.handoff_name(c) if self.interactive else None,
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
        return "".join(w)

    def _connector_body(self, c: ConnectorGeometry) -> None:
        """The handoff's line (and hit area), its lane-border marks and the group's end."""
        w = self.out
        d = _rounded_path(c.points, c.corner_radius)
        if self.interactive:
            w.append(
                f'<path class="cw-hit" d="{d}" fill="none" stroke="#000000" stroke-opacity="0"'
                f' stroke-width="{_n(self.g.interaction.hit_width)}" pointer-events="stroke"/>'
            )
        w.append(
            f'<path class="cw-line" d="{d}" fill="none"'
            + _stroke(c.stroke)
            + f' marker-end="{self.marker_ref(c.arrowhead)}"/>'
        )
        if c.boundary_marker is not None:
            w.extend(_mark(mark, c.boundary_marker) for mark in c.boundary_marks)
        w.append("</g>")

    def handoff_name(self, c: ConnectorGeometry) -> str:
        """A handoff as a listener needs it: both steps with their lanes, kind, label, wait."""
        ends = []
        for step_id in (c.from_step_id, c.to_step_id):
            b = self.boxes.get(step_id)
            title, lane = (b.title, b.department) if b else ("", "")
            ends.append(self.text["in_lane"] % {"step": title, "department": lane})
        parts = [self.text["from_to_lanes"] % {"from": ends[0], "to": ends[1]}]
        if c.cross_department:
            parts.append(self.text["across"])
        if c.rework:
            parts.append(self.text["rework"])
        if c.label:
            parts.append(f"“{c.label}”")
        to_box = self.boxes.get(c.to_step_id)
        if to_box is not None and to_box.wait:
            parts.append(self.text["wait"] % to_box.wait)
        return ", ".join(parts)

    def connector_label(self, c: ConnectorGeometry) -> None:
        assert c.label_box is not None
        # A label shortened to fit gives its full text on hover.
        full = "" if c.label_box.text.text == c.label else f"<title>{_esc(c.label)}</title>"
        self.out.append(
            f'<g class="cw-handoff-label" id="handoff-{c.handoff_id}-label"'
            f' data-handoff-id="{c.handoff_id}">'
            + full
            + _rect(c.label_box.box)
            + _text(c.label_box.text)
            + "</g>"
        )

    # -- steps -----------------------------------------------------------

    def box(self, b: BoxGeometry) -> None:
        """A step card's SVG, memoised on its geometry."""
        self._memo((id(b), self.context), (b,), self._box, b)

    def _memo(
        self,
        key: tuple[int, ...],
        sources: tuple[object, ...],
        draw: Callable[[Any], None],
        item: Any,
    ) -> None:
        # After one edit nearly every card and connector is the very same geometry
        # object as before (the layout remembers them): re-using their markup by
        # identity skips both drawing them and hashing their geometry.
        entry = _MEMO.get(key)
        if entry is not None and all(a is b for a, b in zip(entry[0], sources, strict=True)):
            self.out.append(entry[1])
            return
        start = len(self.out)
        draw(item)
        markup = "".join(self.out[start:])
        del self.out[start:]
        if len(_MEMO) >= _MEMO_SIZE:
            _MEMO.clear()  # bounded memory: start over rather than track ages
        _MEMO[key] = (sources, markup)
        self.out.append(markup)

    def _box(self, b: BoxGeometry) -> None:
        # As a connector's: the head names the step, a card moved down keeps it.
        key = (
            "step",
            b.step_id,
            b.lane_id,
            b.stage_id,
            b.version,
            b.title,
            b.department,
            b.stage,
            b.facts,
            b.on_critical_path,
            b.hotspot_reasons,
            b.selected,
            self.context,
        )
        self.out.append(_head(key, lambda: self._box_head(b)))
        self._box_body(b)

    def _box_head(self, b: BoxGeometry) -> str:
        """The card's group tag, <title> and <desc>: what the step is, never where."""
        w: list[str] = []
        classes = ["cw-step"]
        if b.is_hotspot:
            classes.append("cw-hotspot")
        if b.selected:
            classes.append("cw-selected")
        reasons = "; ".join(b.hotspot_reasons)
        label = ", ".join((b.title, b.department, b.stage, *b.facts))
        if b.on_critical_path:
            label += f", {self.text['critical']}"
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
                tabindex=-1 if self.interactive else None,
                role="button" if self.interactive else None,
                aria_roledescription=self.text["step"] if self.interactive else None,
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
        return "".join(w)

    def _box_body(self, b: BoxGeometry) -> None:
        """The card's drawing after its head, and the group's end."""
        w = self.out
        if b.selection_ring is not None:
            w.append(_rect(b.selection_ring))
        w.append(_rect(b.shadow))
        w.append(_rect(b.card, class_="cw-card"))
        w.append(_stripe(b))
        if b.outline is not None:
            w.append(_rect(b.outline))
        if self.interactive:
            w.append(_rect(b.focus_ring, class_="cw-focus"))
        w.extend(_text(line) for line in b.lines)
        if b.face is not None:
            w.append(_face(b.face))
        if b.badge is not None:
            w.append(_badge(b.badge))
        w.append("</g>")

    # -- bands and legend --------------------------------------------------

    def ladder(self, ladder: LadderGeometry) -> None:
        self._layer("ladder", ladder, lambda: self._ladder(ladder))

    def _ladder(self, ladder: LadderGeometry) -> None:
        w = self.out
        w.append('<g class="cw-ladder">')
        w.append(_rect(ladder.frame))
        w.extend(_text(line) for line in ladder.text)
        w.append(
            f'<polyline points="{_polyline(ladder.path)}"'
            + _fill(None)
            + _stroke(ladder.wave)
            + "/>"
        )
        for rung in ladder.rungs:
            if rung.stroke is not None:
                start, end = Point(rung.x1, rung.y), Point(rung.x2, rung.y)
                w.append(_line(Line(start, end, rung.stroke)))
        for rung in ladder.rungs:
            if rung.label is None:
                continue
            ids = " ".join(str(i) for i in rung.step_ids)
            w.append(
                f'<g class="cw-rung" data-step-ids="{ids}" data-kind="{rung.kind}">'
                f"{_text(rung.label)}</g>"
            )
        w.append(_rect(ladder.totals_box, class_="cw-totals"))
        w.extend(_text(line) for line in ladder.totals_text)
        w.append("</g>")

    def curve(self, curve: EmotionCurve) -> None:
        w = self.out
        w.append('<g class="cw-emotion-curve">')
        w.append(_rect(curve.frame))
        w.append(_rect(curve.positive))
        w.append(_rect(curve.negative))
        w.append(_line(curve.zero_line))
        w.extend(_text(line) for line in curve.text)
        if len(curve.points) > 1:
            w.append(
                f'<polyline points="{_polyline(Point(p.x, p.y) for p in curve.points)}"'
                + _fill(None)
                + _stroke(curve.line)
                + "/>"
            )
        for p in curve.points:
            w.append(
                f'<g class="cw-curve-point" data-step-id="{p.step_id}">'
                f"<title>{_esc(self.titles.get(p.step_id, ''))}: {_esc(p.label.text)}</title>"
                f"{_circle(p.dot)}{_text(p.label)}</g>"
            )
        w.append("</g>")

    def legend(self, items: Sequence[LegendItem]) -> None:
        w = self.out
        w.append('<g class="cw-legend">')
        for item in items:
            if item.line is not None:
                a, b = item.line.start, item.line.end
                marker = (
                    f' marker-end="{self.marker_ref(item.arrowhead)}"' if item.arrowhead else ""
                )
                w.append(
                    f'<path d="M{_n(a.x)} {_n(a.y)} L{_n(b.x)} {_n(b.y)}"'
                    + _stroke(item.line.stroke)
                    + marker
                    + "/>"
                )
            if item.boundary_marker is not None:
                w.extend(_mark(mark, item.boundary_marker) for mark in item.marks)
            if item.outline is not None:
                w.append(_rect(item.outline))
            if item.badge is not None:
                w.append(_badge(item.badge))
            w.append(_text(item.text))
        w.append("</g>")


def _stripe(b: BoxGeometry) -> str:
    """The department stripe: the card's left edge, inside its rounded corners."""
    x, y, h, r, s = b.card.x, b.card.y, b.card.height, b.card.radius, b.stripe_width
    return (
        f'<path d="M{_n(x + r)} {_n(y)} H{_n(x + s)} V{_n(y + h)} H{_n(x + r)}'
        f" A{_n(r)} {_n(r)} 0 0 1 {_n(x)} {_n(y + h - r)} V{_n(y + r)}"
        f' A{_n(r)} {_n(r)} 0 0 1 {_n(x + r)} {_n(y)} Z" fill="{b.stripe_color}"/>'
    )


def _face(face: Face) -> str:
    """A small drawn face: the mouth's curve carries the emotion, not the colour."""
    start, control, end = face.mouth
    mouth = f"M{_n(start.x)} {_n(start.y)} Q{_n(control.x)} {_n(control.y)} {_n(end.x)} {_n(end.y)}"
    return (
        '<g class="cw-face">'
        + _circle(face.head)
        + "".join(_circle(eye) for eye in face.eyes)
        + f'<path d="{mouth}"'
        + _fill(None)
        + _stroke(face.mouth_stroke)
        + "/></g>"
    )


def _full_text(text: str, lines: Sequence[TextLine]) -> str:
    """A <title> with ``text`` when its drawn ``lines`` end shortened (full text on hover)."""
    if any(line.text.endswith("…") for line in lines) and not text.endswith("…"):
        return f"<title>{_esc(text)}</title>"
    return ""


def render_svg(geometry: Geometry, *, interactive: bool = False, title: str = "") -> str:
    """Draw ``geometry`` as a standalone SVG document (also valid inline in HTML).

    ``title`` becomes the accessible name (``<title>``; the map's name when empty).
    With ``interactive`` the editor's hooks are added (focusable step buttons, "add"
    buttons per cell, hit areas on handoffs); without it the picture is the same
    but inert, as an export should be. All user text is XML-escaped.
    """
    return _Svg(geometry, interactive, title).render()


def render_svg_pieces(
    geometry: Geometry, *, interactive: bool = False, title: str = ""
) -> list[str]:
    """The pieces `render_svg` joins with newlines, for the editor to send only what changed.

    Every ``<g>`` the drawing opens on its own is closed by a ``"</g>"`` piece of
    its own; steps, handoffs and labels are one piece each, keyed by their id.
    """
    svg = _Svg(geometry, interactive, title)
    svg.render()
    return svg.out

"""The drawing primitives of the geometry: points, strokes, shapes, text, heads, marks.

Plain frozen dataclasses, all lengths in px, colours as ``#RRGGBB``. A renderer
maps each one onto its own format (an SVG element, a PowerPoint shape or line
property); see docs/geometry.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "AddButton",
    "Arrowhead",
    "Badge",
    "BoundaryMarker",
    "Circle",
    "Face",
    "Interaction",
    "LabelBox",
    "Line",
    "Point",
    "Rect",
    "Stroke",
    "TextLine",
]


@dataclass(frozen=True, slots=True)
class Point:
    """A point in px."""

    x: float
    y: float


@dataclass(frozen=True, slots=True)
class Stroke:
    """How a line or an outline is drawn.

    ``width`` in px; ``dash`` alternates drawn and gap lengths in px (empty: solid);
    ``cap`` and ``join`` as in SVG/PowerPoint ("butt"/"round"/"square",
    "miter"/"round"/"bevel").
    """

    color: str
    width: float
    dash: tuple[float, ...] = ()
    opacity: float = 1.0
    cap: Literal["butt", "round", "square"] = "butt"
    join: Literal["miter", "round", "bevel"] = "miter"


@dataclass(frozen=True, slots=True)
class Rect:
    """A rectangle with corner ``radius``; ``fill`` None means not filled, ``stroke`` None
    means no outline."""

    x: float
    y: float
    width: float
    height: float
    radius: float = 0.0
    fill: str | None = None
    fill_opacity: float = 1.0
    stroke: Stroke | None = None


@dataclass(frozen=True, slots=True)
class Circle:
    """A circle around ``center``; ``fill`` None means not filled."""

    center: Point
    radius: float
    fill: str | None = None
    stroke: Stroke | None = None


@dataclass(frozen=True, slots=True)
class Line:
    """A straight line from ``start`` to ``end``."""

    start: Point
    end: Point
    stroke: Stroke


@dataclass(frozen=True, slots=True)
class Arrowhead:
    """The head at the end of a connector, pointing along its last segment.

    ``kind`` "triangle" is a filled triangle, "open" a chevron of two strokes
    ``line_width`` wide. ``length`` (along the line) and ``width`` (across) are in
    px. The tip lies ``overshoot`` px beyond the route's last point (0: on it).
    """

    kind: Literal["triangle", "open"]
    length: float
    width: float
    color: str
    line_width: float = 0.0
    overshoot: float = 0.0


@dataclass(frozen=True, slots=True)
class BoundaryMarker:
    """The mark drawn where a cross-department connector crosses a lane border.

    ``shape`` "diamond": a square on its point, ``radius`` px from centre to corner.
    """

    shape: Literal["diamond"]
    radius: float
    fill: str
    stroke: Stroke | None


@dataclass(frozen=True, slots=True)
class TextLine:
    """One line of text: ``y`` is the baseline, ``anchor`` is "start", "middle" or "end".

    ``weight`` is a CSS font weight (400 regular … 700 bold); ``role`` names what
    the line is ("title", "detail", "lane-name", "stage", "handoff-label", …).
    """

    text: str
    x: float
    y: float
    size: float
    weight: int
    color: str
    anchor: Literal["start", "middle", "end"] = "start"
    role: str = ""


@dataclass(frozen=True, slots=True)
class LabelBox:
    """A text in a box, e.g. a handoff's label: ``box`` is sized from the measured
    ``text`` and placed on the connector's route."""

    box: Rect
    text: TextLine


@dataclass(frozen=True, slots=True)
class Badge:
    """A round badge with a short text, e.g. the "!" on a hotspot's corner."""

    circle: Circle
    text: TextLine


@dataclass(frozen=True, slots=True)
class Face:
    """A small face for a journey step's emotion: the mouth carries the meaning.

    ``mouth`` is a quadratic curve (start, control point, end) drawn with
    ``mouth_stroke``; it smiles for a positive and frowns for a negative emotion.
    """

    head: Circle
    eyes: tuple[Circle, Circle]
    mouth: tuple[Point, Point, Point]
    mouth_stroke: Stroke


@dataclass(frozen=True, slots=True)
class AddButton:
    """The round "+" of an empty spot in the editor: ``circle`` and a plus sign of two
    strokes ``arm`` px from the centre each way."""

    circle: Circle
    arm: float
    stroke: Stroke


@dataclass(frozen=True, slots=True)
class Interaction:
    """What interactive renderers (the editor's screen) add to the picture.

    Not part of the picture: exports leave it out. ``hit_width`` is the width of a
    connector's invisible click area. Focus and hover styles are screen behaviour
    and live in the editor's stylesheet (the Content-Security-Policy allows no
    inline style element).
    """

    hit_width: float

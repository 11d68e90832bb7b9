"""How each piece of the geometry is styled, read from the geometry for the slide renderer.

Bridge module: every value here is what the screen SVG draws, so the slides
look like the screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from valuestreams.layout import (
    CARD_BORDER,
    CARD_FILL,
    CROSS_COLOR,
    CURVE_COLOR,
    HANDOFF_COLOR,
    HOTSPOT_BADGE,
    HOTSPOT_COLOR,
    INK_MUTED,
    NEGATIVE_FILL,
    POSITIVE_FILL,
    REWORK_COLOR,
    STAGE_FILL,
    BoxGeometry,
    ConnectorGeometry,
    Geometry,
    TextLine,
)


@dataclass(frozen=True, slots=True)
class LineStyle:
    stroke: str
    width: float
    dash: str | None
    arrowhead: str | None
    outline: bool = False


@dataclass(frozen=True, slots=True)
class Outline:
    fill: str
    stroke: str
    width: float


@dataclass(frozen=True, slots=True)
class Badge:
    x: float
    y: float
    r: float
    fill: str
    stroke: str
    text: TextLine


@dataclass(frozen=True, slots=True)
class Face:
    fill: str
    stroke: str
    mouth: float


@dataclass(frozen=True, slots=True)
class LabelBox:
    x: float
    y: float
    width: float
    height: float
    fill: str
    stroke: str
    stroke_width: float
    radius: float
    text: TextLine


@dataclass(frozen=True, slots=True)
class BandStyle:
    fill: str
    stroke: str
    stage_fill: str
    path: str
    path_width: float
    rung: str
    rung_width: float
    totals_fill: str
    totals_stroke: str
    positive_fill: str
    negative_fill: str
    zero_line: str
    curve: str
    curve_width: float


def connector_style(c: ConnectorGeometry) -> LineStyle:
    if c.rework:
        return LineStyle(REWORK_COLOR, 3.0 if c.cross_department else 2.25, "dash", "arrow")
    if c.cross_department:
        return LineStyle(CROSS_COLOR, 3.0, None, "triangle")
    return LineStyle(HANDOFF_COLOR, 1.75, None, "triangle")


def legend_symbol(kind: str) -> LineStyle:
    if kind == "hotspot":
        return LineStyle(HOTSPOT_COLOR, 3.0, None, None, outline=True)
    return {
        "handoff": LineStyle(HANDOFF_COLOR, 1.75, None, "triangle"),
        "cross": LineStyle(CROSS_COLOR, 3.0, None, "triangle"),
        "rework": LineStyle(REWORK_COLOR, 2.25, "dash", "arrow"),
    }[kind]


def hotspot_outline(b: BoxGeometry) -> Outline:
    if b.is_hotspot:
        return Outline(CARD_FILL, HOTSPOT_COLOR, 3.5)
    return Outline(CARD_FILL, CARD_BORDER, 1.0)


def badge_style(b: BoxGeometry) -> Badge | None:
    if not b.is_hotspot:
        return None
    cx, cy = b.x + b.width - 2, b.y + 2
    return Badge(
        cx,
        cy,
        11,
        HOTSPOT_BADGE,
        "#FFFFFF",
        TextLine("!", cx, cy + 5.5, 15, 700, "#FFFFFF", "middle", "hotspot-badge"),
    )


def face_style(emotion: int) -> Face:
    fill = "#D3F9D8" if emotion > 0 else ("#FFE3E3" if emotion < 0 else "#F1F3F5")
    return Face(fill, INK_MUTED, 0.02326 * emotion)


def label_box(c: ConnectorGeometry) -> LabelBox:
    color = REWORK_COLOR if c.rework else (CROSS_COLOR if c.cross_department else HANDOFF_COLOR)
    lp = c.label_position
    return LabelBox(
        lp.x - c.label_width / 2,
        lp.y - 10,
        c.label_width,
        20,
        "#FFFFFF",
        color,
        0.75,
        4,
        TextLine(c.label, lp.x, lp.y + 4.5, 13, 400, "#1D2939", "middle"),
    )


def band_style(g: Geometry) -> BandStyle:
    return BandStyle(
        fill="#F8F9FB",
        stroke="#E4E7EC",
        stage_fill=STAGE_FILL,
        path=INK_MUTED,
        path_width=1.5,
        rung=CURVE_COLOR,
        rung_width=5,
        totals_fill=STAGE_FILL,
        totals_stroke="#D0D5DD",
        positive_fill=POSITIVE_FILL,
        negative_fill=NEGATIVE_FILL,
        zero_line=INK_MUTED,
        curve=CURVE_COLOR,
        curve_width=3,
    )

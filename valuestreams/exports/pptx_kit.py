"""Small python-pptx helpers shared by the map deck and the workspace deck.

Two kinds of drawing meet here. The swimlane is *translated* from the layout's
geometry: px become EMU through a `Frame` (1 px = 1/96 inch, times the page's
scale), and colours, strokes and text sizes come from the geometry as they are.
The slide furniture around it (slide titles, tables, charts, notes) has one
house style, defined once below in `DECK`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.presentation import Presentation as PresentationType
from pptx.shapes.autoshape import Shape
from pptx.shapes.shapetree import SlideShapes
from pptx.slide import Slide
from pptx.util import Emu, Pt

from valuestreams.layout import measure_text, wrap_text

__all__ = [
    "DECK",
    "EMU_PER_PX",
    "MIN_FONT_PT",
    "Frame",
    "add_bar_chart",
    "add_table",
    "add_text",
    "fit_title",
    "new_presentation",
    "office_font",
    "rgb",
    "set_notes",
    "titled_slide",
]

#: One CSS px at 96 dpi in English Metric Units.
EMU_PER_PX = 9525
#: Text on a slide is never smaller than this, whatever the map's size.
MIN_FONT_PT = 9.0
#: A px of the layout is 0.75 pt of type at scale 1.
PT_PER_PX = 0.75


@dataclass(frozen=True, slots=True)
class DeckStyle:
    """The house style of the slide furniture (not of the map: that is the geometry's)."""

    width_px: float = 1280  # 13.333 in: a 16:9 slide
    height_px: float = 720  # 7.5 in
    margin_px: float = 32
    title_top_px: float = 18
    title_height_px: float = 52
    body_top_px: float = 84
    title_pt: float = 26
    subtitle_pt: float = 16
    body_pt: float = 13
    table_pt: float = 11
    small_pt: float = 10
    ink: str = "#1D2939"
    muted: str = "#475467"
    accent: str = "#1D3557"
    positive: str = "#2B8A3E"
    negative: str = "#B42318"
    header_fill: str = "#EEF1F6"
    series: tuple[str, ...] = ("#B0B8C4", "#0B7285", "#1D3557", "#D9480F")
    font: str = "Arial"


DECK = DeckStyle()


def rgb(color: str) -> RGBColor:
    """`#RRGGBB` as python-pptx colour."""
    value = color.lstrip("#")[:6]
    return RGBColor(int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def px(value: float) -> Emu:
    """Slide px (at 96 dpi) as EMU."""
    return Emu(round(value * EMU_PER_PX))


def office_font(font_family: str) -> str:
    """The one Office font name for a CSS font stack.

    Office files name one typeface. Arial is on every Office machine and
    LibreOffice substitutes the metric-compatible Liberation Sans, whose widths
    the layout measures with; otherwise the stack's first family.
    """
    families = [f.strip().strip("'\"") for f in font_family.split(",") if f.strip()]
    if "Arial" in families:
        return "Arial"
    return families[0] if families else DECK.font


@dataclass(frozen=True, slots=True)
class Frame:
    """Where a region of the geometry lands on a slide.

    Geometry x in `[0, split_x)` (the lane headers) maps to `left + scale * x`;
    x from `split_x` on maps to `left + scale * (split_x + x - x0)`, so a stage
    range starting at `x0` follows the lane headers. The same for y with the
    stage headers above `split_y` and a lane range starting at `y0`.
    """

    left: float
    top: float
    scale: float
    split_x: float = 0.0
    x0: float = 0.0
    split_y: float = 0.0
    y0: float = 0.0

    def sx(self, x: float) -> float:
        """Slide px of geometry x."""
        shifted = x if x < self.split_x else self.split_x + x - self.x0
        return self.left + self.scale * shifted

    def sy(self, y: float) -> float:
        """Slide px of geometry y."""
        shifted = y if y < self.split_y else self.split_y + y - self.y0
        return self.top + self.scale * shifted

    def x(self, value: float) -> Emu:
        return px(self.sx(value))

    def y(self, value: float) -> Emu:
        return px(self.sy(value))

    def length(self, value: float) -> Emu:
        return px(self.scale * value)

    def pt(self, size_px: float) -> Pt:
        """A geometry text size as type on the slide (never below MIN_FONT_PT)."""
        return Pt(max(MIN_FONT_PT, round(size_px * PT_PER_PX * self.scale * 2) / 2))

    def font_size(self, size_px: float) -> int:
        """A geometry text size as hundredths of a point (DrawingML's `sz`)."""
        return round(self.pt(size_px).pt * 100)

    def stroke(self, width_px: float) -> Emu:
        return Emu(max(3175, round(width_px * self.scale * EMU_PER_PX)))


def new_presentation() -> PresentationType:
    """An empty 16:9 deck."""
    from pptx import Presentation

    prs = Presentation()
    prs.slide_width = px(DECK.width_px)
    prs.slide_height = px(DECK.height_px)
    return prs


def fit_title(title: str, suffix: str = "") -> str:
    """`title` + `suffix` on one title line: a long name must not run into the slide.

    Only the title is shortened (with "…"); the suffix (a part number) stays whole.
    """
    size = DECK.title_pt / PT_PER_PX
    room = DECK.width_px - 2 * DECK.margin_px - 24 - measure_text(suffix, size, bold=True)
    return (wrap_text(title, room, size, bold=True, max_lines=1) or ("",))[0] + suffix


def titled_slide(prs: PresentationType, title: str) -> Slide:
    """A "Title Only" slide with its title placeholder across the 16:9 width."""
    slide: Slide = prs.slides.add_slide(prs.slide_layouts[5])
    placeholder = slide.shapes.title
    assert placeholder is not None
    placeholder.left, placeholder.top = px(DECK.margin_px), px(DECK.title_top_px)
    placeholder.width = px(DECK.width_px - 2 * DECK.margin_px)
    placeholder.height = px(DECK.title_height_px)
    frame = placeholder.text_frame
    frame.text = fit_title(title)
    frame.word_wrap = True
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.LEFT
    _style_runs(paragraph.runs, DECK.title_pt, True, DECK.ink)
    return slide


def _style_runs(runs: Sequence[Any], size: float, bold: bool, color: str) -> None:
    for run in runs:
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.name = DECK.font
        run.font.color.rgb = rgb(color)


def add_text(
    shapes: SlideShapes,
    left: float,
    top: float,
    width: float,
    height: float,
    paragraphs: Sequence[str],
    *,
    size: float = DECK.body_pt,
    bold: bool = False,
    color: str = DECK.ink,
    align: PP_ALIGN = PP_ALIGN.LEFT,
) -> Shape:
    """A text box (slide px) with one paragraph per string, wrapped to its width."""
    box = shapes.add_textbox(px(left), px(top), px(width), px(height))
    frame = box.text_frame
    frame.word_wrap = True
    for i, text in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = align
        run = paragraph.add_run()
        run.text = text
        _style_runs([run], size, bold, color)
    return box


def set_notes(slide: Slide, lines: Sequence[str]) -> None:
    """Speaker notes, one paragraph per line."""
    slide.notes_slide.notes_text_frame.text = "\n".join(lines)  # type: ignore[union-attr]


def row_heights(
    rows: Sequence[Sequence[str]], widths: Sequence[float], size: float = DECK.table_pt
) -> list[float]:
    """Height in slide px of each table row once its cells wrap to the column widths."""
    size_px = size / PT_PER_PX
    heights = []
    for row in rows:
        lines = max(
            (
                len(wrap_text(value, width - 14, size_px) or ("",))
                for value, width in zip(row, widths, strict=False)
            ),
            default=1,
        )
        heights.append(lines * size_px * 1.25 + 12)
    return heights


def add_table(
    shapes: SlideShapes,
    left: float,
    top: float,
    width: float,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    column_widths: Sequence[float],
    *,
    size: float = DECK.table_pt,
    bottom: float = DECK.height_px - 24,
) -> tuple[Any, int, float]:
    """A native table (slide px) with as many `rows` as fit above `bottom`.

    `column_widths` are fractions of `width`. Returns the table, how many rows
    it holds and its bottom edge.
    """
    widths = [width * share for share in column_widths]
    heights = row_heights([header, *rows], widths, size)
    fitted, used = 0, heights[0]
    while fitted < len(rows) and top + used + heights[fitted + 1] <= bottom:
        used += heights[fitted + 1]
        fitted += 1
    graphic = shapes.add_table(fitted + 1, len(header), px(left), px(top), px(width), px(used))
    table = graphic.table
    for i, column_width in enumerate(widths):
        table.columns[i].width = px(column_width)
    for r, values in enumerate([list(header), *[list(row) for row in rows[:fitted]]]):
        table.rows[r].height = px(heights[r])
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.text = value
            cell.vertical_anchor = MSO_ANCHOR.TOP
            for paragraph in cell.text_frame.paragraphs:
                _style_runs(paragraph.runs, size, r == 0, DECK.ink if r else "#FFFFFF")
    return table, fitted, top + used


def add_bar_chart(
    shapes: SlideShapes,
    left: float,
    top: float,
    width: float,
    height: float,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    stacked: bool = False,
    horizontal: bool = True,
    number_format: str = "0.0",
    title: str = "",
) -> Any:
    """A native, editable bar chart (slide px) with one colour per series."""
    data = CategoryChartData(number_format=number_format)
    data.categories = list(categories)
    for name, values in series:
        data.add_series(name, list(values))
    if horizontal:
        kind = XL_CHART_TYPE.BAR_STACKED if stacked else XL_CHART_TYPE.BAR_CLUSTERED
    else:
        kind = XL_CHART_TYPE.COLUMN_STACKED if stacked else XL_CHART_TYPE.COLUMN_CLUSTERED
    graphic: Any = shapes.add_chart(kind, px(left), px(top), px(width), px(height), data)  # type: ignore[arg-type]
    chart = graphic.chart
    chart.font.size = Pt(DECK.small_pt)
    chart.font.name = DECK.font
    chart.has_title = bool(title)
    if title:
        chart.chart_title.text_frame.text = title
        _style_runs(chart.chart_title.text_frame.paragraphs[0].runs, DECK.body_pt, True, DECK.ink)
    chart.has_legend = len(series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    colors = DECK.series if len(series) > 1 else (DECK.accent,)
    for plot_series, color in zip(chart.plots[0].series, colors, strict=False):
        plot_series.format.fill.solid()
        plot_series.format.fill.fore_color.rgb = rgb(color)
    if number_format == "0":
        # Counts: whole-number gridlines, not 0.5 steps.
        chart.value_axis.major_unit = max(
            1, round(max((max(v, default=0) for _, v in series), default=0) / 8)
        )
    if horizontal:
        # Bars read top-down in the categories' order, as in the tables.
        chart.category_axis.reverse_order = True
    return chart

"""DrawingML for many shapes at once: the swimlane's shapes written as XML text.

python-pptx builds every shape through dozens of XPath look-ups; a map of 1,000
steps has some 5,000 shapes, which would take tens of seconds. The swimlane
therefore writes its shapes as text with these helpers and parses them into the
slide in one go (`append_shapes`): the same elements PowerPoint writes, ~20x
faster. Positions and sizes are EMU; colours `#RRGGBB`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pptx.oxml import parse_xml
from pptx.slide import Slide

__all__ = [
    "LineStyle",
    "Run",
    "TextBody",
    "append_shapes",
    "connector",
    "polyline",
    "shape",
    "site_point",
]

_NS = (
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
# Characters XML 1.0 forbids even escaped; user text may contain them.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})
_DASH = {"dash": "dash", "dot": "sysDot", "long-dash": "lgDash"}
_ALIGN = {"start": "l", "middle": "ctr", "end": "r"}


def xml_text(value: str) -> str:
    """Text safe inside an element or a double-quoted attribute."""
    return _INVALID_XML.sub("", value).translate(_ESCAPES)


def _hex(color: str) -> str:
    return color.lstrip("#")[:6].upper()


@dataclass(frozen=True, slots=True)
class Run:
    """One paragraph of one run: text, size in hundredths of a point, weight, colour."""

    text: str
    size: int
    bold: bool
    color: str
    align: str = "start"
    spacing: int = 0  # exact line spacing in hundredths of a point; 0 = single
    indent: int = 0  # EMU from the text box's left inset (a line that starts further in)


@dataclass(frozen=True, slots=True)
class TextBody:
    """A shape's text: paragraphs, insets (EMU), vertical anchor and wrapping."""

    runs: Sequence[Run]
    font: str
    left: int = 0
    top: int = 0
    right: int = 0
    bottom: int = 0
    anchor: str = "t"
    wrap: bool = True


def _text_xml(body: TextBody) -> str:
    wrap = "square" if body.wrap else "none"
    out = [
        f'<p:txBody><a:bodyPr wrap="{wrap}" lIns="{body.left}" tIns="{body.top}" '
        f'rIns="{body.right}" bIns="{body.bottom}" anchor="{body.anchor}" rtlCol="0">'
        "<a:noAutofit/></a:bodyPr><a:lstStyle/>"
    ]
    font = xml_text(body.font)
    for run in body.runs:
        spacing = f'<a:lnSpc><a:spcPts val="{run.spacing}"/></a:lnSpc>' if run.spacing else ""
        bold = ' b="1"' if run.bold else ' b="0"'
        out.append(
            f'<a:p><a:pPr marL="{run.indent}" algn="{_ALIGN[run.align]}">{spacing}</a:pPr>'
            f'<a:r><a:rPr lang="en-US" sz="{run.size}"{bold} dirty="0">'
            f'<a:solidFill><a:srgbClr val="{_hex(run.color)}"/></a:solidFill>'
            f'<a:latin typeface="{font}"/><a:cs typeface="{font}"/></a:rPr>'
            f"<a:t>{xml_text(run.text)}</a:t></a:r></a:p>"
        )
    if not body.runs:
        out.append("<a:p/>")
    out.append("</p:txBody>")
    return "".join(out)


@dataclass(frozen=True, slots=True)
class LineStyle:
    """A stroke in DrawingML terms: EMU width, dash lengths in multiples of the width."""

    color: str
    width: int
    dash: tuple[float, ...] = ()  # drawn, gap, drawn, gap ... as multiples of the width
    opacity: float = 1.0
    cap: str = "flat"  # flat, rnd or sq
    join: str = "miter"  # miter, round or bevel
    arrowhead: str | None = None  # triangle or arrow
    arrow_width: str = "med"  # sm, med or lg
    arrow_length: str = "med"


def _color_xml(color: str, opacity: float = 1.0) -> str:
    alpha = f'<a:alpha val="{round(opacity * 100000)}"/>' if opacity < 1 else ""
    return f'<a:srgbClr val="{_hex(color)}">{alpha}</a:srgbClr>'


def _line_xml(style: LineStyle | None) -> str:
    if style is None:
        return "<a:ln><a:noFill/></a:ln>"
    dash = ""
    if style.dash:
        pairs = zip(style.dash[::2], style.dash[1::2], strict=False)
        dash = (
            "<a:custDash>"
            + "".join(
                f'<a:ds d="{round(d * 100000)}" sp="{round(sp * 100000)}"/>' for d, sp in pairs
            )
            + "</a:custDash>"
        )
    join = {"round": "<a:round/>", "bevel": "<a:bevel/>"}.get(style.join, "<a:miter/>")
    tail = (
        f'<a:tailEnd type="{style.arrowhead}" w="{style.arrow_width}" len="{style.arrow_length}"/>'
        if style.arrowhead
        else ""
    )
    return (
        f'<a:ln w="{style.width}" cap="{style.cap}"><a:solidFill>'
        f"{_color_xml(style.color, style.opacity)}</a:solidFill>{dash}{join}{tail}</a:ln>"
    )


def _fill_xml(color: str | None, opacity: float = 1.0) -> str:
    if color is None:
        return "<a:noFill/>"
    return f"<a:solidFill>{_color_xml(color, opacity)}</a:solidFill>"


def shape(
    shape_id: int,
    name: str,
    x: int,
    y: int,
    w: int,
    h: int,
    *,
    geometry: str = "rect",
    adjust: int | None = None,
    fill: str | None = None,
    fill_opacity: float = 1.0,
    line: LineStyle | None = None,
    text: TextBody | None = None,
    textbox: bool = False,
) -> str:
    """A preset shape (`rect`, `roundRect`, `ellipse`, `smileyFace`, ...) with optional text."""
    av = f'<a:gd name="adj" fmla="val {adjust}"/>' if adjust is not None else ""
    box = ' txBox="1"' if textbox else ""
    return (
        f'<p:sp><p:nvSpPr><p:cNvPr id="{shape_id}" name="{xml_text(name)}"/>'
        f"<p:cNvSpPr{box}/><p:nvPr/></p:nvSpPr>"
        f'<p:spPr><a:xfrm><a:off x="{x}" y="{y}"/><a:ext cx="{max(w, 1)}" cy="{max(h, 1)}"/>'
        f'</a:xfrm><a:prstGeom prst="{geometry}"><a:avLst>{av}</a:avLst></a:prstGeom>'
        f"{_fill_xml(fill, fill_opacity)}{_line_xml(line)}</p:spPr>"
        f"{_text_xml(text or TextBody((), ''))}</p:sp>"
    )


def site_point(x: int, y: int, w: int, h: int, site: int) -> tuple[int, int]:
    """Where connection site `site` (0 top, 1 left, 2 bottom, 3 right) of a box is."""
    return {
        0: (x + w // 2, y),
        1: (x, y + h // 2),
        2: (x + w // 2, y + h),
        3: (x + w, y + h // 2),
    }[site]


def connector(
    shape_id: int,
    name: str,
    begin: tuple[int, int],
    end: tuple[int, int],
    begin_shape: tuple[int, int],
    end_shape: tuple[int, int],
    *,
    line: LineStyle,
) -> str:
    """An elbow connector from point `begin` to `end`, glued to (shape id, site) at each end."""
    (bx, by), (ex, ey) = begin, end
    flip = (' flipH="1"' if ex < bx else "") + (' flipV="1"' if ey < by else "")
    return (
        f'<p:cxnSp><p:nvCxnSpPr><p:cNvPr id="{shape_id}" name="{xml_text(name)}"/>'
        f'<p:cNvCxnSpPr><a:stCxn id="{begin_shape[0]}" idx="{begin_shape[1]}"/>'
        f'<a:endCxn id="{end_shape[0]}" idx="{end_shape[1]}"/></p:cNvCxnSpPr><p:nvPr/>'
        f"</p:nvCxnSpPr><p:spPr><a:xfrm{flip}>"
        f'<a:off x="{min(bx, ex)}" y="{min(by, ey)}"/>'
        f'<a:ext cx="{abs(ex - bx)}" cy="{abs(ey - by)}"/></a:xfrm>'
        '<a:prstGeom prst="bentConnector3"><a:avLst/></a:prstGeom>'
        f"{_line_xml(line)}</p:spPr></p:cxnSp>"
    )


def polyline(
    shape_id: int,
    name: str,
    points: Sequence[tuple[int, int]],
    *,
    line: LineStyle,
    quadratic: bool = False,
) -> str:
    """An open freeform line through `points` (EMU); with `quadratic`, the three points
    are the start, control and end of one quadratic curve."""
    left = min(p[0] for p in points)
    top = min(p[1] for p in points)
    w = max(p[0] for p in points) - left
    h = max(p[1] for p in points) - top
    path = [f'<a:moveTo><a:pt x="{points[0][0] - left}" y="{points[0][1] - top}"/></a:moveTo>']
    if quadratic:
        (cx, cy), (ex, ey) = points[1], points[2]
        path.append(
            f'<a:quadBezTo><a:pt x="{cx - left}" y="{cy - top}"/>'
            f'<a:pt x="{ex - left}" y="{ey - top}"/></a:quadBezTo>'
        )
    else:
        path.extend(f'<a:lnTo><a:pt x="{x - left}" y="{y - top}"/></a:lnTo>' for x, y in points[1:])
    return (
        f'<p:sp><p:nvSpPr><p:cNvPr id="{shape_id}" name="{xml_text(name)}"/><p:cNvSpPr/>'
        f'<p:nvPr/></p:nvSpPr><p:spPr><a:xfrm><a:off x="{left}" y="{top}"/>'
        f'<a:ext cx="{max(w, 1)}" cy="{max(h, 1)}"/></a:xfrm><a:custGeom><a:avLst/><a:gdLst/>'
        '<a:ahLst/><a:cxnLst/><a:rect l="0" t="0" r="r" b="b"/><a:pathLst>'
        f'<a:path w="{max(w, 1)}" h="{max(h, 1)}" fill="none">{"".join(path)}</a:path>'
        f"</a:pathLst></a:custGeom><a:noFill/>{_line_xml(line)}"
        f"</p:spPr>{_text_xml(TextBody((), ''))}</p:sp>"
    )


def append_shapes(slide: Slide, shapes: Sequence[str]) -> None:
    """Parse the shapes' XML once and append them to the slide, in order (last on top)."""
    if not shapes:
        return
    tree = parse_xml(f"<p:spTree {_NS}>{''.join(shapes)}</p:spTree>")
    target = slide.shapes._spTree
    for element in list(tree):
        target.append(element)

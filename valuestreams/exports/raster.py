"""Standalone SVG -> PNG (pixels at 2x) and PDF (vector) with cairosvg.

The SVG export is the source of both, so the picture, the PDF and the screen
show the same drawing. Text is drawn with the fonts fontconfig finds; the
drawing's font stack ends in DejaVu Sans and Liberation Sans, which a plain
Debian machine has (fonts-dejavu-core).
"""

from __future__ import annotations

import math

import cairosvg

__all__ = ["PNG_MAX_PIXELS", "PNG_SCALE", "png_scale", "svg_to_pdf", "svg_to_png"]

#: Pixels per SVG unit in the PNG: sharp on high-density screens and in slides.
PNG_SCALE = 2.0
#: The largest PNG drawn (RGBA: 4 bytes a pixel while drawing, 200 MB at most). A
#: 1,000-step map at 2x would need 1.3 GB; such maps get a smaller scale instead.
PNG_MAX_PIXELS = 50_000_000
#: Cairo's largest surface side.
_MAX_SIDE = 32_000


def png_scale(width: float, height: float) -> float:
    """PNG_SCALE, or less for a drawing that would exceed PNG_MAX_PIXELS or a side limit."""
    if width <= 0 or height <= 0:
        return PNG_SCALE
    fit = math.sqrt(PNG_MAX_PIXELS / (width * height))
    return min(PNG_SCALE, fit, _MAX_SIDE / width, _MAX_SIDE / height)


def svg_to_png(svg: str, *, scale: float = PNG_SCALE) -> bytes:
    """The SVG as a PNG of `scale` pixels per SVG unit, on its own white background."""
    png: bytes = cairosvg.svg2png(
        bytestring=svg.encode("utf-8"), scale=scale, background_color="white", unsafe=False
    )
    return png


def svg_to_pdf(svg: str) -> bytes:
    """The SVG as a one-page vector PDF of the drawing's size (1 SVG unit = 1 CSS px)."""
    pdf: bytes = cairosvg.svg2pdf(bytestring=svg.encode("utf-8"), unsafe=False)
    return pdf

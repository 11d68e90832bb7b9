"""Standalone SVG -> PNG (pixels at 2x) and PDF (vector) with cairosvg.

The SVG export is the source of both, so the picture, the PDF and the screen
show the same drawing. Text is drawn with the fonts fontconfig finds; the
drawing's font stack ends in DejaVu Sans and Liberation Sans, which a plain
Debian machine has (fonts-dejavu-core).
"""

from __future__ import annotations

import cairosvg

__all__ = ["PNG_SCALE", "svg_to_pdf", "svg_to_png"]

#: Pixels per SVG unit in the PNG: sharp on high-density screens and in slides.
PNG_SCALE = 2.0


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

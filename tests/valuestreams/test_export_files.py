"""SVG, PNG and PDF exports of a map: well-formed, the expected size, safe with hostile names."""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET
import zlib
from datetime import date
from typing import Any

import pytest

from valuestreams.analysis import analyze
from valuestreams.diagram import diagram_geometry, diagram_svg
from valuestreams.downloads import export_filename
from valuestreams.exports.raster import PNG_MAX_PIXELS, PNG_SCALE, png_scale, svg_to_pdf, svg_to_png

from .mapdata_builders import HOSTILE_NAMES, hostile_map, onboarding

NS = "{http://www.w3.org/2000/svg}"


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", png[8:16])
    assert kind == b"IHDR" and length == 13
    return struct.unpack(">II", png[16:24])


def png_is_complete(png: bytes) -> bool:
    """Every chunk's CRC matches and the file ends with IEND."""
    pos = 8
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos : pos + 8])
        body = png[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", png[pos + 8 + length : pos + 12 + length])
        if zlib.crc32(kind + body) != crc:
            return False
        if kind == b"IEND":
            return bool(pos + 12 + length == len(png))
        pos += 12 + length
    return False


def pdf_page_size(pdf: bytes) -> tuple[float, float]:
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    boxes = re.findall(rb"/MediaBox \[ *([\d.]+) +([\d.]+) +([\d.]+) +([\d.]+) *\]", pdf)
    assert len(boxes) == 1, "one page"
    x0, y0, x1, y1 = (float(v) for v in boxes[0])
    return x1 - x0, y1 - y0


def _svg(data=None) -> tuple[str, Any]:
    data = data or onboarding()
    analysis = analyze(data)
    return diagram_svg(data, analysis), diagram_geometry(data, analysis)


def test_the_svg_is_well_formed_with_one_box_per_step():
    data = onboarding()
    svg, _ = _svg(data)
    root = ET.fromstring(svg)

    steps = [g for g in root.iter(NS + "g") if "cw-step" in g.get("class", "").split()]
    assert root.tag == NS + "svg"
    assert sorted(int(g.get("data-step-id")) for g in steps) == sorted(s.id for s in data.steps)
    # Standalone: nothing fetched from elsewhere.
    assert 'href="http' not in svg and "@import" not in svg


def test_the_png_is_twice_the_drawing_size():
    svg, geometry = _svg()
    png = svg_to_png(svg)

    assert png_size(png) == (round(geometry.width * PNG_SCALE), round(geometry.height * PNG_SCALE))
    assert png_is_complete(png)


def test_the_pdf_is_one_vector_page_of_the_drawing_size():
    svg, geometry = _svg()
    pdf = svg_to_pdf(svg)

    width, height = pdf_page_size(pdf)
    # 1 SVG px = 0.75 pt.
    assert width == pytest.approx(geometry.width * 0.75, abs=1)
    assert height == pytest.approx(geometry.height * 0.75, abs=1)
    assert b"/Subtype /Image" not in pdf, "vector, not a picture"


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_names_give_valid_svg_png_and_pdf(name):
    data = hostile_map(name)
    svg, geometry = _svg(data)

    root = ET.fromstring(svg)
    assert "<script>" not in svg
    assert len([g for g in root.iter(NS + "g") if "cw-step" in g.get("class", "").split()]) == 2
    assert png_is_complete(svg_to_png(svg))
    assert pdf_page_size(svg_to_pdf(svg))[0] == pytest.approx(geometry.width * 0.75, abs=1)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Office move request", "office-move-request-2026-11-30.pptx"),
        ("Aanvraag évènement", "aanvraag-évènement-2026-11-30.pptx"),
        ("🚀 / \\ ..", "map-2026-11-30.pptx"),
        ("x" * 300, "x" * 80 + "-2026-11-30.pptx"),
    ],
)
def test_file_names_carry_the_map_name_and_the_date(name, expected):
    assert export_filename(name, "pptx", date(2026, 11, 30)) == expected


def test_a_huge_drawing_gets_a_smaller_png_scale_within_the_pixel_limit():
    assert png_scale(1800, 1000) == PNG_SCALE
    scale = png_scale(11_070, 7_136)  # a 1,000-step map
    assert scale < PNG_SCALE
    assert (11_070 * scale) * (7_136 * scale) <= PNG_MAX_PIXELS * 1.001
    assert png_scale(40_000, 300) * 40_000 <= 32_000

"""Renderers that draw a map's `Geometry` (see `valuestreams.layout`) into files.

Every renderer draws the same geometry, so the screen, the SVG/PNG/PDF export and
the slides show the same picture. Each format lives in its own module
(`svg.py`, ...); import the one you need.
"""

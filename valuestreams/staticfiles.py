"""A static-files finder for plotly.js, taken from the plotly Python package.

The plotly package bundles `plotly.min.js`; serving that file (as
`vendor/plotly.min.js`) keeps the browser's plotly.js the same version as the
Python side that writes the figures, with no copy in the repository and no CDN.
Only that one file is exposed, not the rest of the package's data.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PATH = "vendor/plotly.min.js"
SOURCE = Path(plotly.__file__).resolve().parent / "package_data"


class PlotlyFinder(BaseFinder):
    """Finds `vendor/plotly.min.js` in the installed plotly package."""

    storage = FileSystemStorage(location=str(SOURCE))

    def check(self, **kwargs: Any) -> list[Any]:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        if path != PATH:
            return [] if find_all else None
        found = str(SOURCE / "plotly.min.js")
        return [found] if find_all else found

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, Any]]:
        yield PATH, _Renamed(self.storage)


class _Renamed(FileSystemStorage):
    """The package folder, read under the name `vendor/plotly.min.js`."""

    def __init__(self, inner: FileSystemStorage) -> None:
        super().__init__(location=inner.location)

    def path(self, name: str) -> str:
        return super().path(Path(name).name)

    def open(self, name: str, mode: str = "rb") -> Any:
        return super().open(Path(name).name, mode)

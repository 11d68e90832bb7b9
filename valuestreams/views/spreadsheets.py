"""Maps as spreadsheets: import from .csv/.xlsx, the template, and the steps as .csv/.xlsx."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from departments.access import get_workspace_for_user

from ..access import get_map_for_user
from ..downloads import export_filename
from ..forms_imports import MapSheetImportForm
from ..imports.maps import map_document
from ..imports.spreadsheet import TEMPLATE_ROWS, document_to_rows, rows_to_csv, rows_to_xlsx
from .exports import SHEET_TYPES
from .maps import map_import_page

XLSX = SHEET_TYPES["xlsx"]


def _sheet_response(rows: list[dict[str, Any]], fmt: str, filename: str) -> HttpResponse:
    if fmt == "csv":
        # A BOM so spreadsheet programs read the file as UTF-8.
        response = HttpResponse(
            "\ufeff" + rows_to_csv(rows), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "xlsx":
        response = HttpResponse(rows_to_xlsx(rows), content_type=XLSX)
    else:
        raise Http404
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.{fmt}") or ""
    return response


@require_http_methods(["GET", "POST"])
def map_sheet_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Import a map from a spreadsheet: every problem by row and column, or the whole map."""
    return map_import_page(
        request,
        slug,
        MapSheetImportForm,
        title=_("Import a map from a spreadsheet"),
        intro=_(
            "One row per step. Departments are matched by name and created when missing. "
            "Nothing is imported unless every row is valid."
        ),
        template="valuestreams/map_sheet_import.html",
    )


@require_GET
def map_sheet_template(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """An example spreadsheet with every column, to start from."""
    get_workspace_for_user(request, slug)
    return _sheet_response(TEMPLATE_ROWS, fmt, "crosswalk-map-template")


@require_GET
def map_sheet_download(request: HttpRequest, slug: str, map_id: int, fmt: str) -> HttpResponse:
    """A map's steps as a spreadsheet that imports back into the same map."""
    map_obj = get_map_for_user(request, slug, map_id)
    rows = document_to_rows(map_document(map_obj=map_obj))
    # The name the download button gives: the map's name, "steps" and today's date.
    name = export_filename(f"{map_obj.name} steps", fmt, timezone.localdate())
    return _sheet_response(rows, fmt, name.removesuffix(f".{fmt}"))

"""Maps as spreadsheets: import from .csv/.xlsx, the template, and the steps as .csv/.xlsx."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from departments.access import get_workspace_for_user

from ..access import get_map_for_user
from ..forms_imports import MapSheetImportForm
from ..imports.maps import map_document
from ..imports.spreadsheet import TEMPLATE_ROWS, document_to_rows, rows_to_csv, rows_to_xlsx
from .maps import map_import_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
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
    return _sheet_response(rows, fmt, f"{slugify(map_obj.name) or 'map'}-{map_obj.pk}")

"""Downloads of a map as PowerPoint, SVG, PNG, PDF or JSON: plain links, for every member."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from departments.access import get_workspace_for_user

from ..access import get_map_for_user
from ..downloads import (
    CONTENT_TYPES,
    FORMATS,
    ExportFile,
    export_filename,
    map_export,
    workspace_export,
)
from ..models import Map


def file_response(file: ExportFile) -> HttpResponse:
    """An export as an attachment with its file name (any script, RFC 6266) and type."""
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = content_disposition_header(True, file.filename) or ""
    return response


@require_GET
def map_export_file(request: HttpRequest, slug: str, map_id: int, fmt: str) -> HttpResponse:
    """The map in `fmt`; 404 for a map outside the user's workspaces or an unknown format."""
    map_obj = get_map_for_user(request, slug, map_id)
    if fmt not in FORMATS:
        raise Http404
    return file_response(map_export(map_obj=map_obj, fmt=fmt))


@require_GET
def workspace_deck_file(request: HttpRequest, slug: str) -> HttpResponse:
    """The managers' deck of the workspace, for every member."""
    workspace = get_workspace_for_user(request, slug)
    return file_response(workspace_export(workspace=workspace))


@dataclass(frozen=True, slots=True)
class DownloadLink:
    """One download button: its label, URL, the file name it saves as and its type."""

    fmt: str
    label: str
    url: str
    filename: str
    content_type: str


SHEET_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}


def download_links(map_obj: Map) -> list[DownloadLink]:
    """The map's download buttons, PowerPoint first, as the map page and editor show them.

    The steps as a spreadsheet come last: they import back into the same map.
    """
    labels = {
        "pptx": _("PowerPoint"),
        "png": _("PNG"),
        "pdf": _("PDF"),
        "svg": _("SVG"),
        "json": _("JSON"),
    }
    today = timezone.localdate()
    return [
        DownloadLink(
            fmt,
            str(labels[fmt]),
            reverse("map_export", args=[map_obj.workspace.slug, map_obj.pk, fmt]),
            export_filename(map_obj.name, fmt, today),
            CONTENT_TYPES[fmt],
        )
        for fmt in labels
    ] + [
        DownloadLink(
            fmt,
            str(label),
            reverse("map_sheet_download", args=[map_obj.workspace.slug, map_obj.pk, fmt]),
            export_filename(f"{map_obj.name} steps", fmt, today),
            SHEET_TYPES[fmt],
        )
        for fmt, label in (("xlsx", _("Steps as Excel")), ("csv", _("Steps as CSV")))
    ]

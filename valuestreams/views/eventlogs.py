"""Event logs as evidence: upload, choose columns, follow the import, read the evidence.

Also the comparison of a workshop's map with a map discovered from data.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from departments.access import get_workspace_for_user
from departments.models import Role, Workspace

from ..analysis.workshop_vs_data import compare_workshop_with_data, parse_aliases
from ..forms_imports import ColumnMappingForm, CompareForm, EventLogUploadForm, FilterFields
from ..imports.eventlogs import (
    eventlog_queue,
    eventlog_rediscover,
    eventlog_start,
    eventlog_upload,
    evidence_of,
)
from ..imports.models import EventLog, EventLogStatus
from ..imports.problems import ImportProblems, Problem
from ..mapdata import map_data_from
from ..models import Map

COLUMN_KEYS = ("case", "activity", "lifecycle", "timestamp", "lane")


def _get_log_for_user(
    request: HttpRequest, slug: str, log_id: int, role: Role = Role.VIEWER
) -> EventLog:
    """The log `log_id` of workspace `slug`: 404 for anyone outside it, 403 for a weak role."""
    workspace = get_workspace_for_user(request, slug, role)
    log = EventLog.objects.for_workspace(workspace).filter(pk=log_id).first()
    if log is None:
        raise Http404
    log.workspace = workspace
    return log


def _partial(request: HttpRequest, template: str, name: str) -> str:
    return f"{template}#{name}" if getattr(request, "htmx", False) else template


def _list_page(
    request: HttpRequest, workspace: Workspace, form: EventLogUploadForm
) -> HttpResponse:
    return TemplateResponse(
        request,
        _partial(request, "valuestreams/eventlog_list.html", "upload-form"),
        {"workspace": workspace, "form": form, "logs": EventLog.objects.for_workspace(workspace)},
    )


@require_GET
def eventlog_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The workspace's event logs with their status, and the upload form."""
    workspace = get_workspace_for_user(request, slug)
    return _list_page(request, workspace, EventLogUploadForm())


@require_POST
def eventlog_upload_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Keep an uploaded log and go on to choosing its columns."""
    workspace = get_workspace_for_user(request, slug, Role.EDITOR)
    form = EventLogUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            log = eventlog_upload(
                workspace=workspace,
                name=form.cleaned_data["name"],
                filename=upload.name or "",
                data=upload.read(),
                user=request.user,
            )
        except ImportProblems as exc:
            for message in exc.messages:
                form.add_error("file", message)
        else:
            url = reverse("eventlog_detail", args=[slug, log.pk])
            if getattr(request, "htmx", False):
                return HttpResponse(headers={"HX-Redirect": url})
            return HttpResponseRedirect(url)
    return _list_page(request, workspace, form)


@require_http_methods(["GET", "POST"])
def eventlog_detail(request: HttpRequest, slug: str, log_id: int) -> HttpResponse:
    """One log: the column choice, the import's progress, or its evidence, as its status says.

    A POST is the column choice: the log is queued and its import started.
    """
    role = Role.EDITOR if request.method == "POST" else Role.VIEWER
    log = _get_log_for_user(request, slug, log_id, role)
    form = None
    if log.status in (EventLogStatus.UPLOADED, EventLogStatus.FAILED):
        form = ColumnMappingForm(
            request.POST if request.method == "POST" else None,
            columns=log.columns,
            initial={k: v for k, v in log.mapping.items() if k in COLUMN_KEYS},
        )
        if request.method == "POST" and form.is_valid():
            eventlog_queue(log=log, mapping=form.mapping(), flt=form.discovery_filter())
            eventlog_start(log=log)
            return HttpResponseRedirect(reverse("eventlog_detail", args=[slug, log.pk]))
    elif request.method == "POST":
        messages.info(request, _("This log is already imported or being imported."))
        return HttpResponseRedirect(reverse("eventlog_detail", args=[slug, log.pk]))
    return TemplateResponse(
        request,
        "valuestreams/eventlog_detail.html",
        {
            "workspace": log.workspace,
            "log": log,
            "form": form,
            "problems": [Problem.from_dict(p).text for p in log.problems],
            "evidence": evidence_of(log),
            "discoveries": log.discoveries.select_related("map").order_by("-created_at"),
            "filter_form": FilterFields(initial=log.discovery_filter or None),
        },
    )


@require_GET
def eventlog_progress(request: HttpRequest, slug: str, log_id: int) -> HttpResponse:
    """The progress fragment the page polls; a finished import reloads the page."""
    log = _get_log_for_user(request, slug, log_id)
    response = TemplateResponse(
        request,
        "valuestreams/eventlog_detail.html#progress",
        {"workspace": log.workspace, "log": log},
    )
    if log.is_finished:
        response["HX-Refresh"] = "true"
    return response


@require_POST
def eventlog_discover(request: HttpRequest, slug: str, log_id: int) -> HttpResponse:
    """Discover another map from the stored events with another filter."""
    log = _get_log_for_user(request, slug, log_id, Role.EDITOR)
    form = FilterFields(request.POST)
    if log.status != EventLogStatus.DONE or not form.is_valid():
        messages.error(request, _("Choose at least one step and zero or more paths."))
        return HttpResponseRedirect(reverse("eventlog_detail", args=[slug, log.pk]))
    new_map = eventlog_rediscover(log=log, flt=form.discovery_filter())
    messages.success(request, _("Map “%s” discovered.") % new_map.name)
    return HttpResponseRedirect(reverse("map_detail", args=[slug, new_map.pk]))


@require_GET
def map_compare(request: HttpRequest, slug: str) -> HttpResponse:
    """The workshop's map beside a map from data: handoffs each one misses."""
    workspace = get_workspace_for_user(request, slug)
    maps = Map.objects.for_workspace(workspace).select_related("discovery")
    form = CompareForm(request.GET if "workshop" in request.GET else None, maps=maps)
    result = None
    aliases = request.GET.get("aliases", "")[:10_000]
    if form.is_bound and form.is_valid():
        result = compare_workshop_with_data(
            map_data_from(form.cleaned_data["workshop"]),
            map_data_from(form.cleaned_data["discovered"]),
            parse_aliases(aliases),
        )
    return TemplateResponse(
        request,
        "valuestreams/map_compare.html",
        {"workspace": workspace, "form": form, "result": result, "aliases": aliases},
    )

"""Pages of whole maps: the workspace home, list and detail; create, import, download, delete."""

from __future__ import annotations

import logging
from collections import defaultdict

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from departments.access import get_workspace_for_user
from departments.models import Role
from departments.pages import confirm_page, form_page, post_data, save_or_report

from ..access import get_map_for_user
from ..analysis import (
    Comparison,
    MapAnalysis,
    MapMetrics,
    analysis_for_data,
    analysis_for_map,
    compare,
    metrics_for_map,
)
from ..diagram import diagram_svg
from ..forms_imports import MapSheetImportForm
from ..forms_maps import MapCreateForm, MapImportForm
from ..imports.maps import map_import
from ..mapdata import map_data_from
from ..models import Map, MapKind
from ..services_maps import map_create, map_delete
from .exports import download_links, map_export_file

logger = logging.getLogger(__name__)


def _maps_with_counts(workspace_id: int) -> list[Map]:
    """The workspace's maps with counts (one query) and their cached key metrics.

    Metrics come from the analysis cache keyed by the map's version, so a map
    that has not changed since it was last shown costs no query at all. A map
    whose analysis fails shows "—" for its metrics: one broken map must not take
    down a page about all of them.
    """
    maps = list(
        Map.objects.filter(workspace_id=workspace_id)
        .select_related("persona", "based_on")
        .with_counts()
    )
    for map_obj in maps:
        map_obj.metrics = _metrics_or_none(map_obj)  # type: ignore[attr-defined]
    return maps


def _metrics_or_none(map_obj: Map) -> MapMetrics | None:
    try:
        return metrics_for_map(map_obj.pk, version=map_obj.version)
    except Exception:
        # Logged with its traceback for the operator; the page shows "—".
        logger.exception("analysis of map %s (version %s) failed", map_obj.pk, map_obj.version)
        return None


@require_GET
def workspace_home(request: HttpRequest, slug: str) -> HttpResponse:
    """Maps grouped by kind with their key numbers, and what needs attention."""
    workspace = get_workspace_for_user(request, slug)
    grouped: dict[str, list[Map]] = defaultdict(list)
    for map_obj in _maps_with_counts(workspace.pk):
        grouped[map_obj.kind].append(map_obj)
    groups = [(label, grouped.get(kind, [])) for kind, label in MapKind.choices]
    return TemplateResponse(
        request,
        "valuestreams/workspace_home.html",
        {
            "workspace": workspace,
            "groups": groups,
            "unclear_rights": workspace.decision_rights.filter(status="unclear").count(),
            "goal_count": workspace.goals.count(),
            "department_count": workspace.departments.count(),
        },
    )


@require_GET
def map_list(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = get_workspace_for_user(request, slug)
    return TemplateResponse(
        request,
        "valuestreams/map_list.html",
        {"workspace": workspace, "maps": _maps_with_counts(workspace.pk)},
    )


@require_GET
def map_detail(request: HttpRequest, slug: str, map_id: int) -> HttpResponse:
    """Steps per lane and stage, and the handoffs, readable without JavaScript."""
    map_obj = get_map_for_user(request, slug, map_id)
    data = map_data_from(map_obj)
    analysis = analysis_for_data(data)
    future_states = list(map_obj.future_states.all())
    return TemplateResponse(
        request,
        "valuestreams/map_detail.html",
        {
            "workspace": map_obj.workspace,
            "map": map_obj,
            "data": data,
            "future_states": future_states,
            "downloads": download_links(map_obj),
            "analysis": analysis,
            "comparison": _comparison(map_obj, analysis, future_states),
            # Our own renderer escapes every user text, so the markup is safe.
            "svg": mark_safe(diagram_svg(data, analysis)),
        },
    )


def _comparison(map_obj: Map, analysis: MapAnalysis, futures: list[Map]) -> Comparison | None:
    """A future state against its current state, or a current state against its newest future."""
    if map_obj.based_on_id is not None:
        return compare(analysis_for_map(map_obj.based_on_id), analysis)
    if futures:
        newest = max(futures, key=lambda f: f.pk)
        return compare(analysis, analysis_for_map(newest.pk, version=newest.version))
    return None


@require_http_methods(["GET", "POST"])
def map_new(request: HttpRequest, slug: str) -> HttpResponse:
    """An empty map with its stages; the editor adds lanes and steps."""
    workspace = get_workspace_for_user(request, slug, Role.EDITOR)
    form = MapCreateForm(post_data(request), workspace=workspace)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        new_map = save_or_report(
            form,
            lambda: map_create(
                workspace=workspace,
                name=data["name"],
                kind=data["kind"],
                description=data["description"],
                persona=data["persona"],
                stage_names=data["stages"],
            ),
        )
        if new_map is not None:
            messages.success(request, _("Map “%s” created.") % new_map.name)
            # Straight into the editor, at the form for the first lane: a new map has none.
            editor = reverse("map_editor", args=[slug, new_map.pk])
            return HttpResponseRedirect(f"{editor}#lane-add")
    return form_page(
        request,
        form,
        workspace=workspace,
        title=_("New map"),
        eyebrow=_("Maps"),
        submit_label=_("Create map"),
        cancel_url=reverse("map_list", args=[slug]),
    )


@require_http_methods(["GET", "POST"])
def map_upload(request: HttpRequest, slug: str) -> HttpResponse:
    """Import an interchange file: every problem listed with its place, or the whole map."""
    return map_import_page(
        request,
        slug,
        MapImportForm,
        title=_("Import a map"),
        intro=_(
            "Departments and the persona are matched by name and created when missing. "
            "Nothing is imported unless the whole file is valid."
        ),
    )


def map_import_page(
    request: HttpRequest,
    slug: str,
    form_class: type[MapImportForm] | type[MapSheetImportForm],
    *,
    title: str,
    intro: str,
    template: str = "form_page.html",
) -> HttpResponse:
    """The life of a map import page, whatever the file: a form whose `document` is the
    validated map; on success the map is created in one transaction and shown."""
    workspace = get_workspace_for_user(request, slug, Role.EDITOR)
    form = form_class(post_data(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        new_map = save_or_report(
            form, lambda: map_import(workspace=workspace, document=form.document)
        )
        if new_map is not None:
            messages.success(request, _("Map “%s” imported.") % new_map.name)
            return HttpResponseRedirect(reverse("map_detail", args=[slug, new_map.pk]))
    return form_page(
        request,
        form,
        workspace=workspace,
        title=title,
        eyebrow=_("Maps"),
        intro=intro,
        template=template,
        submit_label=_("Import"),
        cancel_url=reverse("map_list", args=[slug]),
    )


@require_GET
def map_download(request: HttpRequest, slug: str, map_id: int) -> HttpResponse:
    """The map as a crosswalk-map JSON file."""
    return map_export_file(request, slug, map_id, "json")


@require_http_methods(["GET", "POST"])
def map_remove(request: HttpRequest, slug: str, map_id: int) -> HttpResponse:
    """Delete a map after confirmation; its improvements stay on the board."""
    map_obj = get_map_for_user(request, slug, map_id, Role.EDITOR)
    if request.method == "POST":
        map_delete(map_obj=map_obj)
        messages.success(request, _("Map “%s” deleted.") % map_obj.name)
        return HttpResponseRedirect(reverse("map_list", args=[slug]))
    return confirm_page(
        request,
        workspace=map_obj.workspace,
        title=_("Delete map"),
        question=_("Delete the map “%s” with all its steps and handoffs?") % map_obj.name,
        consequence=_("This cannot be undone. Download the map as JSON first to keep a copy."),
        cancel_url=reverse("map_detail", args=[slug, map_obj.pk]),
    )

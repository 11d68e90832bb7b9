"""Share links: facilitators make and revoke them; anyone with one reads that map only."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from departments.models import Role
from departments.pages import post_data
from valuestreams.access import get_map_for_user
from valuestreams.analysis import analysis_for_data
from valuestreams.diagram import diagram_svg
from valuestreams.mapdata import map_data_from
from valuestreams.models import Map
from valuestreams.views.editor import _metrics

from ..access import get_share_link
from ..forms import ShareLinkForm
from ..models import ShareLink
from ..services import share_link_create, share_link_revoke

TEMPLATE = "workshop/share_map.html"


@require_http_methods(["GET", "POST"])
def share_list(request: HttpRequest, slug: str, map_id: int) -> HttpResponse:
    """A map's share links; a new one is shown once, right after it is made."""
    map_obj = get_map_for_user(request, slug, map_id, Role.FACILITATOR)
    form = ShareLinkForm(post_data(request))
    new_url = ""
    if request.method == "POST" and form.is_valid():
        _link, token = share_link_create(
            map_obj=map_obj,
            days=form.cleaned_data["days"],
            label=form.cleaned_data["label"],
            user=request.user,
        )
        new_url = request.build_absolute_uri(reverse("share_map", args=[token]))
        form = ShareLinkForm()
    return TemplateResponse(
        request,
        "workshop/share_list.html",
        {
            "workspace": map_obj.workspace,
            "map": map_obj,
            "form": form,
            "links": ShareLink.objects.filter(map=map_obj),
            "new_url": new_url,
        },
    )


@require_POST
def share_revoke(request: HttpRequest, slug: str, map_id: int, share_id: int) -> HttpResponse:
    """Revoke a share link."""
    map_obj = get_map_for_user(request, slug, map_id, Role.FACILITATOR)
    link = get_object_or_404(ShareLink, map=map_obj, pk=share_id)
    share_link_revoke(link=link)
    messages.success(request, _("The share link is revoked."))
    return HttpResponseRedirect(reverse("share_list", args=[slug, map_id]))


def _noindex(response: HttpResponse) -> HttpResponse:
    # Search engines must not list a page whose address is its only key.
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


def _render(
    request: HttpRequest, token: str, map_obj: Map, template: str, **extra: Any
) -> HttpResponse:
    data = map_data_from(map_obj)
    analysis = analysis_for_data(data)
    context = {
        "token": token,
        "map": map_obj,
        # Our own renderer escapes every user text, so the markup is safe.
        "svg": mark_safe(diagram_svg(data, analysis)),
        "metrics": _metrics(data, analysis),
        **extra,
    }
    return _noindex(TemplateResponse(request, template, context))


@login_not_required
@require_GET
def share_map(request: HttpRequest, token: str) -> HttpResponse:
    """The shared map, read-only: diagram and metrics, no workspace, no member names."""
    link = get_share_link(token)
    return _render(request, token, link.map, TEMPLATE, present=False)


@login_not_required
@require_GET
def share_present(request: HttpRequest, token: str) -> HttpResponse:
    """Presentation mode of the shared map, following changes."""
    link = get_share_link(token)
    return _render(request, token, link.map, TEMPLATE, present=True)


@login_not_required
@require_GET
def share_poll(request: HttpRequest, token: str) -> HttpResponse:
    """204 while the client's version is current; else the diagram and metrics anew."""
    link = get_share_link(token)
    raw = request.GET.get("version", "")
    if raw.isdigit() and int(raw) == link.map.version:
        return _noindex(HttpResponse(status=204))
    present = request.GET.get("mode") == "present"
    return _render(request, token, link.map, TEMPLATE + "#live", present=present)

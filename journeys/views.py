"""Personas: whose journey a map follows. Facilitators create and edit them."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from departments.access import get_workspace_for_user
from departments.models import Role
from departments.pages import model_form_page, post_data

from .forms import PersonaForm
from .models import Persona


@require_GET
def persona_list(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = get_workspace_for_user(request, slug)
    personas = workspace.personas.annotate(map_count=Count("maps"))
    return TemplateResponse(
        request, "journeys/persona_list.html", {"workspace": workspace, "personas": personas}
    )


@require_http_methods(["GET", "POST"])
def persona_create(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = get_workspace_for_user(request, slug, Role.FACILITATOR)
    form = PersonaForm(post_data(request), workspace=workspace)
    list_url = reverse("persona_list", args=[slug])
    return model_form_page(
        request,
        form,
        saved_message=lambda p: _("Persona “%s” added.") % p.name,
        success_url=list_url,
        workspace=workspace,
        title=_("New persona"),
        eyebrow=_("Personas"),
        cancel_url=list_url,
    )


@require_http_methods(["GET", "POST"])
def persona_edit(request: HttpRequest, slug: str, persona_id: int) -> HttpResponse:
    workspace = get_workspace_for_user(request, slug, Role.FACILITATOR)
    persona = get_object_or_404(Persona, workspace=workspace, pk=persona_id)
    form = PersonaForm(post_data(request), instance=persona, workspace=workspace)
    list_url = reverse("persona_list", args=[slug])
    return model_form_page(
        request,
        form,
        saved_message=lambda p: _("Persona “%s” saved.") % p.name,
        success_url=list_url,
        workspace=workspace,
        title=_("Edit persona"),
        eyebrow=_("Personas"),
        cancel_url=list_url,
    )

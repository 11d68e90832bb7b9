"""Invite links: facilitators make and revoke them; whoever opens one signs up or logs in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from .access import get_workspace_for_user
from .forms import InviteLinkForm, SignUpForm
from .invites import InviteUsedUp, invite_accept, invite_create, invite_for_token, invite_revoke
from .models import InviteLink, Role
from .pages import post_data

#: Sign-ups per client address; generous for a workshop room behind one NAT address.
SIGNUP_RATE = "30/h"


@require_http_methods(["GET", "POST"])
def invite_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The workspace's invite links; a new one is shown once, right after it is made."""
    workspace = get_workspace_for_user(request, slug, Role.FACILITATOR)
    form = InviteLinkForm(post_data(request))
    new_url = ""
    if request.method == "POST" and form.is_valid():
        _link, token = invite_create(
            workspace=workspace,
            role=form.cleaned_data["role"],
            days=form.cleaned_data["days"],
            max_uses=form.cleaned_data["max_uses"],
            label=form.cleaned_data["label"],
            user=request.user,
        )
        new_url = request.build_absolute_uri(reverse("invite_accept", args=[token]))
        form = InviteLinkForm()
    links = workspace.invite_links.prefetch_related("joins__membership__user")
    return TemplateResponse(
        request,
        "departments/invite_list.html",
        {"workspace": workspace, "form": form, "links": links, "new_url": new_url},
    )


@require_POST
def invite_revoke_view(request: HttpRequest, slug: str, invite_id: int) -> HttpResponse:
    """Revoke a link: nobody joins by it any more; who joined stays."""
    workspace = get_workspace_for_user(request, slug, Role.FACILITATOR)
    link = get_object_or_404(InviteLink, workspace=workspace, pk=invite_id)
    invite_revoke(link=link)
    messages.success(request, _("The invite link is revoked."))
    return HttpResponseRedirect(reverse("invite_list", args=[slug]))


@login_not_required
@require_http_methods(["GET", "POST"])
def invite_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    """Join a workspace by invite: a signed-in user confirms; anyone else signs up or logs in."""
    link = invite_for_token(token)
    if link is None:
        return TemplateResponse(request, "departments/invite_gone.html", status=410)
    form = None
    if request.user.is_authenticated:
        if request.method == "POST":
            return _join(request, link, request.user)
    else:
        form = SignUpForm(post_data(request))
        if request.method == "POST":
            if is_ratelimited(
                request, group="signup", key="ip", rate=SIGNUP_RATE, method="POST", increment=True
            ):
                messages.error(request, _("Too many sign-ups from here. Try again in an hour."))
                return TemplateResponse(
                    request,
                    "departments/invite_accept.html",
                    {"link": link, "form": form, "invite_workspace": link.workspace},
                    status=429,
                )
            if form.is_valid():
                user = form.save()
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return _join(request, link, user)
    return TemplateResponse(
        request,
        "departments/invite_accept.html",
        {"link": link, "form": form, "invite_workspace": link.workspace},
        status=400 if form is not None and form.errors else 200,
    )


def _join(request: HttpRequest, link: InviteLink, user: object) -> HttpResponse:
    try:
        membership = invite_accept(link=link, user=user)
    except InviteUsedUp:
        return TemplateResponse(request, "departments/invite_gone.html", status=410)
    messages.success(
        request,
        _("Welcome to %(workspace)s. You are a %(role)s here.")
        % {"workspace": link.workspace.name, "role": membership.get_role_display().lower()},
    )
    return HttpResponseRedirect(reverse("workspace_home", args=[link.workspace.slug]))

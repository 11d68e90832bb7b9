"""The workshop panel of a map: presence, dot voting and comments.

The panel is a page of its own (what a participant opens on a phone) and, for
htmx, a fragment the editor's script places beside the diagram. Every member
may be present, vote and comment; facilitators start and close votes and turn
the top ones into improvement cards.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.core import is_ratelimited

from departments.access import HtmxHttpRequest, get_workspace_for_user
from departments.models import Membership, Role
from valuestreams.access import get_map_for_user
from valuestreams.mapdata import map_data_from
from valuestreams.models import Improvement, Map

from .. import services
from ..forms import CommentForm, VoteForm
from ..models import Comment, Dot, Mention, Vote
from ..state import current_vote, display_name, workshop_state

TEMPLATE = "workshop/room.html"
#: Dots a member may place or take back per minute: plenty for a person, little for a script.
VOTE_RATE = "60/m"
#: How many of a closed vote's steps are offered as improvement cards.
TOP = 5


def _role(request: HtmxHttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined, no-any-return]


def _user_id(request: HtmxHttpRequest) -> int:
    # Every view here has passed the membership check: the user is signed in.
    return int(request.user.pk or 0)


def _targets(map_obj: Map) -> tuple[list[tuple[str, str]], dict[str, str]]:
    data = map_data_from(map_obj)
    titles = {step.id: step.title for step in data.steps}
    choices = [(f"step-{s.id}", s.title) for s in data.steps]
    choices += [
        (f"handoff-{h.id}", f"{titles[h.from_step_id]} → {titles[h.to_step_id]}")
        for h in data.handoffs
    ]
    return choices, dict(choices)


def _room(
    request: HtmxHttpRequest,
    map_obj: Map,
    *,
    comment_form: CommentForm | None = None,
    vote_form: VoteForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The panel (htmx) or the whole page, as the map's workshop stands now."""
    targets, target_names = _targets(map_obj)
    vote = current_vote(map_obj)
    membership = _role(request)
    state = workshop_state(map_obj, request.user)
    tally: dict[int, int] = {int(k): v for k, v in state.dots.items()}
    mine: dict[int, int] = {}
    if vote is not None:
        for step_id in Dot.objects.filter(vote=vote, user_id=_user_id(request)).values_list(
            "step_id", flat=True
        ):
            mine[step_id] = mine.get(step_id, 0) + 1
    steps = [(key, name, tally.get(int(key[5:]), 0), mine.get(int(key[5:]), 0))
             for key, name in targets if key.startswith("step-")]  # fmt: skip
    closed = None
    results: list[tuple[int, str, int, bool]] = []
    if vote is None:
        closed = Vote.objects.filter(map=map_obj, closed_at__isnull=False).first()
        if closed is not None:
            results = _results(closed, target_names)
    comments = (
        Comment.objects.filter(map=map_obj)
        .select_related("author", "resolved_by")
        .order_by("resolved_at", "-created_at")
    )
    context: dict[str, Any] = {
        "workspace": map_obj.workspace,
        "map": map_obj,
        "state": state,
        "vote": vote,
        "dots_left": (vote.dots - sum(mine.values())) if vote else 0,
        "steps": steps,
        "closed": closed,
        "results": results,
        "comments": [(c, target_names.get(_target_key(c), "")) for c in comments],
        "comment_form": comment_form or CommentForm(targets=targets),
        "vote_form": vote_form or VoteForm(),
        "can_facilitate": membership.has_role(Role.FACILITATOR),
        "can_resolve_all": membership.has_role(Role.EDITOR),
        "error": error,
        "people": [(p, target_names.get(f"step-{p.step}", "")) for p in state.presence],
    }
    name = f"{TEMPLATE}#panel" if request.htmx else TEMPLATE
    return TemplateResponse(request, name, context, status=status)


def _target_key(comment: Comment) -> str:
    return f"step-{comment.step_id}" if comment.step_id else f"handoff-{comment.handoff_id}"


def _results(vote: Vote, names: dict[str, str]) -> list[tuple[int, str, int, bool]]:
    """The vote's top steps: (step id, title, dots, already on the improvement board)."""
    rows = list(
        Dot.objects.filter(vote=vote)
        .values("step_id")
        .annotate(n=Count("id"))
        .order_by("-n", "step_id")[:TOP]
    )
    carded = set(
        Improvement.objects.filter(
            map_id=vote.map_id, step_id__in=[r["step_id"] for r in rows]
        ).values_list("step_id", flat=True)
    )
    return [
        (r["step_id"], names.get(f"step-{r['step_id']}", "?"), r["n"], r["step_id"] in carded)
        for r in rows
    ]


def _done(request: HtmxHttpRequest, map_obj: Map) -> HttpResponse:
    """After a write: the fresh panel for htmx, else back to the page (post/redirect/get)."""
    if request.htmx:
        return _room(request, map_obj)
    return HttpResponseRedirect(reverse("workshop_room", args=[map_obj.workspace.slug, map_obj.pk]))


def _refuse(request: HtmxHttpRequest, map_obj: Map, message: str, status: int) -> HttpResponse:
    if request.htmx:
        return _room(request, map_obj, error=message, status=status)
    messages.error(request, message)
    return HttpResponseRedirect(reverse("workshop_room", args=[map_obj.workspace.slug, map_obj.pk]))


@require_GET
def workshop_room(request: HtmxHttpRequest, slug: str, map_id: int) -> HttpResponse:
    """The workshop panel: who is here, the dot vote, comments."""
    return _room(request, get_map_for_user(request, slug, map_id))


@require_GET
def workshop_state_json(request: HtmxHttpRequest, slug: str, map_id: int) -> JsonResponse:
    """The overlay state as JSON, for the diagram's badges."""
    map_obj = get_map_for_user(request, slug, map_id)
    return JsonResponse(workshop_state(map_obj, request.user).as_json())


@require_POST
def presence_beat(request: HtmxHttpRequest, slug: str, map_id: int) -> JsonResponse:
    """A heartbeat: I am here with this step selected. Answers the overlay state."""
    map_obj = get_map_for_user(request, slug, map_id)
    raw = request.POST.get("step", "")
    services.presence_beat(
        map_obj=map_obj, user=request.user, step_id=int(raw) if raw.isdigit() else None
    )
    return JsonResponse(workshop_state(map_obj, request.user).as_json())


@require_POST
def presence_leave(request: HtmxHttpRequest, slug: str, map_id: int) -> HttpResponse:
    """The page was closed: gone at once rather than after the heartbeat runs out."""
    map_obj = get_map_for_user(request, slug, map_id)
    services.presence_leave(map_obj=map_obj, user=request.user)
    return HttpResponse(status=204)


@require_POST
def vote_start(request: HtmxHttpRequest, slug: str, map_id: int) -> HttpResponse:
    """A facilitator opens a dot vote."""
    map_obj = get_map_for_user(request, slug, map_id, Role.FACILITATOR)
    form = VoteForm(request.POST)
    if not form.is_valid():
        return _room(request, map_obj, vote_form=form, status=422)
    try:
        services.vote_start(
            map_obj=map_obj,
            question=form.cleaned_data["question"],
            dots=form.cleaned_data["dots"],
            minutes=form.cleaned_data["minutes"],
            user=request.user,
        )
    except services.VoteError as error:
        return _refuse(request, map_obj, str(error), 409)
    return _done(request, map_obj)


def _vote(map_obj: Map, vote_id: int) -> Vote:
    return get_object_or_404(Vote, map=map_obj, pk=vote_id)


@require_POST
def vote_close(request: HtmxHttpRequest, slug: str, map_id: int, vote_id: int) -> HttpResponse:
    """A facilitator closes the vote; the panel then offers the top steps as improvements."""
    map_obj = get_map_for_user(request, slug, map_id, Role.FACILITATOR)
    services.vote_close(vote=_vote(map_obj, vote_id))
    return _done(request, map_obj)


@require_POST
def vote_dot(request: HtmxHttpRequest, slug: str, map_id: int, vote_id: int) -> HttpResponse:
    """Place (`action=add`) or take back (`action=remove`) one dot on a step."""
    map_obj = get_map_for_user(request, slug, map_id)
    vote = _vote(map_obj, vote_id)
    if is_ratelimited(
        request, group="vote", key="user", rate=VOTE_RATE, method="POST", increment=True
    ):
        return _refuse(request, map_obj, _("Too many dots at once: wait a moment."), 429)
    raw = request.POST.get("step", "")
    if not raw.isdigit():
        return _refuse(request, map_obj, _("Choose a step."), 422)
    try:
        if request.POST.get("action") == "remove":
            services.dot_remove(vote=vote, user=request.user, step_id=int(raw))
        else:
            services.dot_add(vote=vote, user=request.user, step_id=int(raw))
    except services.VoteError as error:
        return _refuse(request, map_obj, str(error), 409)
    return _done(request, map_obj)


@require_POST
def vote_improvements(
    request: HtmxHttpRequest, slug: str, map_id: int, vote_id: int
) -> HttpResponse:
    """Turn the chosen top steps of a closed vote into improvement cards."""
    map_obj = get_map_for_user(request, slug, map_id, Role.FACILITATOR)
    vote = _vote(map_obj, vote_id)
    if vote.closed_at is None:
        return _refuse(request, map_obj, _("Close the vote first."), 409)
    chosen = [int(v) for v in request.POST.getlist("step") if v.isdigit()]
    cards = services.vote_to_improvements(vote=vote, step_ids=chosen, user=request.user)
    messages.success(request, _("%(count)s improvement cards made.") % {"count": len(cards)})
    return _done(request, map_obj)


@require_POST
def comment_add(request: HtmxHttpRequest, slug: str, map_id: int) -> HttpResponse:
    """A comment on a step or handoff; @username mentions a member."""
    map_obj = get_map_for_user(request, slug, map_id)
    targets, _names = _targets(map_obj)
    form = CommentForm(request.POST, targets=targets)
    if form.is_valid():
        step_id, handoff_id = form.target_ids()
        try:
            services.comment_add(
                map_obj=map_obj,
                user=request.user,
                body=form.cleaned_data["body"],
                step_id=step_id,
                handoff_id=handoff_id,
            )
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        return _room(request, map_obj, comment_form=form, status=422)
    return _done(request, map_obj)


@require_POST
def comment_resolve(
    request: HtmxHttpRequest, slug: str, map_id: int, comment_id: int
) -> HttpResponse:
    """Resolve a comment (or open it again): its author, or an editor."""
    map_obj = get_map_for_user(request, slug, map_id)
    comment = get_object_or_404(Comment, map=map_obj, pk=comment_id)
    if comment.author_id != request.user.pk and not _role(request).has_role(Role.EDITOR):
        raise PermissionDenied
    services.comment_resolve(
        comment=comment, user=request.user, resolved=request.POST.get("resolved") != "0"
    )
    return _done(request, map_obj)


@require_GET
def my_mentions(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Every comment in the workspace that mentions me, newest first."""
    map_obj_workspace = get_workspace_for_user(request, slug)
    mentions = (
        Mention.objects.filter(user_id=_user_id(request), comment__map__workspace=map_obj_workspace)
        .select_related("comment__map", "comment__author", "comment__step", "comment__handoff")
        .order_by("-comment__created_at")
    )
    rows = [
        (m.comment, display_name(m.comment.author) if m.comment.author else "") for m in mentions
    ]
    return TemplateResponse(
        request,
        "workshop/mentions.html",
        {"workspace": map_obj_workspace, "rows": rows},
    )

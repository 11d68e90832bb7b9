"""Pages of a workspace: its home, departments, decision rights, shared goals and members."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import BadRequest
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from .access import get_workspace_for_user
from .forms import (
    LAST_OWNER,
    DecisionRightForm,
    DepartmentForm,
    KPIForm,
    KPIReadingForm,
    MemberAddForm,
    MemberRoleForm,
    ParticipantFormSet,
    SharedGoalForm,
    WorkspaceLanguageForm,
    is_last_owner,
)
from .language import remember_language, supported
from .models import (
    KPI,
    DecisionRight,
    Department,
    Membership,
    Role,
    SharedGoal,
    Workspace,
)
from .pages import confirm_page, form_page, model_form_page, post_data, save_or_report


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The language switch: Django's own view, and the choice kept for the person.

    Open before login too, so the login page can be read in one's own language.
    """
    response = django_set_language(request)
    language = supported(request.POST.get("language"))
    if language is not None:
        remember_language(request, language)
    return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 400 page: names the bad value when the app itself refused it (`BadRequest`)."""
    message = str(exception) if type(exception) is BadRequest else ""
    # Rendered here: responses of error handlers are not rendered later like a view's.
    return render(request, "400.html", {"message": message}, status=400)


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The user's workspaces; straight into the workspace when there is only one."""
    workspaces = list(Workspace.objects.for_user(request.user))
    if len(workspaces) == 1:
        return HttpResponseRedirect(reverse("workspace_home", args=[workspaces[0].slug]))
    return TemplateResponse(request, "departments/home.html", {"workspaces": workspaces})


@require_GET
def department_list(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = get_workspace_for_user(request, slug)
    departments = workspace.departments.annotate(lane_count=Count("lanes", distinct=True))
    unclear = workspace.decision_rights.filter(status="unclear").prefetch_related("departments")
    return TemplateResponse(
        request,
        "departments/department_list.html",
        {"workspace": workspace, "departments": departments, "unclear_rights": unclear},
    )


@require_GET
def goal_list(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = get_workspace_for_user(request, slug)
    goals = workspace.goals.select_related("orchestrator").prefetch_related(
        "participants__department", "kpis"
    )
    return TemplateResponse(
        request, "departments/goal_list.html", {"workspace": workspace, "goals": goals}
    )


# Write side. Each view: access check → form → save → redirect with a message,
# or the same page again with the errors in place.


@require_http_methods(["GET", "POST"])
def department_create(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = get_workspace_for_user(request, slug, Role.FACILITATOR)
    form = DepartmentForm(post_data(request), workspace=workspace)
    return model_form_page(
        request,
        form,
        saved_message=lambda d: _("Department “%s” added.") % d.name,
        success_url=lambda d: reverse("department_detail", args=[slug, d.pk]),
        workspace=workspace,
        title=_("New department"),
        eyebrow=_("Departments"),
        cancel_url=reverse("department_list", args=[slug]),
    )


@require_http_methods(["GET", "POST"])
def department_edit(request: HttpRequest, slug: str, department_id: int) -> HttpResponse:
    workspace = get_workspace_for_user(request, slug, Role.FACILITATOR)
    department = get_object_or_404(Department, workspace=workspace, pk=department_id)
    form = DepartmentForm(post_data(request), instance=department, workspace=workspace)
    detail_url = reverse("department_detail", args=[slug, department.pk])
    return model_form_page(
        request,
        form,
        saved_message=lambda d: _("Department “%s” saved.") % d.name,
        success_url=detail_url,
        workspace=workspace,
        title=_("Edit department"),
        eyebrow=department.name,
        cancel_url=detail_url,
    )


@require_http_methods(["GET", "POST"])
def department_delete(request: HttpRequest, slug: str, department_id: int) -> HttpResponse:
    """Delete a department, unless a map still has a lane for it (lanes protect it)."""
    workspace = get_workspace_for_user(request, slug, Role.FACILITATOR)
    department = get_object_or_404(Department, workspace=workspace, pk=department_id)
    detail_url = reverse("department_detail", args=[slug, department.pk])
    if _lane_maps_message(request, department):
        return HttpResponseRedirect(detail_url)
    if request.method == "POST":
        try:
            with transaction.atomic():
                # Adding a lane locks the department too: one of the two waits for the
                # other, so the check below sees a lane added meanwhile.
                locked = Department.objects.select_for_update().filter(pk=department.pk)
                if not list(locked.values_list("pk")):
                    messages.error(request, _("“%s” was deleted meanwhile.") % department.name)
                    return HttpResponseRedirect(reverse("department_list", args=[slug]))
                if _lane_maps_message(request, department):
                    return HttpResponseRedirect(detail_url)
                department.delete()
        except IntegrityError:
            # RestrictedError, or the database's own check at commit: a lane came first.
            messages.error(
                request, _("“%s” is now used on a map and was not deleted.") % department.name
            )
            return HttpResponseRedirect(detail_url)
        messages.success(request, _("Department “%s” deleted.") % department.name)
        return HttpResponseRedirect(reverse("department_list", args=[slug]))
    return confirm_page(
        request,
        workspace=workspace,
        title=_("Delete department"),
        question=_("Delete the department “%s”?") % department.name,
        consequence=_("Its decision rights and goal participations go with it."),
        cancel_url=detail_url,
    )


def _lane_maps_message(request: HttpRequest, department: Department) -> bool:
    """Flash why a department that is a lane somewhere cannot go; True when it is one."""
    map_names = sorted({lane.map.name for lane in department.lanes.select_related("map")})
    if map_names:
        messages.error(
            request,
            _(
                "“%(name)s” cannot be deleted: it is a lane on %(maps)s. "
                "Remove it from those maps first."
            )
            % {"name": department.name, "maps": ", ".join(map_names)},
        )
    return bool(map_names)


@require_http_methods(["GET", "POST"])
def decision_right_create(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = get_workspace_for_user(request, slug, Role.FACILITATOR)
    form = DecisionRightForm(post_data(request), workspace=workspace)
    list_url = reverse("decision_right_list", args=[slug])
    return model_form_page(
        request,
        form,
        saved_message=lambda r: _("Decision right “%s” added.") % r.area,
        success_url=list_url,
        workspace=workspace,
        title=_("New decision right"),
        eyebrow=_("Decision rights"),
        cancel_url=list_url,
    )


@require_http_methods(["GET", "POST"])
def decision_right_edit(request: HttpRequest, slug: str, decision_right_id: int) -> HttpResponse:
    workspace = get_workspace_for_user(request, slug, Role.FACILITATOR)
    right = get_object_or_404(DecisionRight, workspace=workspace, pk=decision_right_id)
    form = DecisionRightForm(post_data(request), instance=right, workspace=workspace)
    list_url = reverse("decision_right_list", args=[slug])
    return model_form_page(
        request,
        form,
        saved_message=lambda r: _("Decision right “%s” saved.") % r.area,
        success_url=list_url,
        workspace=workspace,
        title=_("Edit decision right"),
        eyebrow=_("Decision rights"),
        cancel_url=list_url,
    )


@require_http_methods(["GET", "POST"])
def decision_right_delete(request: HttpRequest, slug: str, decision_right_id: int) -> HttpResponse:
    workspace = get_workspace_for_user(request, slug, Role.FACILITATOR)
    right = get_object_or_404(DecisionRight, workspace=workspace, pk=decision_right_id)
    list_url = reverse("decision_right_list", args=[slug])
    if request.method == "POST":
        right.delete()
        messages.success(request, _("Decision right “%s” deleted.") % right.area)
        return HttpResponseRedirect(list_url)
    return confirm_page(
        request,
        workspace=workspace,
        title=_("Delete decision right"),
        question=_("Delete the decision right “%s”?") % right.area,
        cancel_url=list_url,
    )


def _goal_form_page(
    request: HttpRequest, workspace: Workspace, goal: SharedGoal | None
) -> HttpResponse:
    """Create or edit a goal together with its departments, risk and reward."""
    data = post_data(request)
    form = SharedGoalForm(data, instance=goal, workspace=workspace)
    formset = ParticipantFormSet(
        data, instance=goal or SharedGoal(workspace=workspace), form_kwargs={"workspace": workspace}
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():

        def save() -> SharedGoal:
            saved = form.save()
            formset.instance = saved
            formset.save()
            return saved

        saved = save_or_report(form, save)
        if saved is not None:
            messages.success(request, _("Shared goal “%s” saved.") % saved.title)
            return HttpResponseRedirect(reverse("goal_detail", args=[workspace.slug, saved.pk]))
    cancel = (
        reverse("goal_detail", args=[workspace.slug, goal.pk])
        if goal
        else reverse("goal_list", args=[workspace.slug])
    )
    return form_page(
        request,
        form,
        template="departments/goal_form.html",
        workspace=workspace,
        formset=formset,
        title=_("Edit shared goal") if goal else _("New shared goal"),
        eyebrow=_("Shared goals"),
        cancel_url=cancel,
    )


@require_http_methods(["GET", "POST"])
def goal_create(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = get_workspace_for_user(request, slug, Role.FACILITATOR)
    return _goal_form_page(request, workspace, None)


@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, slug: str, goal_id: int) -> HttpResponse:
    workspace = get_workspace_for_user(request, slug, Role.FACILITATOR)
    goal = get_object_or_404(SharedGoal, workspace=workspace, pk=goal_id)
    return _goal_form_page(request, workspace, goal)


def _kpi_form_page(
    request: HttpRequest, slug: str, goal_id: int, kpi_id: int | None
) -> HttpResponse:
    workspace = get_workspace_for_user(request, slug, Role.FACILITATOR)
    goal = get_object_or_404(SharedGoal, workspace=workspace, pk=goal_id)
    kpi = get_object_or_404(KPI, goal=goal, pk=kpi_id) if kpi_id is not None else None
    form = KPIForm(post_data(request), instance=kpi, goal=goal)
    goal_url = reverse("goal_detail", args=[slug, goal.pk])
    return model_form_page(
        request,
        form,
        saved_message=lambda k: _("KPI “%s” saved.") % k.name,
        success_url=goal_url,
        workspace=workspace,
        title=_("Edit KPI") if kpi else _("New KPI"),
        eyebrow=goal.title,
        cancel_url=goal_url,
    )


@require_http_methods(["GET", "POST"])
def kpi_create(request: HttpRequest, slug: str, goal_id: int) -> HttpResponse:
    return _kpi_form_page(request, slug, goal_id, None)


@require_http_methods(["GET", "POST"])
def kpi_edit(request: HttpRequest, slug: str, goal_id: int, kpi_id: int) -> HttpResponse:
    return _kpi_form_page(request, slug, goal_id, kpi_id)


@require_http_methods(["GET", "POST"])
def kpi_reading_create(request: HttpRequest, slug: str, goal_id: int, kpi_id: int) -> HttpResponse:
    workspace = get_workspace_for_user(request, slug, Role.FACILITATOR)
    kpi = get_object_or_404(
        KPI.objects.select_related("goal"), goal__workspace=workspace, goal_id=goal_id, pk=kpi_id
    )
    form = KPIReadingForm(post_data(request), kpi=kpi)
    goal_url = reverse("goal_detail", args=[slug, goal_id])
    return model_form_page(
        request,
        form,
        saved_message=lambda r: _("Reading added to “%s”.") % kpi.name,
        success_url=goal_url,
        workspace=workspace,
        title=_("Add a reading"),
        eyebrow=kpi.name,
        cancel_url=goal_url,
    )


@require_http_methods(["GET", "POST"])
def member_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The members and their roles; the owner adds an existing user here."""
    workspace = get_workspace_for_user(request, slug, Role.OWNER)
    form = MemberAddForm(post_data(request), workspace=workspace)
    if request.method == "POST" and form.is_valid():
        role = form.cleaned_data["role"]
        membership = save_or_report(
            form,
            lambda: Membership.objects.create(workspace=workspace, user=form.user, role=role),
        )
        if membership is not None:
            messages.success(
                request,
                _("%(user)s added as %(role)s.")
                % {"user": form.user.get_username(), "role": membership.get_role_display()},
            )
            return HttpResponseRedirect(reverse("member_list", args=[slug]))
    members = workspace.memberships.select_related("user", "invite_join__link").order_by(
        "user__username"
    )
    rows = [(m, MemberRoleForm(instance=m, prefix=f"m{m.pk}")) for m in members]
    return TemplateResponse(
        request,
        "departments/member_list.html",
        {
            "workspace": workspace,
            "form": form,
            "rows": rows,
            "language_form": WorkspaceLanguageForm(instance=workspace),
        },
    )


@require_POST
def workspace_language(request: HttpRequest, slug: str) -> HttpResponse:
    """An owner sets the workspace's default language (blank: the site's default)."""
    workspace = get_workspace_for_user(request, slug, Role.OWNER)
    form = WorkspaceLanguageForm(request.POST, instance=workspace)
    if form.is_valid():
        form.save()
        messages.success(request, _("Default language saved."))
    else:
        messages.error(request, _("Choose one of the offered languages."))
    return HttpResponseRedirect(reverse("member_list", args=[slug]))


NO_LONGER_OWNER = _lazy(
    "You are no longer an owner of this workspace: someone changed your role meanwhile. "
    "Nothing was changed."
)


def _lock_owners(request: HttpRequest, workspace: Workspace) -> bool:
    """Lock the workspace row; True when the sender is still one of its owners.

    Changes to the members then happen one after another: inside the lock the
    last-owner check sees every committed change, so two owners demoting each
    other cannot both pass it, and an owner demoted while their request waited
    is told so instead. The database rule (`dbtriggers.keeps_an_owner_sql`)
    refuses what gets past the views.
    """
    list(Workspace.objects.select_for_update().filter(pk=workspace.pk).values_list("pk"))
    user_id = request.user.pk
    owners = Membership.objects.filter(workspace=workspace, role=Role.OWNER)
    return user_id is not None and owners.filter(user_id=user_id).exists()


def _save_role(request: HttpRequest, workspace: Workspace, form: MemberRoleForm) -> bool:
    """Validate and save a role change under the workspace's lock; True when saved."""
    try:
        with transaction.atomic():
            if not _lock_owners(request, workspace):
                form.add_error(None, NO_LONGER_OWNER)
                return False
            return form.is_valid() and save_or_report(form, form.save) is not None
    except IntegrityError:
        # The database's last-owner rule, checked at commit.
        form.add_error(None, LAST_OWNER)
        return False


@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    workspace = get_workspace_for_user(request, slug, Role.OWNER)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), workspace=workspace, pk=membership_id
    )
    form = MemberRoleForm(post_data(request), instance=membership, prefix=f"m{membership.pk}")
    list_url = reverse("member_list", args=[slug])
    if request.method == "POST" and _save_role(request, workspace, form):
        messages.success(
            request,
            _("%(user)s is now %(role)s.")
            % {"user": membership.user.get_username(), "role": membership.get_role_display()},
        )
        if membership.user_id == request.user.pk and membership.role != Role.OWNER:
            return HttpResponseRedirect(reverse("workspace_home", args=[slug]))
        return HttpResponseRedirect(list_url)
    return form_page(
        request,
        form,
        workspace=workspace,
        title=_("Change role"),
        eyebrow=membership.user.get_username(),
        cancel_url=list_url,
    )


@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    workspace = get_workspace_for_user(request, slug, Role.OWNER)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), workspace=workspace, pk=membership_id
    )
    list_url = reverse("member_list", args=[slug])
    username = membership.user.get_username()
    last_owner = _("%s is the last owner and cannot be removed: make someone else owner first.")
    if is_last_owner(membership):
        messages.error(request, last_owner % username)
        return HttpResponseRedirect(list_url)
    if request.method == "POST":
        try:
            with transaction.atomic():
                if not _lock_owners(request, workspace):
                    messages.error(request, NO_LONGER_OWNER)
                    return HttpResponseRedirect(list_url)
                membership.refresh_from_db(fields=["role"])
                if is_last_owner(membership):
                    messages.error(request, last_owner % username)
                    return HttpResponseRedirect(list_url)
                membership.delete()
        except Membership.DoesNotExist:
            messages.error(request, _("%s was removed meanwhile.") % username)
            return HttpResponseRedirect(list_url)
        except IntegrityError:
            messages.error(request, last_owner % username)
            return HttpResponseRedirect(list_url)
        messages.success(request, _("%s removed from the workspace.") % username)
        if membership.user_id == request.user.pk:
            return HttpResponseRedirect(reverse("home"))
        return HttpResponseRedirect(list_url)
    return confirm_page(
        request,
        workspace=workspace,
        title=_("Remove member"),
        question=_("Remove %(user)s from %(workspace)s?")
        % {"user": username, "workspace": workspace.name},
        submit_label=_("Remove"),
        cancel_url=list_url,
    )

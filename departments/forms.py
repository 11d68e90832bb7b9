"""Forms of the departments app: each `clean()` checks what the database also enforces.

Every form that creates something inside a workspace takes the workspace as a
keyword argument: choice fields only offer that workspace's objects, and
uniqueness within the workspace is checked here with a clear message (the
model's own unique check skips constraints on fields the form does not show).
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm, UsernameField
from django.db.models import Model, QuerySet
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from .models import (
    HEX_COLOR,
    KPI,
    DecisionRight,
    Department,
    GoalParticipant,
    InviteRole,
    KPIReading,
    Membership,
    Role,
    SharedGoal,
    Workspace,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def is_taken(queryset: QuerySet[Any], instance: Model, **lookup: Any) -> bool:
    """True when another row than `instance` in `queryset` matches `lookup`."""
    others = queryset.filter(**lookup)
    if instance.pk is not None:
        others = others.exclude(pk=instance.pk)
    return others.exists()


def percent_field(label: StrOrPromise) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=100,
        initial=0,
        widget=forms.NumberInput(attrs={"step": 1}),
    )


class DepartmentForm(forms.ModelForm[Department]):
    class Meta:
        model = Department
        fields = [
            "name",
            "short_name",
            "color",
            "recognised_for",
            "core_tasks",
            "strengths",
            "weaknesses",
            "contact",
        ]
        widgets = {
            "color": forms.TextInput(attrs={"type": "color"}),
            "recognised_for": forms.Textarea(attrs={"rows": 3}),
            "core_tasks": forms.Textarea(attrs={"rows": 3}),
            "strengths": forms.Textarea(attrs={"rows": 3}),
            "weaknesses": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.instance.workspace = workspace

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if not name:
            raise forms.ValidationError(_("Give the department a name."))
        if is_taken(self.workspace.departments.all(), self.instance, name__iexact=name):
            raise forms.ValidationError(_("A department with this name already exists."))
        return name

    def clean_color(self) -> str:
        color = str(self.cleaned_data["color"]).strip()
        if not re.match(HEX_COLOR, color):
            raise forms.ValidationError(_("Use a hex colour like #4C78A8."))
        return color


class DecisionRightForm(forms.ModelForm[DecisionRight]):
    class Meta:
        model = DecisionRight
        fields = ["area", "description", "status", "departments"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "departments": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.instance.workspace = workspace
        departments = self.fields["departments"]
        assert isinstance(departments, forms.ModelMultipleChoiceField)
        departments.queryset = workspace.departments.all()

    def clean_area(self) -> str:
        area = str(self.cleaned_data["area"]).strip()
        if is_taken(self.workspace.decision_rights.all(), self.instance, area__iexact=area):
            raise forms.ValidationError(_("This decision area is already recorded."))
        return area


class SharedGoalForm(forms.ModelForm[SharedGoal]):
    class Meta:
        model = SharedGoal
        fields = ["title", "why", "orchestrator", "status", "due_date"]
        widgets = {"why": forms.Textarea(attrs={"rows": 4}), "due_date": DATE_INPUT}
        help_texts = {"orchestrator": _("The department that keeps the goal moving.")}

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.instance.workspace = workspace
        orchestrator = self.fields["orchestrator"]
        assert isinstance(orchestrator, forms.ModelChoiceField)
        orchestrator.queryset = workspace.departments.all()

    def clean_title(self) -> str:
        title = str(self.cleaned_data["title"]).strip()
        if is_taken(self.workspace.goals.all(), self.instance, title__iexact=title):
            raise forms.ValidationError(_("A shared goal with this title already exists."))
        return title


class GoalParticipantForm(forms.ModelForm[GoalParticipant]):
    risk_share_pct = percent_field(_("Share of risk (%)"))
    reward_share_pct = percent_field(_("Share of reward (%)"))

    class Meta:
        model = GoalParticipant
        fields = ["department", "role", "risk_share_pct", "reward_share_pct"]

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        department = self.fields["department"]
        assert isinstance(department, forms.ModelChoiceField)
        department.queryset = workspace.departments.all()


ParticipantFormSet = inlineformset_factory(
    SharedGoal,
    GoalParticipant,
    form=GoalParticipantForm,
    extra=2,
    can_delete=True,
)


class KPIForm(forms.ModelForm[KPI]):
    class Meta:
        model = KPI
        fields = ["name", "unit", "baseline", "target", "direction"]

    def __init__(self, *args: Any, goal: SharedGoal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goal = goal
        self.instance.goal = goal

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if is_taken(self.goal.kpis.all(), self.instance, name__iexact=name):
            raise forms.ValidationError(_("This goal already has a KPI with this name."))
        return name


class KPIReadingForm(forms.ModelForm[KPIReading]):
    class Meta:
        model = KPIReading
        fields = ["date", "value", "note"]
        widgets = {"date": DATE_INPUT}

    def __init__(self, *args: Any, kpi: KPI, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kpi = kpi
        self.instance.kpi = kpi

    def clean_date(self) -> Any:
        date = self.cleaned_data["date"]
        if is_taken(self.kpi.readings.all(), self.instance, date=date):
            raise forms.ValidationError(
                _("There is already a reading on this date; edit that one instead.")
            )
        return date


class WorkspaceLanguageForm(forms.ModelForm[Workspace]):
    """The workspace's default language, for members whose browser asks for none of ours."""

    class Meta:
        model = Workspace
        fields = ["language"]


class MemberAddForm(forms.Form):
    """Add an existing user to the workspace by username."""

    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VIEWER)

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.user: Any = None

    def clean_username(self) -> str:
        username = str(self.cleaned_data["username"]).strip()
        user = get_user_model().objects.filter(username__iexact=username).first()
        if user is None:
            raise forms.ValidationError(_("No user has this username."))
        if self.workspace.memberships.filter(user=user).exists():
            raise forms.ValidationError(_("This user is already a member."))
        self.user = user
        return username


def is_last_owner(membership: Membership) -> bool:
    """True when `membership` is the only owner left of its workspace."""
    return (
        membership.role == Role.OWNER
        and not Membership.objects.filter(workspace_id=membership.workspace_id, role=Role.OWNER)
        .exclude(pk=membership.pk)
        .exists()
    )


LAST_OWNER = _("A workspace needs at least one owner: make someone else owner first.")


class MemberRoleForm(forms.ModelForm[Membership]):
    class Meta:
        model = Membership
        fields = ["role"]

    def clean_role(self) -> str:
        role = str(self.cleaned_data["role"])
        if role != Role.OWNER and is_last_owner(Membership.objects.get(pk=self.instance.pk)):
            raise forms.ValidationError(LAST_OWNER)
        return role


class InviteLinkForm(forms.Form):
    """What an invite link grants and for how long."""

    label = forms.CharField(label=_("Label"), max_length=120, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=InviteRole.choices, initial=InviteRole.VIEWER)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=90, initial=7)
    max_uses = forms.IntegerField(
        label=_("Maximum number of people"), min_value=1, max_value=500, initial=25
    )


class SignUpForm(UserCreationForm):  # type: ignore[type-arg]
    """A new account from an invite link: Django's password validators apply."""

    first_name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail"), help_text=_("For resetting your password if you forget it.")
    )

    class Meta:
        model = get_user_model()
        fields = ("username", "first_name", "email")
        field_classes = {"username": UsernameField}

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("An account with this e-mail exists already: log in instead.")
            )
        return email

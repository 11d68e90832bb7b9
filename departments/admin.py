"""Admin for workspaces, members, departments, decision rights and shared goals."""

from __future__ import annotations

from django.contrib import admin

from .models import (
    KPI,
    DecisionRight,
    Department,
    GoalParticipant,
    KPIReading,
    Membership,
    SharedGoal,
    Workspace,
)


class MembershipInline(admin.TabularInline[Membership, Workspace]):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin[Workspace]):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "workspace", "role"]
    list_filter = ["role", "workspace"]
    search_fields = ["user__username", "user__email", "workspace__name"]
    autocomplete_fields = ["user", "workspace"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin[Department]):
    list_display = ["name", "short_name", "color", "workspace", "contact"]
    list_filter = ["workspace"]
    search_fields = ["name", "short_name", "recognised_for", "core_tasks"]


@admin.register(DecisionRight)
class DecisionRightAdmin(admin.ModelAdmin[DecisionRight]):
    list_display = ["area", "status", "workspace"]
    list_filter = ["status", "workspace"]
    search_fields = ["area", "description"]
    filter_horizontal = ["departments"]


class GoalParticipantInline(admin.TabularInline[GoalParticipant, SharedGoal]):
    model = GoalParticipant
    extra = 0


class KPIInline(admin.TabularInline[KPI, SharedGoal]):
    model = KPI
    extra = 0
    show_change_link = True


@admin.register(SharedGoal)
class SharedGoalAdmin(admin.ModelAdmin[SharedGoal]):
    list_display = ["title", "status", "orchestrator", "due_date", "workspace"]
    list_filter = ["status", "workspace"]
    search_fields = ["title", "why"]
    inlines = [GoalParticipantInline, KPIInline]


class KPIReadingInline(admin.TabularInline[KPIReading, KPI]):
    model = KPIReading
    extra = 0


@admin.register(KPI)
class KPIAdmin(admin.ModelAdmin[KPI]):
    list_display = ["name", "goal", "unit", "baseline", "target", "direction"]
    list_filter = ["direction"]
    search_fields = ["name", "goal__title"]
    inlines = [KPIReadingInline]

"""Admin for maps and what is on them; history comes from django-simple-history."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from .forms import StepRulesForm
from .models import Handoff, Improvement, Lane, Map, MapChange, Stage, Step


class StageInline(admin.TabularInline[Stage, Map]):
    model = Stage
    extra = 0


class LaneInline(admin.TabularInline[Lane, Map]):
    model = Lane
    extra = 0


@admin.register(Map)
class MapAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ["name", "kind", "state", "workspace", "version", "updated_at"]
    list_filter = ["kind", "state", "workspace"]
    search_fields = ["name", "description"]
    inlines = [StageInline, LaneInline]
    raw_id_fields = ["based_on"]


@admin.register(Step)
class StepAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = [
        "title", "map", "lane", "stage", "process_time_minutes", "lead_time_minutes",
        "complete_accurate_pct", "emotion",
    ]  # fmt: skip
    list_filter = ["map__workspace", "map", "value_adding"]
    search_fields = ["title", "description", "touchpoint"]
    raw_id_fields = ["map", "lane", "stage"]
    # The same value rules as the editor: bounded times, text the database can store.
    form = StepRulesForm


@admin.register(Handoff)
class HandoffAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ["from_step", "to_step", "rework", "map"]
    list_filter = ["rework", "map__workspace"]
    search_fields = ["label", "from_step__title", "to_step__title"]
    raw_id_fields = ["map", "from_step", "to_step"]


@admin.register(Improvement)
class ImprovementAdmin(admin.ModelAdmin[Improvement]):
    list_display = ["title", "status", "impact", "effort", "owner", "map", "done_date"]
    list_filter = ["status", "workspace"]
    search_fields = ["title", "description", "owner"]
    raw_id_fields = ["map", "step"]


@admin.register(MapChange)
class MapChangeAdmin(admin.ModelAdmin[MapChange]):
    """The editor's change log (what undo and redo work on); read-only here."""

    list_display = ["created_at", "map", "user", "description", "undone"]
    list_filter = ["undone", "map__workspace"]
    search_fields = ["code", "legacy_description", "map__name", "user__username"]
    raw_id_fields = ["map", "user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: MapChange | None = None) -> bool:
        # Changing the log by hand would make undo restore the wrong state.
        return False

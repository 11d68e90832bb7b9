"""Admin for maps and what is on them; history comes from django-simple-history."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Handoff, Improvement, Lane, Map, Stage, Step


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

from django.urls import path

from .views import (
    analysis,
    dashboard,
    editor,
    eventlogs,
    exports,
    improvements,
    manager,
    maps,
    spreadsheets,
)

urlpatterns = [
    path("w/<slug:slug>/", maps.workspace_home, name="workspace_home"),
    path("w/<slug:slug>/dashboard/", dashboard.dashboard, name="dashboard"),
    path(
        "w/<slug:slug>/departments/<int:department_id>/",
        manager.department_detail,
        name="department_detail",
    ),
    path("w/<slug:slug>/decision-rights/", manager.decision_right_list, name="decision_right_list"),
    path(
        "w/<slug:slug>/decision-rights/<int:decision_right_id>/links/",
        manager.decision_right_links,
        name="decision_right_links",
    ),
    path("w/<slug:slug>/goals/<int:goal_id>/", manager.goal_detail, name="goal_detail"),
    path(
        "w/<slug:slug>/goals/<int:goal_id>/kpis/<int:kpi_id>/map-metric/",
        manager.kpi_map_metric_edit,
        name="kpi_map_metric_edit",
    ),
    path("w/<slug:slug>/maps/", maps.map_list, name="map_list"),
    path(
        "w/<slug:slug>/download/workspace.pptx",
        exports.workspace_deck_file,
        name="workspace_deck",
    ),
    path("w/<slug:slug>/maps/new/", maps.map_new, name="map_create"),
    path("w/<slug:slug>/maps/import/", maps.map_upload, name="map_import"),
    path(
        "w/<slug:slug>/maps/<int:map_id>/download.json",
        maps.map_download,
        name="map_download",
    ),
    path(
        "w/<slug:slug>/maps/<int:map_id>/download.<str:fmt>",
        exports.map_export_file,
        name="map_export",
    ),
    path("w/<slug:slug>/maps/<int:map_id>/delete/", maps.map_remove, name="map_delete"),
    path(
        "w/<slug:slug>/improvements/",
        improvements.improvement_list,
        name="improvement_list",
    ),
    path(
        "w/<slug:slug>/improvements/new/",
        improvements.improvement_create,
        name="improvement_create",
    ),
    path(
        "w/<slug:slug>/improvements/<int:improvement_id>/edit/",
        improvements.improvement_edit,
        name="improvement_edit",
    ),
    path(
        "w/<slug:slug>/improvements/<int:improvement_id>/status/",
        improvements.improvement_status,
        name="improvement_status",
    ),
    path(
        "w/<slug:slug>/maps/<int:map_id>/steps/<int:step_id>/improvement/",
        improvements.improvement_from_step_view,
        name="improvement_from_step",
    ),
    path("w/<slug:slug>/maps/<int:map_id>/", maps.map_detail, name="map_detail"),
    path("w/<slug:slug>/maps/compare/", eventlogs.map_compare, name="map_compare"),
    path(
        "w/<slug:slug>/maps/import/sheet/", spreadsheets.map_sheet_import, name="map_sheet_import"
    ),
    path(
        "w/<slug:slug>/maps/import/template.<str:fmt>",
        spreadsheets.map_sheet_template,
        name="map_sheet_template",
    ),
    path(
        "w/<slug:slug>/maps/<int:map_id>/steps.<str:fmt>",
        spreadsheets.map_sheet_download,
        name="map_sheet_download",
    ),
    path("w/<slug:slug>/eventlogs/", eventlogs.eventlog_list, name="eventlog_list"),
    path("w/<slug:slug>/eventlogs/upload/", eventlogs.eventlog_upload_view, name="eventlog_upload"),
    path(
        "w/<slug:slug>/eventlogs/<int:log_id>/", eventlogs.eventlog_detail, name="eventlog_detail"
    ),
    path(
        "w/<slug:slug>/eventlogs/<int:log_id>/progress/",
        eventlogs.eventlog_progress,
        name="eventlog_progress",
    ),
    path(
        "w/<slug:slug>/eventlogs/<int:log_id>/discover/",
        eventlogs.eventlog_discover,
        name="eventlog_discover",
    ),
    path(
        "w/<slug:slug>/maps/<int:map_id>/analysis.json",
        analysis.map_analysis_json,
        name="map_analysis_json",
    ),
]

# The swimlane editor: every URL below is under one map.
EDIT = "w/<slug:slug>/maps/<int:map_id>/"
urlpatterns += [
    path(EDIT + "edit/", editor.map_editor, name="map_editor"),
    path(EDIT + "present/", editor.map_present, name="map_present"),
    path(EDIT + "poll/", editor.map_poll, name="map_poll"),
    path(EDIT + "history/", editor.map_history, name="map_history"),
    path(EDIT + "undo/", editor.map_undo, name="map_undo"),
    path(EDIT + "redo/", editor.map_redo, name="map_redo"),
    path(EDIT + "future-state/", editor.map_future_state, name="map_future_state"),
    path(EDIT + "structure/", editor.structure_panel, name="map_structure"),
    path(EDIT + "steps/add/", editor.step_add_panel, name="step_add_panel"),
    path(EDIT + "steps/", editor.step_add, name="step_add"),
    path(EDIT + "steps/<int:step_id>/", editor.step_panel, name="step_panel"),
    path(EDIT + "steps/<int:step_id>/edit/", editor.step_edit, name="step_edit"),
    path(EDIT + "steps/<int:step_id>/move/", editor.step_move, name="step_move"),
    path(EDIT + "steps/<int:step_id>/delete/", editor.step_delete, name="step_delete"),
    path(EDIT + "handoffs/", editor.handoff_add, name="handoff_add"),
    path(EDIT + "handoffs/<int:handoff_id>/", editor.handoff_panel, name="handoff_panel"),
    path(EDIT + "handoffs/<int:handoff_id>/edit/", editor.handoff_edit, name="handoff_edit"),
    path(EDIT + "handoffs/<int:handoff_id>/delete/", editor.handoff_delete, name="handoff_delete"),
    path(EDIT + "stages/", editor.stage_add, name="stage_add"),
    path(EDIT + "stages/<int:stage_id>/", editor.stage_edit, name="stage_edit"),
    path(EDIT + "stages/<int:stage_id>/delete/", editor.stage_delete, name="stage_delete"),
    path(EDIT + "lanes/", editor.lane_add, name="lane_add"),
    path(EDIT + "lanes/<int:lane_id>/", editor.lane_edit, name="lane_edit"),
    path(EDIT + "lanes/<int:lane_id>/delete/", editor.lane_delete, name="lane_delete"),
]

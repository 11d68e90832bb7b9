from django.urls import path

from . import invite_views, views

# The department page, the decision-rights list and the goal page show what the
# maps say, so `valuestreams.urls` serves them (this app does not know maps).

urlpatterns = [
    path("", views.home, name="home"),
    path("w/<slug:slug>/departments/", views.department_list, name="department_list"),
    path("w/<slug:slug>/departments/new/", views.department_create, name="department_create"),
    path(
        "w/<slug:slug>/departments/<int:department_id>/edit/",
        views.department_edit,
        name="department_edit",
    ),
    path(
        "w/<slug:slug>/departments/<int:department_id>/delete/",
        views.department_delete,
        name="department_delete",
    ),
    path(
        "w/<slug:slug>/decision-rights/new/",
        views.decision_right_create,
        name="decision_right_create",
    ),
    path(
        "w/<slug:slug>/decision-rights/<int:decision_right_id>/edit/",
        views.decision_right_edit,
        name="decision_right_edit",
    ),
    path(
        "w/<slug:slug>/decision-rights/<int:decision_right_id>/delete/",
        views.decision_right_delete,
        name="decision_right_delete",
    ),
    path("w/<slug:slug>/goals/", views.goal_list, name="goal_list"),
    path("w/<slug:slug>/goals/new/", views.goal_create, name="goal_create"),
    path("w/<slug:slug>/goals/<int:goal_id>/edit/", views.goal_edit, name="goal_edit"),
    path("w/<slug:slug>/goals/<int:goal_id>/kpis/new/", views.kpi_create, name="kpi_create"),
    path(
        "w/<slug:slug>/goals/<int:goal_id>/kpis/<int:kpi_id>/edit/",
        views.kpi_edit,
        name="kpi_edit",
    ),
    path(
        "w/<slug:slug>/goals/<int:goal_id>/kpis/<int:kpi_id>/readings/new/",
        views.kpi_reading_create,
        name="kpi_reading_create",
    ),
    path("invite/<str:token>/", invite_views.invite_accept_view, name="invite_accept"),
    path("w/<slug:slug>/invites/", invite_views.invite_list, name="invite_list"),
    path(
        "w/<slug:slug>/invites/<int:invite_id>/revoke/",
        invite_views.invite_revoke_view,
        name="invite_revoke",
    ),
    path("w/<slug:slug>/members/", views.member_list, name="member_list"),
    path("w/<slug:slug>/language/", views.workspace_language, name="workspace_language"),
    path(
        "w/<slug:slug>/members/<int:membership_id>/",
        views.member_edit,
        name="member_edit",
    ),
    path(
        "w/<slug:slug>/members/<int:membership_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
]

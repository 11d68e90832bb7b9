from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("w/<slug:slug>/departments/", views.department_list, name="department_list"),
    path(
        "w/<slug:slug>/departments/<int:department_id>/",
        views.department_detail,
        name="department_detail",
    ),
    path("w/<slug:slug>/goals/", views.goal_list, name="goal_list"),
    path("w/<slug:slug>/goals/<int:goal_id>/", views.goal_detail, name="goal_detail"),
]

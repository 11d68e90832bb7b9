from django.urls import path

from . import views

urlpatterns = [
    path("w/<slug:slug>/personas/", views.persona_list, name="persona_list"),
    path("w/<slug:slug>/personas/new/", views.persona_create, name="persona_create"),
    path(
        "w/<slug:slug>/personas/<int:persona_id>/edit/",
        views.persona_edit,
        name="persona_edit",
    ),
]

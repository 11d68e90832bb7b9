from django.urls import path

from .views import maps

urlpatterns = [
    path("w/<slug:slug>/", maps.workspace_home, name="workspace_home"),
    path("w/<slug:slug>/maps/", maps.map_list, name="map_list"),
    path("w/<slug:slug>/maps/<int:map_id>/", maps.map_detail, name="map_detail"),
]

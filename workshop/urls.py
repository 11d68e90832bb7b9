from django.urls import path

from .views import live, share

MAP = "w/<slug:slug>/maps/<int:map_id>/"
urlpatterns = [
    path(MAP + "stream/", live.map_stream, name="map_stream"),
    path(MAP + "share/", share.share_list, name="share_list"),
    path(MAP + "share/<int:share_id>/revoke/", share.share_revoke, name="share_revoke"),
    path("s/<str:token>/", share.share_map, name="share_map"),
    path("s/<str:token>/present/", share.share_present, name="share_present"),
    path("s/<str:token>/poll/", share.share_poll, name="share_poll"),
    path("s/<str:token>/stream/", live.share_stream, name="share_stream"),
]

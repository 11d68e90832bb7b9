from django.urls import path

from .views import live, room, share

MAP = "w/<slug:slug>/maps/<int:map_id>/"
urlpatterns = [
    path(MAP + "stream/", live.map_stream, name="map_stream"),
    path(MAP + "share/", share.share_list, name="share_list"),
    path(MAP + "share/<int:share_id>/revoke/", share.share_revoke, name="share_revoke"),
    path(MAP + "workshop/", room.workshop_room, name="workshop_room"),
    path(MAP + "workshop/state.json", room.workshop_state_json, name="workshop_state"),
    path(MAP + "presence/", room.presence_beat, name="presence_beat"),
    path(MAP + "presence/leave/", room.presence_leave, name="presence_leave"),
    path(MAP + "votes/", room.vote_start, name="vote_start"),
    path(MAP + "votes/<int:vote_id>/close/", room.vote_close, name="vote_close"),
    path(MAP + "votes/<int:vote_id>/dots/", room.vote_dot, name="vote_dot"),
    path(
        MAP + "votes/<int:vote_id>/improvements/",
        room.vote_improvements,
        name="vote_improvements",
    ),
    path(MAP + "comments/", room.comment_add, name="comment_add"),
    path(MAP + "comments/<int:comment_id>/resolve/", room.comment_resolve, name="comment_resolve"),
    path("w/<slug:slug>/mentions/", room.my_mentions, name="my_mentions"),
    path("s/<str:token>/", share.share_map, name="share_map"),
    path("s/<str:token>/present/", share.share_present, name="share_present"),
    path("s/<str:token>/poll/", share.share_poll, name="share_poll"),
    path("s/<str:token>/stream/", live.share_stream, name="share_stream"),
]

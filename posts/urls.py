from django.urls import path

from posts import feeds, views

app_name = "posts"

urlpatterns = [
    path("compose/", views.compose, name="create"),
    path("@<username:username>/<id:pk>/", views.detail, name="detail"),
    path("posts/<id:pk>/reply/", views.reply_form, name="reply"),
    path("posts/<id:pk>/delete/", views.delete, name="delete"),
    path("posts/<id:pk>/like/", views.like, name="like"),
    path("posts/<id:pk>/repost/", views.repost, name="repost"),
    path("posts/<id:pk>/pin/", views.pin, name="pin"),
    path("tags/<tag:tag>/", views.tag, name="tag"),
    path("@<username:username>/feed.rss", feeds.ProfileFeed.as_view(), name="profile_rss"),
    path("@<username:username>/feed.atom", feeds.ProfileAtomFeed.as_view(), name="profile_atom"),
    path("tags/<tag:tag>/feed.rss", feeds.TagFeed.as_view(), name="tag_rss"),
    path("tags/<tag:tag>/feed.atom", feeds.TagAtomFeed.as_view(), name="tag_atom"),
    path("industries/<slug:slug>/feed.rss", feeds.IndustryFeed.as_view(), name="industry_rss"),
    path(
        "industries/<slug:slug>/feed.atom", feeds.IndustryAtomFeed.as_view(), name="industry_atom"
    ),
    path("attachments/<id:pk>/full", views.attachment, {"variant": "full"}, name="attachment"),
    path("attachments/<id:pk>/", views.attachment_view, name="attachment_view"),
    path(
        "attachments/<id:pk>/preview",
        views.attachment,
        {"variant": "preview"},
        name="attachment_preview",
    ),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/unread/", views.unread_count, name="unread_count"),
]

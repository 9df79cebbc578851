from django.urls import path

from posts import views

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

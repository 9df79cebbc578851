from django.urls import path

from conversations import views

app_name = "conversations"

urlpatterns = [
    path("messages/", views.conversations, name="list"),
    path("messages/new/", views.start, name="start"),
    path("messages/unread/", views.unread_count, name="unread_count"),
    path("messages/<id:pk>/", views.conversation, name="detail"),
    path("messages/<id:pk>/newer/", views.newer, name="newer"),
]

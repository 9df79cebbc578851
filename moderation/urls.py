from django.urls import path

from moderation import views

app_name = "moderation"

urlpatterns = [
    path("report/post/<id:post_id>/", views.report_post, name="report_post"),
    path("report/@<username:username>/", views.report_user, name="report_user"),
]

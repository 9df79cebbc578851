from django.urls import path

from follows import views

app_name = "follows"

urlpatterns = [
    path("home/new/", views.home_new, name="home_new"),
    path("home/newer/", views.home_newer, name="home_newer"),
    path("public/", views.public, name="public"),
    path("people/", views.people, name="people"),
    path("people/suggested/", views.suggested, name="suggested"),
    path("industries/", views.industries, name="industries"),
    path("industries/<slug:slug>/", views.industry, name="industry"),
    path("follow-requests/", views.follow_requests, name="requests"),
    path(
        "follow-requests/<username:username>/accept/",
        views.follow_request_answer,
        {"answer": "accept"},
        name="request_accept",
    ),
    path(
        "follow-requests/<username:username>/reject/",
        views.follow_request_answer,
        {"answer": "reject"},
        name="request_reject",
    ),
    path("@<username:username>/follow/", views.follow, name="follow"),
    path("@<username:username>/unfollow/", views.unfollow, name="unfollow"),
    path("@<username:username>/followers/", views.followers, name="followers"),
    path("@<username:username>/following/", views.following, name="following"),
]

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

# Included at "" in microblog/urls.py: the profile lives at /@<username>/ and settings at
# /settings/, beside the sign-in pages under /accounts/.
urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/pending/", views.pending, name="pending"),
    path("accounts/password/reset/", views.password_reset, name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("settings/", views.settings_index, name="settings"),
    path("settings/profile/", views.settings_profile, name="settings_profile"),
    path("settings/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "settings/password/changed/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("settings/data/", views.data, name="data"),
    path("settings/data/export.json", views.export_json, name="export_json"),
    path("settings/data/export.csv", views.export_csv, name="export_csv"),
    path("settings/data/delete/", views.delete_account, name="delete"),
    path("settings/blocks/", views.settings_blocks, name="blocks"),
    path("@<username:username>/block/", views.block, name="block"),
    path("@<username:username>/unblock/", views.unblock, name="unblock"),
    path("@<username:username>/mute/", views.mute, name="mute"),
    path("@<username:username>/unmute/", views.unmute, name="unmute"),
    path("me/", views.me, name="me"),
    path("@<username:username>/", views.profile, name="profile"),
]

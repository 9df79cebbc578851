from django.urls import path

from accounts import views

app_name = "accounts"

# Included at "" in microblog/urls.py: the profile lives at /@<username>/ and settings at
# /settings/, beside the sign-in pages under /accounts/.
urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/pending/", views.pending, name="pending"),
    path("settings/", views.settings_index, name="settings"),
    path("settings/profile/", views.settings_profile, name="settings_profile"),
    path("settings/credits/", views.settings_credits, name="credits"),
    path("settings/privacy/", views.settings_privacy, name="privacy"),
    path("settings/data/", views.data, name="data"),
    path("settings/data/export.json", views.export_json, name="export_json"),
    path("settings/data/export.csv", views.export_csv, name="export_csv"),
    path("settings/data/export.zip", views.export_zip, name="export_zip"),
    path("settings/data/delete/", views.delete_account, name="delete"),
    path("settings/blocks/", views.settings_blocks, name="blocks"),
    path("@<username:username>/block/", views.block, name="block"),
    path("@<username:username>/unblock/", views.unblock, name="unblock"),
    path("@<username:username>/mute/", views.mute, name="mute"),
    path("@<username:username>/unmute/", views.unmute, name="unmute"),
    path("me/", views.me, name="me"),
    path("@<username:username>/", views.profile, name="profile"),
]

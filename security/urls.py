from django.contrib.auth import views as auth_views
from django.urls import path

from security import views

app_name = "security"

# Included at "" in microblog/urls.py, beside accounts: signing in under /accounts/, the
# password and security settings under /settings/.
urlpatterns = [
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/login/verify/", views.login_verify, name="login_verify"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/reset/", views.password_reset, name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="security/password_reset_done.html"),
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
            template_name="security/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("settings/security/", views.settings_security, name="settings"),
    path("settings/security/confirm/", views.password_confirm, name="password_confirm"),
    path("settings/security/totp/begin/", views.totp_begin, name="totp_begin"),
    path("settings/security/totp/", views.totp_setup, name="totp_setup"),
    path("settings/security/recovery-codes/", views.recovery_codes_new, name="recovery_codes"),
    path("settings/security/off/", views.two_factor_off, name="two_factor_off"),
    path("settings/security/keys/<id:key_id>/remove/", views.key_remove, name="key_remove"),
    path(
        "settings/security/sessions/<id:session_id>/logout/",
        views.session_logout,
        name="session_logout",
    ),
    path(
        "settings/security/sessions/logout-others/",
        views.sessions_logout_others,
        name="sessions_logout_others",
    ),
    path("settings/email/", views.email_change, name="email"),
    path("settings/email/cancel/", views.email_change_cancel, name="email_cancel"),
    path("settings/email/confirm/<str:token>/", views.email_confirm, name="email_confirm"),
    path("settings/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "settings/password/changed/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="security/password_change_done.html"
        ),
        name="password_change_done",
    ),
]

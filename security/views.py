"""Signing in and out, and the password's pages."""

from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse_lazy

from core.ratelimit import client_ip
from security import services
from security.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "security/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 422
        return response


login_view = LoginView.as_view()


def login_locked_out(request, response=None, credentials=None):
    """django-axes calls this when an address or account has failed to log in too often."""
    form = LoginForm(request, initial={"username": (credentials or {}).get("username", "")})
    context = {"form": form, "locked_out": True, "next": request.POST.get("next", "")}
    return render(request, "security/login.html", context, status=429)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "security/password_change.html"
    success_url = reverse_lazy("security:password_change_done")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "security/password_reset.html"
    success_url = reverse_lazy("security:password_reset_done")

    def form_valid(self, form):
        services.password_reset_request(
            email=form.cleaned_data["email"],
            address=client_ip(self.request),
            request=self.request,
            use_https=self.request.is_secure(),
        )
        return HttpResponseRedirect(self.get_success_url())


password_reset = PasswordResetView.as_view()


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "security/password_reset_confirm.html"
    success_url = reverse_lazy("security:password_reset_complete")

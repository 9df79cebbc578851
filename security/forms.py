from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from core.forms import NoColonLabels, PasswordForm


class LoginForm(NoColonLabels, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That username or email and password do not match. Passwords are "
        "case-sensitive.",
        "suspended": "This account is suspended.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Username"
        self.fields["username"].help_text = "Or the email address you signed up with."
        # Django limits this field to the username's 30 characters; emails are longer.
        self.fields["username"].max_length = 254
        self.fields["username"].widget.attrs["maxlength"] = 254
        self.fields["username"].validators.append(MaxLengthValidator(254))

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.is_suspended:
            raise ValidationError(self.error_messages["suspended"], code="suspended")


class CodeForm(NoColonLabels, forms.Form):
    """The second step of signing in, and the code that proves an authenticator app works."""

    code = forms.CharField(
        label="Code",
        max_length=40,
        strip=True,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "off"}
        ),
        error_messages={"required": "Enter the code."},
    )


class SetupCodeForm(CodeForm):
    """The code that proves a new authenticator app works (recovery codes come after)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = "The 6-digit code your authenticator app shows now."


class TwoFactorOffForm(PasswordForm):
    """Turning two-factor authentication off takes the password and a current code."""

    code = CodeForm.base_fields["code"]


class EmailChangeForm(PasswordForm):
    """A new email address, and the password: whoever has the session alone cannot move the
    account (and its password resets) to an address of theirs."""

    email = forms.EmailField(
        label="New email address",
        max_length=254,
        help_text="We send a link to it; your address changes when you open the link.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Enter the new address.",
            "invalid": "Enter an email address such as name@example.com.",
        },
    )
    field_order = ["email", "password"]

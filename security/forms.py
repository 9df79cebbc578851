from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from core.forms import NoColonLabels


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

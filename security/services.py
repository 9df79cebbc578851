"""Writes about signing in: password resets."""

from django.contrib.auth.forms import PasswordResetForm

from core.ratelimit import counted, per_address


@counted("password_reset", per_address("address"))
def password_reset_request(*, email: str, address: str, request=None, use_https=False) -> None:
    """Email a password-reset link to the account with this address, if there is one (the page
    says the same either way). Counts against the "password_reset" rate limit of the address the
    request comes from. The link is built for the site `request` came to."""
    form = PasswordResetForm({"email": email})
    if form.is_valid():
        form.save(
            request=request,
            use_https=use_https,
            email_template_name="security/email/password_reset.txt",
            subject_template_name="security/email/password_reset_subject.txt",
        )

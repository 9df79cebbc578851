"""The accounts app's work after the response (django.tasks; see core.tasks)."""

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task

from accounts.models import User


@task
def approval_email_send(user_id: int) -> None:
    """Tell a person a moderator let their account in. A failed send raises, and the worker
    tries again later (core.tasks)."""
    user = User.objects.filter(pk=user_id).exclude(email="").first()
    if user is None:
        return
    send_mail(
        subject=f"Your {settings.SITE_NAME} account is approved",
        message=(
            f"Hello {user.username},\n\nA moderator approved your account. "
            "You can log in and start posting now.\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )

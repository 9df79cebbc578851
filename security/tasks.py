"""The security app's emails, sent after the response (django.tasks; see core.tasks): a failed
send raises and the worker tries again later. Links with tokens are made when the email goes, so
no token waits in the queue."""

from django.tasks import task

from security import services


@task
def login_alert_send(user_id: int, failures: int) -> None:
    services.login_alert_send(user_id=user_id, failures=failures)


@task
def password_reset_send(email: str, domain: str, use_https: bool) -> None:
    services.password_reset_send(email=email, domain=domain, use_https=use_https)


@task
def email_change_link_send(user_id: int, site_url: str) -> None:
    services.email_change_link_send(user_id=user_id, site_url=site_url)


@task
def email_changed_send(user_id: int, old: str) -> None:
    services.email_changed_send(user_id=user_id, old=old)

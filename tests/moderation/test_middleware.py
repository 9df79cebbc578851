from django.urls import reverse

from moderation.services import user_suspend, user_unsuspend
from tests.factories import PASSWORD


def test_a_suspended_person_cannot_log_in(client, moderator, maya):
    user_suspend(moderator=moderator, user=maya, reason="Spam")

    response = client.post(reverse("security:login"), {"username": "maya", "password": PASSWORD})

    assert "This account is suspended." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_suspension_ends_open_sessions_at_once(client, moderator, maya, reporter):
    client.force_login(maya)
    url = reverse("moderation:report_user", args=[reporter.username])
    assert client.get(url).status_code == 200

    user_suspend(moderator=moderator, user=maya, reason="Spam")

    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("security:login"))
    assert "_auth_user_id" not in client.session
    home = client.get(reverse("home")).content.decode()
    assert "Your account is suspended." in home


def test_unsuspended_person_can_log_in_again(client, moderator, maya):
    user_suspend(moderator=moderator, user=maya, reason="Spam")
    user_unsuspend(moderator=moderator, user=maya, reason="Appeal")

    response = client.post(reverse("security:login"), {"username": "maya", "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(maya.pk)

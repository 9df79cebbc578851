import pytest

from accounts.models import Invite, SiteSettings
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = UserFactory(username="boss", is_staff=True, is_superuser=True)
    client.force_login(admin)
    client.user = admin
    return client


def test_admin_changes_the_registration_mode_without_a_deploy(admin_client, client):
    assert admin_client.get("/admin/accounts/sitesettings/")["Location"] == (
        "/admin/accounts/sitesettings/1/change/"
    )

    admin_client.post(
        "/admin/accounts/sitesettings/1/change/",
        {"registration_mode": "closed", "closed_message": "Full up."},
    )

    assert SiteSettings.load().registration_mode == "closed"
    admin_client.logout()
    assert "Full up." in client.get("/accounts/signup/").content.decode()


def test_admin_creates_an_invite_link(admin_client):
    response = admin_client.post(
        "/admin/accounts/invite/add/",
        {"code": "welcome-friends-2026", "note": "for the LA crew", "max_uses": "5"},
    )

    assert response.status_code == 302
    invite = Invite.objects.get()
    assert invite.created_by == admin_client.user
    assert invite.max_uses == 5
    page = admin_client.get(f"/admin/accounts/invite/{invite.pk}/change/").content.decode()
    assert "/accounts/signup/?invite=welcome-friends-2026" in page


def test_pending_accounts_are_listed_for_moderators(admin_client):
    UserFactory(username="newcomer", awaiting_approval=True)

    content = admin_client.get("/admin/accounts/user/?awaiting_approval__exact=1").content.decode()

    assert "newcomer" in content


def test_moderators_can_remove_an_avatar(
    admin_client, django_capture_on_commit_callbacks, stored_files
):
    from accounts import avatars, services
    from tests.accounts.images import image_upload

    person = UserFactory()
    services.profile_update(
        user=person, fields={}, avatar_images=avatars.avatar_images(image_upload("PNG"))
    )

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/accounts/user/",
            {"action": "remove_avatar", "_selected_action": [person.pk]},
        )

    person.refresh_from_db()
    assert not person.avatar
    assert stored_files() == []

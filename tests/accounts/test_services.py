import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from accounts import avatars, services
from accounts.models import Invite, SiteSettings, User
from follows.models import Follow
from posts.models import Post
from tests.accounts.images import image_upload
from tests.factories import InviteFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def set_mode(mode: str) -> None:
    SiteSettings.objects.update_or_create(pk=1, defaults={"registration_mode": mode})


def signup(**kwargs) -> User:
    values = {
        "username": "newbie",
        "email": "newbie@example.com",
        "password": "a long pass 42",
        "address": "203.0.113.9",
    }
    return services.user_signup(**{**values, **kwargs})


def test_open_signup_creates_an_approved_account_with_hashed_password():
    user = signup()

    assert not user.awaiting_approval
    assert user.check_password("a long pass 42")
    assert user.password != "a long pass 42"


def test_approval_mode_creates_a_pending_account():
    set_mode("approval")

    assert signup().awaiting_approval


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("closed", "Sign-ups are closed on this server for now."),
        ("invite", "This server is invite only. Ask a member for an invite link."),
    ],
)
def test_closed_and_invite_only_modes_refuse_sign_up_without_an_invite(mode, message):
    set_mode(mode)

    with pytest.raises(services.SignupClosed) as refused:
        signup()

    assert str(refused.value) == message
    assert not User.objects.exists()


@pytest.mark.parametrize("mode", ["open", "approval", "invite", "closed"])
def test_an_invite_lets_people_in_approved_in_every_mode_and_counts_the_use(mode):
    set_mode(mode)
    invite = InviteFactory(max_uses=1)

    user = signup(invite=invite)

    assert not user.awaiting_approval
    assert user.invite == invite
    invite.refresh_from_db()
    assert invite.uses == 1


def test_a_used_up_invite_is_refused_in_invite_only_mode():
    set_mode("invite")
    invite = InviteFactory(max_uses=1, uses=1)

    with pytest.raises(services.SignupClosed) as refused:
        signup(invite=invite)

    assert str(refused.value) == "That invite link has expired or has been used up."


def test_the_last_use_of_an_invite_cannot_be_taken_twice():
    set_mode("invite")
    invite = InviteFactory(max_uses=1)
    stale_copy = Invite.objects.get(pk=invite.pk)
    signup(invite=invite)

    with pytest.raises(services.SignupClosed):
        signup(username="second", email="second@example.com", invite=stale_copy)
    assert User.objects.count() == 1


def test_invalid_username_is_refused_by_the_service_too():
    with pytest.raises(ValidationError) as error:
        signup(username="<script>")

    assert error.value.message_dict["username"] == ["Use 1-30 letters, digits or underscores."]


def test_approving_lets_the_person_in_and_emails_them(django_capture_on_commit_callbacks):
    pending = UserFactory(awaiting_approval=True)

    with django_capture_on_commit_callbacks(execute=True):
        services.user_approve(user=pending)

    pending.refresh_from_db()
    assert not pending.awaiting_approval
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [pending.email]
    assert "approved" in mail.outbox[0].subject


def test_profile_update_replaces_the_avatar_and_deletes_the_old_files(
    django_capture_on_commit_callbacks, stored_files
):
    user = UserFactory()
    first = avatars.avatar_images(image_upload("PNG"))
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_update(user=user, fields={}, avatar_images=first)
    old_files = stored_files()
    assert old_files == sorted([user.avatar.name, user.avatar_thumbnail.name])

    second = avatars.avatar_images(image_upload("JPEG"))
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_update(user=user, fields={"location": "Berlin"}, avatar_images=second)

    user.refresh_from_db()
    assert user.location == "Berlin"
    assert stored_files() == sorted([user.avatar.name, user.avatar_thumbnail.name])
    assert not set(old_files) & set(stored_files())


def test_profile_update_refuses_invalid_values_and_stores_no_files(stored_files):
    user = UserFactory()
    images = avatars.avatar_images(image_upload("PNG"))

    with pytest.raises(ValidationError) as error:
        services.profile_update(user=user, fields={"bio": "x" * 161}, avatar_images=images)

    assert "bio" in error.value.message_dict
    assert stored_files() == []


def test_profile_update_can_remove_the_avatar(django_capture_on_commit_callbacks, stored_files):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_update(
            user=user, fields={}, avatar_images=avatars.avatar_images(image_upload("GIF"))
        )
        services.profile_update(user=user, fields={}, remove_avatar=True)

    user.refresh_from_db()
    assert not user.avatar and not user.avatar_thumbnail
    assert stored_files() == []


def test_deleting_an_account_removes_posts_follows_and_avatar_files(
    django_capture_on_commit_callbacks, stored_files
):
    user, friend = UserFactory(), UserFactory()
    PostFactory.create_batch(3, author=user)
    friends_post = PostFactory(author=friend)
    Follow.objects.create(follower=user, followee=friend)
    Follow.objects.create(follower=friend, followee=user)
    services.profile_update(
        user=user, fields={}, avatar_images=avatars.avatar_images(image_upload("PNG"))
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.user_delete(user=user)

    assert not User.objects.filter(pk=user.pk).exists()
    assert list(Post.objects.all()) == [friends_post]
    assert not Follow.objects.exists()
    assert stored_files() == []

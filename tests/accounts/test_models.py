from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from accounts.models import Invite, SiteSettings, User
from tests.factories import InviteFactory, UserFactory
from tests.plans import plan

pytestmark = pytest.mark.django_db


def test_initials_come_from_the_display_name_or_username():
    assert User(username="maya", display_name="Maya Okafor").initials == "MO"
    assert User(username="maya", display_name="Maya").initials == "M"
    assert User(username="jonas_w", display_name="").initials == "J"
    assert User(username="x1", display_name="<script> alert").initials == "A"


def test_avatar_colour_is_stable_per_username_and_differs_between_people():
    assert User(username="Maya").avatar_colour == User(username="maya").avatar_colour
    assert User(username="maya").avatar_colour != User(username="jonas").avatar_colour
    assert User(username="maya").avatar_colour.startswith("#")
    assert len(User(username="maya").avatar_colour) == 7


def test_active_people_exclude_suspended_deactivated_and_pending():
    visible = UserFactory()
    UserFactory(suspended_at=timezone.now())
    UserFactory(is_active=False)
    UserFactory(awaiting_approval=True)

    assert list(User.objects.visible()) == [visible]


def test_emails_are_unique_ignoring_case_but_many_people_may_have_none():
    UserFactory(email="Maya@Example.com")
    UserFactory(email="")
    UserFactory(email="")

    with pytest.raises(IntegrityError):
        UserFactory(email="maya@example.com")


def test_site_settings_is_one_row_created_on_first_use():
    assert SiteSettings.load().registration_mode == "open"
    assert SiteSettings.load().pk == 1
    assert SiteSettings.objects.count() == 1
    with pytest.raises(IntegrityError):
        SiteSettings.objects.create(pk=2)


def test_invite_codes_are_random_and_usable_until_used_up_or_expired():
    invite = InviteFactory(max_uses=2)
    assert len(invite.code) >= 16 and invite.code != InviteFactory().code
    assert invite.is_usable

    invite.uses = 2
    assert not invite.is_usable
    assert not InviteFactory(expires_at=timezone.now() - timedelta(minutes=1)).is_usable
    assert InviteFactory(max_uses=None, uses=1000).is_usable
    assert set(Invite.objects.usable()) == {i for i in Invite.objects.all() if i.is_usable}


def test_invite_uses_cannot_exceed_its_maximum_in_the_database():
    with pytest.raises(IntegrityError):
        InviteFactory(max_uses=1, uses=2)


def test_people_are_found_by_username_and_email_in_any_letter_case_through_the_indexes():
    """Profiles, mentions, follows, reports and logins look people up case-insensitively; each
    lookup probes the unique index on lower(username) or lower(email) instead of reading every
    account (username__iexact compared UPPER() of both sides, which no index serves)."""
    UserFactory(username="Priya_R", email="Priya@Example.org")
    UserFactory(username="ben", email="")

    assert User.objects.named("priya_r").get().username == "Priya_R"
    assert sorted(u.username for u in User.objects.named("PRIYA_R", "Ben", "nobody")) == [
        "Priya_R",
        "ben",
    ]
    assert User.objects.with_email("priya@example.ORG").get().username == "Priya_R"
    assert not User.objects.with_email("").exists()

    assert "accounts_user_username_ci_unique" in plan(User.objects.named("priya_r"))
    assert "accounts_user_email_ci_unique" in plan(User.objects.with_email("priya@example.org"))

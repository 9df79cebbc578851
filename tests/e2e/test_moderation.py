"""The moderation panel in a browser: suspending people, removing and restoring posts, merging
industries. The report journey is test_journey_5_moderation.py."""

import re
from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from follows.services import follow_create
from posts.models import Post
from posts.services import post_create
from tests.e2e.helpers import log_in
from tests.factories import UserFactory

# Browser tests flush the database after each test, which takes the Moderators group (made by a
# data migration) with it; the migration's own function makes it again.
create_moderators_group = import_module("moderation.migrations.0002_moderators_group").create_group


@pytest.fixture
def people(db):
    create_moderators_group(apps, None)
    maya = UserFactory(username="maya")
    jonas = UserFactory(username="jonas")
    follow_create(follower=jonas, followee=maya)
    post = post_create(author=maya, text="Buy followers cheap at spam.example #deals")
    moderator = UserFactory(username="mod_ria", is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    return {"maya": maya, "post": post, "jonas": jonas, "moderator": moderator}


def test_a_moderator_suspends_people_from_the_user_list(page, people):
    log_in(page, "mod_ria", admin=True)
    page.goto(page.base_url + "/admin/accounts/user/")

    page.get_by_role("checkbox", name="Select this object for an action - maya").check()
    page.get_by_role("combobox", name="Action").select_option(label="Suspend selected users")
    page.get_by_role("button", name="Run").click()

    expect(page.get_by_role("heading", name="Suspend people")).to_be_visible()
    expect(page.get_by_text("@maya", exact=True)).to_be_visible()
    page.get_by_label("Reason").fill("Spam account")
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_text("Suspended 1 person(s).")).to_be_visible()
    people["maya"].refresh_from_db()
    assert people["maya"].is_suspended

    page.get_by_role("link", name="Suspended", exact=True).click()
    expect(page.get_by_role("row", name=re.compile(r"\bmaya\b"))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(r"\bjonas\b"))).to_have_count(0)


def test_a_moderator_removes_and_restores_a_post_from_the_post_list(page, people):
    log_in(page, "mod_ria", admin=True)
    page.get_by_role("link", name="Posts", exact=True).last.click()

    page.get_by_role("checkbox", name=re.compile("Select this object.*Buy followers")).check()
    page.get_by_role("combobox", name="Action").select_option(label="Remove selected posts")
    page.get_by_role("button", name="Run").click()
    page.get_by_label("Reason").fill("Spam")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Removed 1 post(s).")).to_be_visible()

    page.get_by_role("link", name="Removed by moderators").click()
    page.get_by_role("checkbox", name=re.compile("Select this object.*Buy followers")).check()
    page.get_by_role("combobox", name="Action").select_option(label="Restore selected posts")
    page.get_by_role("button", name="Run").click()
    expect(page.get_by_text("They come back exactly as they were.")).to_be_visible()
    page.get_by_role("button", name="No, take me back").click()  # admin's cancel.js under our CSP
    expect(page.get_by_role("link", name="Removed by moderators")).to_be_visible()
    assert not Post.objects.visible().exists()


def test_an_admin_merges_two_industries(page, people):
    from accounts.models import Industry

    admin = UserFactory(username="owner", is_staff=True, is_superuser=True)
    sound = Industry.objects.create(name="Sound work", slug="sound-work")
    Industry.objects.get_or_create(name="Music", defaults={"slug": "music"})
    people["maya"].industry = sound
    people["maya"].save()
    log_in(page, admin.username, admin=True)
    page.goto(page.base_url + "/admin/accounts/industry/")

    page.get_by_role("checkbox", name="Select this object for an action - Sound work").check()
    page.get_by_role("combobox", name="Action").select_option(
        label="Merge selected industries into another"
    )
    page.get_by_role("button", name="Run").click()
    expect(page.get_by_text("Sound work (1 member)")).to_be_visible()
    page.get_by_label("Merge into").select_option(label="Music")
    page.get_by_label("Reason").fill("Duplicate of Music")
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_text("Merged Sound work into Music: 1 profile moved.")).to_be_visible()
    people["maya"].refresh_from_db()
    assert people["maya"].industry.name == "Music"

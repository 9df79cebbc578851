"""Pictures in a real browser: chosen in the compose box, each described, posted without a page
load; a follower sees them with their alt text, in the room kept for them, and opens one full
size in a dialog that Escape closes."""

import pytest
from playwright.sync_api import expect

from follows.services import follow_create
from posts.models import Post
from tests.accounts.images import image_bytes
from tests.e2e.helpers import log_in, log_out, screenshot
from tests.factories import UserFactory
from tests.posts.sounds import mp3_with_tags

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_pictures_with_descriptions_reach_a_follower(page, tmp_path):
    maya = UserFactory(username="maya", display_name="Maya")
    follow_create(follower=UserFactory(username="theo"), followee=maya)
    desk = tmp_path / "desk.jpg"
    desk.write_bytes(image_bytes("JPEG", size=(1600, 900), colour=(30, 60, 120)))
    rack = tmp_path / "rack.png"
    rack.write_bytes(image_bytes("PNG", size=(600, 800), colour=(180, 120, 40)))

    log_in(page, "maya")
    page.evaluate("window.__noReload = 'still here'")
    page.get_by_label("Add media").set_input_files([desk, rack])
    descriptions = page.get_by_label("Description")
    expect(descriptions).to_have_count(2)
    descriptions.nth(0).fill("The mixing desk at night")
    descriptions.nth(1).fill("Outboard rack, two compressors")
    page.get_by_label("What are you doing?").fill("New room is ready")
    page.get_by_role("button", name="Post", exact=True).click()

    card = page.locator("#timeline article").first
    expect(card.get_by_role("img", name="The mixing desk at night")).to_be_visible()
    expect(card.get_by_role("img", name="Outboard rack, two compressors")).to_be_visible()
    expect(page.get_by_label("Description")).to_have_count(0)  # a fresh box
    assert page.evaluate("window.__noReload") == "still here"
    post = Post.objects.get(author=maya)
    assert [a.description for a in post.attachments.all()] == [
        "The mixing desk at night",
        "Outboard rack, two compressors",
    ]

    log_out(page)
    log_in(page, "theo")
    picture = page.get_by_role("img", name="The mixing desk at night")
    expect(picture).to_be_visible()
    expect(picture).to_have_attribute("width", "800")
    expect(picture).to_have_attribute("height", "450")
    screenshot(page, "media-card")

    page.get_by_role("link", name="The mixing desk at night").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    full = dialog.get_by_role("img", name="The mixing desk at night")
    expect(full).to_have_attribute("width", "1600")
    expect(full).to_have_js_property("naturalWidth", 1600)  # the full size, loaded
    screenshot(page, "media-lightbox")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_role("link", name="The mixing desk at night")).to_be_focused()


def test_a_refused_file_is_named_and_the_other_stays(page, tmp_path):
    UserFactory(username="maya")
    good = tmp_path / "good.png"
    good.write_bytes(image_bytes("PNG"))
    fake = tmp_path / "fake.png"
    fake.write_bytes(b"this is a text file, renamed\n" * 20)

    log_in(page, "maya")
    page.get_by_label("What are you doing?").fill("Kept text")
    page.expected_statuses.add(422)
    page.get_by_label("Add media").set_input_files([good, fake])

    expect(page.get_by_role("alert")).to_contain_text(
        "fake.png: That file is not a picture (JPEG, PNG, WebP or GIF) or a sound clip"
    )
    expect(page.get_by_label("Description")).to_have_count(1)
    expect(page.get_by_label("What are you doing?")).to_have_value("Kept text")


def test_a_sound_clip_is_posted_and_a_follower_plays_it(page, tmp_path):
    maya = UserFactory(username="maya", display_name="Maya")
    follow_create(follower=UserFactory(username="theo"), followee=maya)
    reel = tmp_path / "reel4.mp3"
    reel.write_bytes(mp3_with_tags())

    log_in(page, "maya")
    page.get_by_label("Add media").set_input_files(reel)
    expect(page.get_by_text("Sound clip, 0:02")).to_be_visible()
    page.get_by_label("Description").fill("Dialogue edit, reel 4")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator("#timeline article audio")).to_have_count(1)

    log_out(page)
    log_in(page, "theo")
    card = page.locator("#timeline article").first
    expect(card).to_contain_text("Dialogue edit, reel 4")
    expect(card).to_contain_text("0:02")
    audio = card.locator("audio")
    expect(audio).to_have_accessible_description("Dialogue edit, reel 4")
    screenshot(page, "media-audio")
    # The player's own play button, pressed as a person would (a script may not start sound).
    audio.focus()
    page.keyboard.press("Space")
    played = audio.evaluate(
        """audio => new Promise(resolve => {
            const check = () => audio.currentTime > 0.2 ? resolve(audio.currentTime) : null;
            audio.addEventListener("timeupdate", check);
            check();
        })"""
    )
    assert played > 0.2

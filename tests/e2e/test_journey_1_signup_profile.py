"""Journey 1: a visitor signs up from the landing page, fills in the profile (industry, location,
avatar, open to collaborate) and sees it as others will."""

import re

from PIL import Image
from playwright.sync_api import expect

from tests.e2e.helpers import screenshot


def avatar_file(tmp_path):
    photo = tmp_path / "me.png"
    image = Image.new("RGB", (600, 400), (30, 120, 200))
    image.paste((250, 200, 0), (200, 100, 400, 300))
    image.save(photo)
    return photo


def test_sign_up_fill_in_the_profile_and_see_it(page, tmp_path):
    page.goto(page.base_url + "/")
    expect(page.get_by_role("heading", name="What are you working on?")).to_be_visible()
    screenshot(page, "journey-1-landing")
    page.get_by_role("main").get_by_role("link", name="Sign up").click()

    expect(page).to_have_url(page.base_url + "/accounts/signup/")
    expect(page.get_by_role("heading", name="Sign up")).to_be_visible()
    page.get_by_label("Username").fill("nadia_sound")
    page.get_by_label("Email").fill("nadia@example.com")
    page.get_by_label("Password", exact=True).fill("foley and field recordings")
    page.get_by_label("Password confirmation").fill("foley and field recordings")
    page.get_by_role("button", name="Sign up").click()

    expect(page).to_have_url(page.base_url + "/settings/profile/")
    expect(page.get_by_text("Welcome! Tell people who you are")).to_be_visible()
    page.get_by_label("Display name").fill("Nadia Haddad")
    page.get_by_label("Bio").fill("Field recordist and sound editor. Foley, ambiences, dialogue.")
    page.get_by_label("Industry").select_option(label="Audio and sound design")
    page.get_by_label("Location").fill("Marseille")
    page.get_by_label("Website").fill("https://nadia.example")
    page.get_by_label("Avatar").set_input_files(avatar_file(tmp_path))
    page.get_by_label("Open to collaborate").check()
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Profile").click()

    expect(page).to_have_url(page.base_url + "/@nadia_sound/")
    expect(page.get_by_role("heading", name="Nadia Haddad")).to_be_visible()
    expect(page.get_by_role("link", name="Audio and sound design")).to_have_attribute(
        "href", "/industries/audio-and-sound-design/"
    )
    expect(page.get_by_text("Marseille")).to_be_visible()
    expect(page.get_by_text("Field recordist and sound editor.")).to_be_visible()
    expect(page.get_by_text("Open to collaborate")).to_be_visible()
    avatar = page.get_by_role("img", name="Nadia Haddad")
    expect(avatar).to_have_attribute("src", re.compile(r"^/media/avatars/[0-9a-f]{32}\.webp$"))
    expect(avatar).to_have_js_property("naturalWidth", 400)
    # A profile without posts says so.
    expect(page.get_by_text("No posts yet.")).to_be_visible()
    expect(page.get_by_role("link", name="Profile", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    screenshot(page, "journey-1-profile")

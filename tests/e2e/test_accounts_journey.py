import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.factories import PostFactory, UserFactory


def test_sign_up_fill_profile_upload_avatar_and_see_it_on_the_profile(page, live_server, tmp_path):
    photo = tmp_path / "me.png"
    image = Image.new("RGB", (600, 400), (30, 120, 200))
    image.paste((250, 200, 0), (200, 100, 400, 300))
    image.save(photo)

    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("Username").fill("nadia_sound")
    page.get_by_label("Email").fill("nadia@example.com")
    page.get_by_label("Password", exact=True).fill("foley and field recordings")
    page.get_by_label("Password confirmation").fill("foley and field recordings")
    page.get_by_role("button", name="Sign up").click()

    expect(page).to_have_url(live_server.url + "/settings/profile/")
    expect(page.get_by_text("Welcome! Tell people who you are")).to_be_visible()
    page.get_by_label("Display name").fill("Nadia Haddad")
    page.get_by_label("Bio").fill("Field recordist and sound editor.")
    page.get_by_label("Industry").select_option(label="Audio and sound design")
    page.get_by_label("Location").fill("Marseille")
    page.get_by_label("Website").fill("https://nadia.example")
    page.get_by_label("Avatar").set_input_files(photo)
    page.get_by_label("Open to collaborate").check()
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Profile").click()

    expect(page).to_have_url(live_server.url + "/@nadia_sound/")
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


def test_load_more_appends_older_posts_without_reloading(page, live_server):
    author = UserFactory(username="prolific")
    posts = [PostFactory(author=author, text=f"Post number {n}") for n in range(25)]

    page.goto(live_server.url + "/@prolific/")
    expect(page.locator(".post-card")).to_have_count(20)
    page.evaluate("window.notReloaded = true")
    page.get_by_role("link", name="Load more").click()

    expect(page.locator(".post-card")).to_have_count(25)
    expect(page.get_by_text(posts[0].text, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Load more")).to_have_count(0)
    assert page.evaluate("window.notReloaded") is True


@pytest.fixture
def page_expecting_422(context, live_server):
    """Like the strict `page` fixture, except that a 422 (a form sent back with its errors, by
    design) is not an error."""
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "status of 422" not in msg.text
            else None
        ),
    )
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}") if r.status >= 400 and r.status != 422 else None
        ),
    )
    page.set_default_timeout(10_000)
    yield page
    assert not errors, f"the browser reported errors: {errors}"


def test_a_file_that_is_not_an_image_is_refused_beside_the_avatar_field(
    page_expecting_422, live_server, tmp_path
):
    page = page_expecting_422
    fake = tmp_path / "holiday.png"
    fake.write_text("this is a text file wearing a .png name")
    UserFactory(username="careful")
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("careful@example.com")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + "/settings/profile/")

    page.get_by_label("Location").fill("Lyon")
    page.get_by_label("Avatar").set_input_files(fake)
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("That file is not a JPEG, PNG, WebP or GIF image.")).to_be_visible()
    expect(page.get_by_label("Location")).to_have_value("Lyon")
    assert page.evaluate("window.notReloaded") is True

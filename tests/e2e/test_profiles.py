"""Profiles in a browser: older posts load in place; a bad avatar is refused beside its field."""

from playwright.sync_api import expect

from tests.factories import PostFactory, UserFactory


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


def test_a_file_that_is_not_an_image_is_refused_beside_the_avatar_field(
    page, live_server, tmp_path
):
    page.expected_statuses.add(422)  # the form comes back with its error, by design
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

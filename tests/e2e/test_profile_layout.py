"""The profile header at a phone's width and a desktop's: the name is not broken a word a line,
Follow is the one button in sight and the rarer actions (Mute, Block, Report) are in a menu;
roles and credits sit under the bio."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from accounts.services import credit_create
from tests.e2e.helpers import log_in, screenshot
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(("width", "name"), [(375, "phone"), (1280, "desktop")])
def test_the_profile_header_at_a_phone_and_a_desktop(page, width, name):
    UserFactory(username="leo")
    priya = UserFactory(
        username="priya_raman_sound",
        display_name="Priya Raman-Lindqvist",
        bio="Dialogue editor and foley walker. Room tone collector.",
        location="London",
    )
    priya.roles.set(Role.objects.filter(slug__in=["dialogue-editor", "foley-artist"]))
    credit_create(user=priya, title="Night Shift", role="Dialogue editor", year=2024)
    page.set_viewport_size({"width": width, "height": 800})

    log_in(page, "leo")
    page.goto(page.base_url + "/@priya_raman_sound/")

    heading = page.get_by_role("heading", name="Priya Raman-Lindqvist")
    line_height = heading.evaluate("h => parseFloat(getComputedStyle(h).lineHeight)")
    assert heading.bounding_box()["height"] < 2.5 * line_height  # at most two lines
    expect(page.get_by_role("button", name="Follow Priya Raman-Lindqvist")).to_be_visible()
    expect(page.get_by_role("button", name="Block Priya Raman-Lindqvist")).to_be_hidden()
    expect(page.get_by_role("link", name="Dialogue editor")).to_be_visible()
    expect(page.get_by_text("Night Shift")).to_be_visible()
    screenshot(page, f"profile-{name}")

    page.get_by_label("More actions for Priya Raman-Lindqvist").click()
    expect(page.get_by_role("button", name="Block Priya Raman-Lindqvist")).to_be_visible()
    expect(page.get_by_role("button", name="Mute Priya Raman-Lindqvist")).to_be_visible()

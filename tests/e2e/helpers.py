"""What the journeys share: logging in and out through the pages, and saving screenshots."""

import os
from pathlib import Path

from playwright.sync_api import expect

from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
# The README's pictures are refreshed on purpose (UPDATE_SCREENSHOTS=1 make test ARGS=tests/e2e):
# an ordinary run writes them under test-results/, so it never dirties the checkout (a picture
# with a clock in it would differ on every run).
SCREENSHOTS = (
    ROOT / "docs" / "screenshots"
    if os.environ.get("UPDATE_SCREENSHOTS")
    else ROOT / "test-results" / "screenshots"
)


def log_in(page, username: str, *, admin: bool = False) -> None:
    # The admin sends visitors to the site's own login, which comes back to it.
    page.goto(page.base_url + ("/admin/" if admin else "/accounts/login/"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    if not admin:
        expect(page.get_by_role("heading", name="Home", exact=True)).to_be_visible()


def log_out(page) -> None:
    page.context.clear_cookies()


def screenshot(page, name: str, *, full_page: bool = False) -> None:
    """Save what the person sees as <name>.png (see SCREENSHOTS). A blinking caret would make the
    same page give different pictures, so a focused text field loses focus first. (Playwright's
    own caret and animation options inject a style, which our CSP refuses.)"""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate(
        "document.activeElement && document.activeElement.matches('input, textarea')"
        " && document.activeElement.blur()"
    )
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=full_page, caret="initial")

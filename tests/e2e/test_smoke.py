from playwright.sync_api import expect


def test_visitor_opens_landing_page_and_follows_sign_up_link(page, live_server):
    page.goto(live_server.url + "/")

    expect(page.get_by_role("heading", name="What are you working on?")).to_be_visible()
    page.get_by_role("main").get_by_role("link", name="Sign up").click()

    expect(page).to_have_url(live_server.url + "/accounts/signup/")
    expect(page.get_by_role("heading", name="Sign up")).to_be_visible()
    expect(page.get_by_label("Username")).to_be_visible()

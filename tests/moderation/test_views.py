from urllib.parse import quote

import pytest
from django.urls import reverse

from moderation.models import Report
from moderation.services import post_remove, user_suspend
from tests.factories import UserFactory

HTMX = {"HTTP_HX_REQUEST": "true"}
THANKS = "Thanks — a moderator will look at this."


@pytest.fixture
def jonas_client(client, reporter):
    client.force_login(reporter)
    return client


def post_url(post):
    return reverse("moderation:report_post", args=[post.pk])


def user_url(person):
    return reverse("moderation:report_user", args=[person.username])


def test_report_urls():
    assert reverse("moderation:report_post", args=[7]) == "/report/post/7/"
    assert reverse("moderation:report_user", args=["maya"]) == "/report/@maya/"


def test_anonymous_people_are_sent_to_log_in(client, maya, maya_post):
    """The form's page comes back after logging in; a form sent from elsewhere (its `next`)
    returns there."""
    login = reverse("security:login")
    for url in (post_url(maya_post), user_url(maya)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{login}?next={quote(url)}"
        response = client.post(url, {"category": "spam", "next": "/@maya/"})
        assert response.status_code == 302
        assert response["Location"] == f"{login}?next={quote('/@maya/')}"
        response = client.post(url, {"category": "spam", "next": "https://evil.example/"})
        assert response["Location"] == f"{login}?next=/"
    assert Report.objects.count() == 0


def test_the_report_page_shows_the_post_and_the_form(jonas_client, maya_post):
    response = jonas_client.get(post_url(maya_post), {"next": "/@maya/"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" in content
    assert "Report a post" in content
    assert "Buy followers cheap at spam.example" in content
    for label in ("Spam", "Abuse or harassment", "Illegal content", "Other", "Comment"):
        assert label in content
    assert "Send report" in content
    assert 'name="next" value="/@maya/"' in content
    assert "{#" not in content and "#}" not in content  # no template comment leaks


def test_htmx_gets_the_form_fragment(jonas_client, maya):
    response = jonas_client.get(user_url(maya), **HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert 'hx-post="/report/@maya/"' in content
    assert "Send report" in content


def test_plain_post_reports_and_redirects_back_with_a_message(jonas_client, reporter, maya_post):
    response = jonas_client.post(
        post_url(maya_post), {"category": "spam", "comment": "Link farm", "next": "/@maya/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/@maya/"
    report = Report.objects.get()
    assert (report.reporter, report.post, report.category, report.comment) == (
        reporter,
        maya_post,
        "spam",
        "Link farm",
    )
    follow = jonas_client.get("/")
    assert THANKS in follow.content.decode()


def test_plain_post_never_redirects_off_site(jonas_client, maya):
    response = jonas_client.post(
        user_url(maya), {"category": "abuse", "next": "https://evil.example/"}
    )

    assert response["Location"] == "/"


def test_htmx_post_answers_with_the_confirmation_fragment(jonas_client, maya):
    response = jonas_client.post(user_url(maya), {"category": "abuse", "comment": ""}, **HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert THANKS in content
    assert Report.objects.get().user == maya


def test_bad_input_comes_back_with_messages_and_what_was_typed(jonas_client, maya):
    response = jonas_client.post(user_url(maya), {"comment": "x" * 1001}, **HTMX)

    content = response.content.decode()
    assert response.status_code == 422
    assert "Choose what is wrong." in content
    assert "Keep the comment to 1000 characters (it has 1001)." in content
    assert "x" * 1001 in content
    assert Report.objects.count() == 0


def test_a_duplicate_report_is_refused_with_a_clear_message(jonas_client, maya, user_report):
    response = jonas_client.post(user_url(maya), {"category": "spam"})

    assert response.status_code == 422
    assert "You have already reported this person; a moderator will look at it." in (
        response.content.decode()
    )
    assert Report.objects.count() == 1


def test_nobody_reports_themselves(client, maya, maya_post):
    client.force_login(maya)

    own_post = client.post(post_url(maya_post), {"category": "spam"})
    own_profile = client.post(user_url(maya), {"category": "spam"})

    assert own_post.status_code == own_profile.status_code == 422
    assert "You cannot report your own post." in own_post.content.decode()
    assert "You cannot report yourself." in own_profile.content.decode()
    assert Report.objects.count() == 0


def test_removed_posts_and_suspended_people_cannot_be_reported(
    jonas_client, moderator, maya, maya_post
):
    post_remove(moderator=moderator, post=maya_post, reason="Spam")
    assert jonas_client.get(post_url(maya_post)).status_code == 404

    user_suspend(moderator=moderator, user=maya, reason="Spam")
    assert jonas_client.get(user_url(maya)).status_code == 404
    assert jonas_client.get(reverse("moderation:report_user", args=["nobody"])).status_code == 404


def test_usernames_match_case_insensitively(jonas_client, maya):
    assert jonas_client.get(reverse("moderation:report_user", args=["MAYA"])).status_code == 200


def test_reports_are_rate_limited(jonas_client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report": "2/1h"}
    people = [UserFactory() for _ in range(3)]

    assert jonas_client.post(user_url(people[0]), {"category": "spam"}).status_code == 302
    assert jonas_client.post(user_url(people[1]), {"category": "spam"}).status_code == 302
    refused = jonas_client.post(user_url(people[2]), {"category": "spam"}, **HTMX)

    assert refused.status_code == 429
    assert refused["HX-Retarget"] == "#flash"
    assert Report.objects.count() == 2
    # Looking at the form is not counted.
    assert jonas_client.get(user_url(people[2])).status_code == 200


def test_the_report_link_partial_offers_a_report_to_others_only(rf, reporter, maya, maya_post):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    request = rf.get("/tags/deals/")

    def render(viewer, **context):
        request.user = viewer
        return render_to_string(
            "moderation/partials/report_link.html", {"user": viewer, **context}, request
        )

    link = render(reporter, post=maya_post)
    assert f'href="/report/post/{maya_post.pk}/?next=/tags/deals/"' in link
    assert f'hx-get="/report/post/{maya_post.pk}/?next=/tags/deals/"' in link
    assert ">Report</a>" in link
    assert 'href="/report/@maya/?next=/tags/deals/"' in render(reporter, person=maya)
    assert "Report" not in render(maya, post=maya_post)  # your own post
    assert "Report" not in render(maya, person=maya)  # yourself
    assert "Report" not in render(AnonymousUser(), post=maya_post)


def test_post_cards_and_profiles_offer_a_report_link_to_others(jonas_client, maya, maya_post):
    permalink = jonas_client.get(f"/@maya/{maya_post.pk}/").content.decode()
    profile = jonas_client.get("/@maya/").content.decode()

    assert f'href="/report/post/{maya_post.pk}/?next=' in permalink
    assert 'href="/report/@maya/?next=' in profile


def test_nobody_is_offered_a_report_of_their_own_post_or_profile(client, maya, maya_post):
    client.force_login(maya)

    assert "/report/" not in client.get(f"/@maya/{maya_post.pk}/").content.decode()
    assert "/report/" not in client.get("/@maya/").content.decode()

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from tests.factories import FollowFactory, UserFactory

pytestmark = pytest.mark.django_db


def render(source, **context):
    request = RequestFactory().get("/@jonas/")
    request.user = context.get("user")
    return Template("{% load follows_tags %}" + source).render(
        Context({**context, "request": request})
    )


def test_follow_button_tag_knows_whether_the_viewer_follows(django_assert_num_queries):
    maya, jonas = UserFactory(), UserFactory(username="jonas", display_name="Jonas")
    FollowFactory(follower=maya, followee=jonas)

    with django_assert_num_queries(1):
        html = render("{% follow_button person %}", person=jonas, user=maya)

    assert 'action="/@jonas/unfollow/"' in html and "Unfollow Jonas" in html


def test_follow_counts_tag_counts_both_ways():
    maya, jonas = UserFactory(), UserFactory(username="jonas")
    FollowFactory(follower=maya, followee=jonas)

    html = render("{% follow_counts person %}", person=jonas, user=maya)

    assert 'data-followers-count="jonas">1<' in html
    assert 'data-following-count="jonas">0<' in html
    assert 'href="/@jonas/followers/"' in html

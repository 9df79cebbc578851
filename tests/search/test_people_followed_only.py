"""People search narrowed to the people the searcher follows (the client API's
accounts/search with following=true)."""

import pytest

from search.query import parse
from search.selectors import matching_people
from tests.factories import FollowFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_followed_only_finds_the_people_i_follow_among_the_matches():
    maya = UserFactory()
    followed, other = UserFactory(username="mixer_one"), UserFactory(username="mixer_two")
    FollowFactory(follower=maya, followee=followed)

    everyone = matching_people(viewer=maya, query=parse("mixer"))
    mine = matching_people(viewer=maya, query=parse("mixer"), followed_only=True)

    assert {person.pk for person in everyone.items} == {followed.pk, other.pk}
    assert [person.pk for person in mine.items] == [followed.pk]

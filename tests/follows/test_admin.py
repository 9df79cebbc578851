import pytest

from tests.factories import FollowFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_moderators_can_search_follows(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    FollowFactory(follower=UserFactory(username="spammer"), followee=UserFactory(username="maya"))
    FollowFactory(follower=UserFactory(username="leo"), followee=UserFactory(username="jonas"))

    response = client.get("/admin/follows/follow/?q=spammer")

    content = response.content.decode()
    assert response.status_code == 200
    assert "spammer" in content and "jonas" not in content

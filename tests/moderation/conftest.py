import pytest
from django.contrib.auth.models import Group

from moderation.models import Report
from tests.factories import PostFactory, UserFactory


@pytest.fixture
def moderator(db):
    """Staff in the Moderators group that the migration creates: what an instance owner sets up."""
    person = UserFactory(username="mod_ria", is_staff=True)
    person.groups.add(Group.objects.get(name="Moderators"))
    return person


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def maya(db):
    return UserFactory(username="maya")


@pytest.fixture
def maya_post(maya):
    return PostFactory(author=maya, text="Buy followers cheap at spam.example")


@pytest.fixture
def reporter(db):
    return UserFactory(username="jonas")


@pytest.fixture
def post_report(reporter, maya_post):
    return Report.objects.create(
        reporter=reporter, post=maya_post, category=Report.Category.SPAM, comment="Pure spam"
    )


@pytest.fixture
def user_report(reporter, maya):
    return Report.objects.create(
        reporter=reporter, user=maya, category=Report.Category.ABUSE, comment="Harasses me"
    )

import pytest
from django.test import Client

from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def leo():
    """The account whose security the tests look after (password: tests.factories.PASSWORD)."""
    return UserFactory(username="leo", email="leo@example.com", password=PASSWORD)


@pytest.fixture
def leo_client(leo):
    """Leo's browser, signed in."""
    client = Client()
    client.force_login(leo)
    return client

import csv
import io
import json

import pytest
from django.utils import timezone

from accounts.models import User
from follows.models import Follow
from posts.models import Like, Post
from tests.factories import PASSWORD, LikeFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_your_data_page_needs_login(client, db):
    assert client.get("/settings/data/")["Location"] == "/accounts/login/?next=/settings/data/"
    assert client.get("/settings/data/export.json").status_code == 302
    assert client.post("/settings/data/delete/").status_code == 302


def test_your_data_page_offers_downloads_and_deletion(client_logged_in):
    content = client_logged_in.get("/settings/data/").content.decode()

    assert 'href="/settings/data/export.json"' in content
    assert 'href="/settings/data/export.csv"' in content
    assert ">Delete my account</button>" in content


def test_json_download_has_profile_posts_and_follows(client_logged_in):
    me = client_logged_in.user
    me.bio = "<b>bold</b> bio"
    me.save()
    friend = UserFactory(username="zed")
    Follow.objects.create(follower=me, followee=friend)
    PostFactory(author=me, text="first")
    PostFactory(author=me, text="second")
    PostFactory(author=friend, text="not mine")

    response = client_logged_in.get("/settings/data/export.json")

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="{me.username}-')
    data = json.loads(response.content)
    assert data["profile"]["username"] == me.username
    assert data["profile"]["bio"] == "<b>bold</b> bio"
    assert [post["text"] for post in data["posts"]] == ["first", "second"]
    assert data["following"] == ["zed"]


def test_csv_download_has_one_row_per_post_and_defuses_formulas(client_logged_in):
    PostFactory(author=client_logged_in.user, text="hello, world")
    PostFactory(author=client_logged_in.user, text='=HYPERLINK("http://evil")')

    response = client_logged_in.get("/settings/data/export.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["text"] for row in rows] == ["hello, world", '\'=HYPERLINK("http://evil")']


def test_deleting_the_account_needs_the_password(client_logged_in):
    response = client_logged_in.post("/settings/data/delete/", {"password": "wrong"})

    assert response.status_code == 422
    assert "That password is not right." in response.content.decode()
    assert User.objects.filter(pk=client_logged_in.user.pk).exists()


def test_deleting_the_account_removes_everything_and_logs_out(client_logged_in):
    me = client_logged_in.user
    other = UserFactory()
    PostFactory.create_batch(2, author=me)
    PostFactory(author=me, removed_at=timezone.now())
    Follow.objects.create(follower=me, followee=other)
    Follow.objects.create(follower=other, followee=me)
    others_post = PostFactory(author=other)
    LikeFactory(user=me, post=others_post)
    LikeFactory(user=other, post=others_post)

    response = client_logged_in.post("/settings/data/delete/", {"password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == "/"
    assert "Your account and everything in it are deleted." in response.content.decode()
    assert not response.context["user"].is_authenticated
    assert not User.objects.filter(pk=me.pk).exists()
    assert not Post.objects.filter(author_id=me.pk).exists()
    assert not Follow.objects.exists()
    assert list(Like.objects.values_list("user_id", flat=True)) == [other.pk]
    assert client_logged_in.get(f"/@{me.username}/").status_code == 404

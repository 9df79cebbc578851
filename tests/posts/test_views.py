import re
import uuid

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from posts import services
from posts.models import Like, Notification, Post
from tests.data.hostile import SENDABLE_PAYLOADS
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/"}


def compose(client, text, **extra):
    data = {"text": text, "client_token": str(uuid.uuid4()), **extra}
    return client.post(reverse("posts:create"), data, **(HTMX if extra.pop("htmx", False) else {}))


# Posting ----------------------------------------------------------------------------------------


def test_home_shows_the_compose_box_with_counter_patterns(client_logged_in):
    content = client_logged_in.get("/").content.decode()

    assert '<label for="compose-form-text">What are you doing?</label>' in content
    assert 'hx-post="/compose/"' in content and 'hx-target="#timeline"' in content
    assert 'data-url-pattern="[Hh][Tt][Tt][Pp][Ss]?://' in content
    assert 'id="timeline"' in content
    assert ">Post</button>" in content


def test_compose_page_works_without_javascript(client_logged_in):
    response = client_logged_in.get("/compose/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "What are you doing?" in content and 'method="post" action="/compose/"' in content
    assert "hx-post" not in content.split('id="compose-form"')[1].split(">")[0]


def test_plain_post_redirects_home(client_logged_in):
    response = compose(client_logged_in, "Bouncing stems")

    assert response.status_code == 302 and response.url == "/"
    assert Post.objects.get().text == "Bouncing stems"


def test_htmx_post_returns_the_card_and_a_fresh_form_out_of_band(client_logged_in):
    response = client_logged_in.post(
        reverse("posts:create"),
        {"text": "Printing the mix", "client_token": str(uuid.uuid4())},
        **HTMX,
    )

    content = response.content.decode()
    post = Post.objects.get()
    assert response.status_code == 200
    assert "<html" not in content
    assert f'id="post-{post.pk}"' in content and "Printing the mix" in content
    assert 'id="compose-form"' in content and 'hx-swap-oob="true"' in content
    fresh_box = re.search(r"<textarea[^>]*>(.*?)</textarea>", content, re.S).group(1)
    assert fresh_box.strip() == ""
    assert "post-created" in response["HX-Trigger"]


def test_too_long_post_comes_back_with_text_and_error(client_logged_in):
    text = "x" * 141

    response = client_logged_in.post(
        reverse("posts:create"), {"text": text, "client_token": str(uuid.uuid4())}, **HTMX
    )

    content = response.content.decode()
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#compose-form"
    assert response["HX-Reswap"] == "outerHTML"
    assert text in content
    assert "Posts can be at most 140 characters; this one has 141." in content
    assert 'class="char-counter is-over"' in content and ">-1<" in content
    assert Post.objects.count() == 0


def test_plain_refused_post_rerenders_the_page_with_text_and_error(client_logged_in):
    response = compose(client_logged_in, "   ")

    content = response.content.decode()
    assert response.status_code == 200
    assert "Write something first." in content
    assert "<html" in content


def test_double_submit_of_one_form_makes_one_post(client_logged_in):
    data = {"text": "Just once", "client_token": str(uuid.uuid4())}

    client_logged_in.post(reverse("posts:create"), data)
    client_logged_in.post(reverse("posts:create"), data)

    assert Post.objects.count() == 1


def test_anonymous_cannot_post(client, db):
    response = client.post(reverse("posts:create"), {"text": "hi"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("security:login"))
    assert Post.objects.count() == 0


def test_anonymous_htmx_post_is_sent_to_login(client, db):
    response = client.post(reverse("posts:create"), {"text": "hi"}, **HTMX)

    assert response["HX-Redirect"] == "/accounts/login/?next=/"
    assert Post.objects.count() == 0


def test_posting_is_rate_limited(client_logged_in, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "post": "2/1h"}

    compose(client_logged_in, "one")
    compose(client_logged_in, "two")
    response = compose(client_logged_in, "three")

    assert response.status_code == 429
    assert "too many times" in response.content.decode()
    assert Post.objects.count() == 2


# Replies and the permalink ----------------------------------------------------------------------


def test_reply_box_on_the_permalink_is_prefilled_with_the_author(client_logged_in):
    post = PostFactory(author=UserFactory(username="maya"))

    content = client_logged_in.get(reverse("posts:detail", args=["maya", post.pk])).content
    content = content.decode()

    assert "@maya </textarea>" in content
    assert 'hx-target="#replies"' in content
    assert f'name="in_reply_to" value="{post.pk}"' in content


def test_htmx_reply_returns_card_for_the_replies(client_logged_in):
    post = PostFactory(author=UserFactory(username="maya"))

    response = compose(client_logged_in, "@maya nice", in_reply_to=post.pk, htmx=True)

    reply = Post.objects.get(in_reply_to=post)
    content = response.content.decode()
    assert f'id="post-{reply.pk}"' in content
    assert f'id="reply-form-{post.pk}"' in content and 'hx-swap-oob="true"' in content
    assert Notification.objects.get().kind == "reply"


def test_plain_reply_redirects_to_the_conversation(client_logged_in):
    post = PostFactory(author=UserFactory(username="maya"))

    response = compose(client_logged_in, "Agreed", in_reply_to=post.pk)

    assert response.url == f"/@maya/{post.pk}/"


def test_anonymous_cannot_reply(client, db):
    post = PostFactory()

    response = client.post(reverse("posts:create"), {"text": "hi", "in_reply_to": post.pk})

    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert Post.objects.count() == 1


def test_permalink_shows_conversation_above_and_replies_below(client, db):
    root = PostFactory(text="Root post")
    middle = PostFactory(text="Middle post", in_reply_to=root)
    leaf = PostFactory(text="Leaf post", in_reply_to=middle)
    PostFactory(text="Unrelated post")

    response = client.get(reverse("posts:detail", args=[middle.author.username, middle.pk]))

    content = response.content.decode().split('id="main"')[1]
    assert content.index("Root post") < content.index("Middle post") < content.index("Leaf post")
    assert "Unrelated post" not in content
    assert f'id="post-{leaf.pk}"' in content


def test_permalink_with_wrong_username_is_404_and_wrong_case_redirects(client, db):
    post = PostFactory(author=UserFactory(username="Maya"))

    assert client.get(f"/@someone/{post.pk}/").status_code == 404
    response = client.get(f"/@maya/{post.pk}/")
    assert response.status_code == 301 and response.url == f"/@Maya/{post.pk}/"


def test_removed_post_permalink_is_404(client, db):
    post = PostFactory(removed_at=timezone.now())

    assert client.get(f"/@{post.author.username}/{post.pk}/").status_code == 404


# Deleting ---------------------------------------------------------------------------------------


def test_delete_confirmation_page_then_delete(client_logged_in):
    post = PostFactory(author=client_logged_in.user, text="Oops")

    page = client_logged_in.get(reverse("posts:delete", args=[post.pk]))
    assert "Delete this post?" in page.content.decode()

    response = client_logged_in.post(reverse("posts:delete", args=[post.pk]))
    assert response.status_code == 302
    assert not Post.objects.exists()


def test_htmx_delete_answers_empty_so_the_card_disappears(client_logged_in):
    post = PostFactory(author=client_logged_in.user)

    response = client_logged_in.post(reverse("posts:delete", args=[post.pk]), **HTMX)

    assert response.status_code == 200 and response.content == b""
    assert not Post.objects.exists()


def test_others_cannot_delete(client_logged_in):
    post = PostFactory()

    assert client_logged_in.post(reverse("posts:delete", args=[post.pk])).status_code == 403
    assert client_logged_in.get(reverse("posts:delete", args=[post.pk])).status_code == 403
    assert client_logged_in.post(reverse("posts:delete", args=[99999])).status_code == 404
    assert Post.objects.filter(pk=post.pk).exists()


def test_anonymous_cannot_delete(client, db):
    post = PostFactory()

    response = client.post(reverse("posts:delete", args=[post.pk]))

    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert Post.objects.exists()


def test_card_offers_delete_only_to_the_author(client_logged_in):
    mine = PostFactory(author=client_logged_in.user)
    theirs = PostFactory()

    mine_page = client_logged_in.get(f"/@{mine.author.username}/{mine.pk}/").content.decode()
    theirs_page = client_logged_in.get(f"/@{theirs.author.username}/{theirs.pk}/").content.decode()

    assert 'hx-confirm="Delete this post?"' in mine_page
    assert "hx-confirm" not in theirs_page


# Likes and reposts ------------------------------------------------------------------------------


def test_htmx_like_returns_the_pressed_button_with_count(client_logged_in):
    post = PostFactory()

    response = client_logged_in.post(
        reverse("posts:like", args=[post.pk]), {"state": "on", "next": "/"}, **HTMX
    )

    content = response.content.decode()
    assert 'aria-pressed="true"' in content and '<span class="count">1</span>' in content
    assert 'name="state" value="off"' in content
    assert "<html" not in content
    assert Like.objects.filter(post=post, user=client_logged_in.user).exists()


def test_repeated_like_request_does_not_undo_itself(client_logged_in):
    post = PostFactory()
    url = reverse("posts:like", args=[post.pk])

    client_logged_in.post(url, {"state": "on"})
    client_logged_in.post(url, {"state": "on"})

    assert Like.objects.count() == 1
    client_logged_in.post(url, {"state": "off"})
    assert Like.objects.count() == 0


def test_plain_like_redirects_back(client_logged_in):
    post = PostFactory()

    response = client_logged_in.post(
        reverse("posts:like", args=[post.pk]), {"state": "on", "next": "/tags/x/"}
    )

    assert response.status_code == 302 and response.url == "/tags/x/"


def test_like_does_not_redirect_off_site(client_logged_in):
    post = PostFactory()

    response = client_logged_in.post(
        reverse("posts:like", args=[post.pk]), {"state": "on", "next": "https://evil.example/"}
    )

    assert response.url == "/"


def test_htmx_repost_and_unrepost(client_logged_in):
    post = PostFactory()
    url = reverse("posts:repost", args=[post.pk])

    on = client_logged_in.post(url, {"state": "on"}, **HTMX).content.decode()
    assert 'aria-pressed="true"' in on and '<span class="count">1</span>' in on
    assert Post.objects.filter(repost_of=post, author=client_logged_in.user).exists()

    off = client_logged_in.post(url, {"state": "off"}, **HTMX).content.decode()
    assert 'aria-pressed="false"' in off and '<span class="count">0</span>' in off
    assert not Post.objects.filter(repost_of=post).exists()


def test_anonymous_cannot_like_or_repost(client, db):
    post = PostFactory()

    for name in ["posts:like", "posts:repost"]:
        response = client.post(reverse(name, args=[post.pk]), {"state": "on"})
        assert response.status_code == 302 and "/accounts/login/" in response.url
    assert not Like.objects.exists()
    assert Post.objects.count() == 1


def test_cannot_like_a_removed_post(client_logged_in):
    post = PostFactory(removed_at=timezone.now())

    response = client_logged_in.post(reverse("posts:like", args=[post.pk]), {"state": "on"})

    assert response.status_code == 404


def test_liking_is_rate_limited(client_logged_in, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "like": "1/1h"}
    post = PostFactory()

    client_logged_in.post(reverse("posts:like", args=[post.pk]), {"state": "on"})
    response = client_logged_in.post(reverse("posts:repost", args=[post.pk]), {"state": "on"})

    assert response.status_code == 429


def test_repost_card_says_who_reposted(client, db):
    original = PostFactory(text="Original words", author=UserFactory(display_name="Maya"))
    services.repost_create(user=UserFactory(display_name="Jonas"), post=original)
    repost = Post.objects.get(repost_of=original)

    response = client.get(f"/@{repost.author.username}/{repost.pk}/")

    assert response.status_code == 302
    assert response.url == f"/@{original.author.username}/{original.pk}/"


# Tags -------------------------------------------------------------------------------------------


def test_tag_page_lists_posts_with_the_tag_case_insensitively(client, db):
    author = UserFactory()
    services.post_create(author=author, text="Recording #Foley today")
    services.post_create(author=author, text="More #foley")
    services.post_create(author=author, text="Nothing here")

    content = client.get("/tags/FOLEY/").content.decode()

    assert "Recording" in content and "More" in content and "Nothing here" not in content


def test_tag_page_is_keyset_paginated(client, db):
    author = UserFactory()
    posts = [services.post_create(author=author, text=f"take {i} #mix") for i in range(22)]

    first = client.get("/tags/mix/").content.decode()
    assert "take 21 <a" in first and "take 2 <a" in first and "take 1 <a" not in first
    assert f"?before={posts[2].pk}" in first

    more = client.get(f"/tags/mix/?before={posts[2].pk}", **HTMX).content.decode()
    assert "<html" not in more
    assert "take 1 <a" in more and "take 0 <a" in more and "take 21" not in more


# Notifications ----------------------------------------------------------------------------------


def test_notifications_page_lists_and_marks_read(client_logged_in):
    me = client_logged_in.user
    maya = UserFactory(display_name="Maya")
    services.post_create(author=maya, text=f"Hello @{me.username}")

    response = client_logged_in.get("/notifications/")

    content = response.content.decode()
    assert "Maya" in content and "mentioned you" in content and "new" in content
    assert Notification.objects.get().read_at is not None


def test_nav_shows_unread_count_and_the_poll_endpoint_refreshes_it(client_logged_in):
    me = client_logged_in.user
    services.post_create(author=UserFactory(), text=f"Hi @{me.username}")

    page = client_logged_in.get("/").content.decode()
    assert 'hx-get="/notifications/unread/"' in page and 'hx-trigger="every 30s"' in page
    assert '<span class="count">1</span>' in page

    badge = client_logged_in.get("/notifications/unread/", **HTMX).content.decode()
    assert '<span class="count">1</span>' in badge and "<html" not in badge


def test_poll_endpoint_answers_204_when_signed_out(client, db):
    assert client.get("/notifications/unread/").status_code == 204


def test_notifications_need_login(client, db):
    response = client.get("/notifications/")

    assert response.status_code == 302 and "/accounts/login/" in response.url


# Cards ------------------------------------------------------------------------------------------


def test_repost_card_shows_who_reposted_above_the_original(rf, db):
    original = PostFactory(text="Original words", author=UserFactory(display_name="Maya"))
    jonas = UserFactory(display_name="Jonas")
    services.repost_create(user=jonas, post=original)
    services.like_create(user=jonas, post=original)
    card = Post.objects.with_card_data(jonas).get(repost_of=original)

    request = rf.get("/")
    request.user = jonas
    html = render_to_string("posts/partials/card.html", {"post": card}, request)

    assert html.index("Jonas</a> reposted") < html.index("Maya") < html.index("Original words")
    assert 'aria-pressed="true">Like <span class="count">1</span>' in html
    assert 'aria-pressed="true">Repost <span class="count">1</span>' in html


def test_hostile_post_text_is_escaped_on_the_page(client, db):
    post = services.post_create(
        author=UserFactory(), text='<script>alert(1)</script> "><img src=x onerror=alert(1)>'
    )

    content = client.get(f"/@{post.author.username}/{post.pk}/").content.decode()

    assert "<script>alert(1)" not in content and "<img src=x" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_moderators_find_posts_in_the_admin(admin_client):
    post = PostFactory(text="Spam spam")
    PostFactory(text="Honest work")

    listing = admin_client.get("/admin/posts/post/?q=spam").content.decode()
    change = admin_client.get(f"/admin/posts/post/{post.pk}/change/")

    assert "Spam spam" in listing and "Honest work" not in listing
    assert change.status_code == 200


# Replying from a card ---------------------------------------------------------------------------


def test_card_reply_button_opens_a_prefilled_reply_box_in_place(client_logged_in):
    post = PostFactory(author=UserFactory(username="maya"))

    response = client_logged_in.get(reverse("posts:reply", args=[post.pk]), **HTMX)

    content = response.content.decode()
    assert "<html" not in content
    assert f'id="inline-reply-{post.pk}"' in content and 'hx-target="this"' in content
    assert "@maya </textarea>" in content


def test_card_reply_without_javascript_goes_to_the_compose_page(client_logged_in):
    post = PostFactory()

    response = client_logged_in.get(reverse("posts:reply", args=[post.pk]))

    assert response.url == f"/compose/?in_reply_to={post.pk}"
    page = client_logged_in.get(response.url).content.decode()
    assert f"@{post.author.username} </textarea>" in page
    assert f'name="in_reply_to" value="{post.pk}"' in page


def test_inline_reply_box_becomes_the_reply(client_logged_in):
    post = PostFactory()

    response = compose(client_logged_in, "Same here", in_reply_to=post.pk, inline="1", htmx=True)

    reply = Post.objects.get(in_reply_to=post)
    content = response.content.decode()
    assert f'id="post-{reply.pk}"' in content and "Same here" in content
    assert "hx-swap-oob" not in content


def test_inline_reply_error_comes_back_in_the_same_box(client_logged_in):
    post = PostFactory()

    response = compose(client_logged_in, "", in_reply_to=post.pk, inline="1", htmx=True)

    assert response.status_code == 422
    assert response["HX-Retarget"] == f"#inline-reply-{post.pk}"
    assert "Write something first." in response.content.decode()


def test_anonymous_reply_box_request_is_sent_to_login(client, db):
    post = PostFactory()

    response = client.get(
        reverse("posts:reply", args=[post.pk]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/tags/a/?before=5&x=1",
    )

    assert response["HX-Redirect"] == "/accounts/login/?next=/tags/a/%3Fbefore%3D5%26x%3D1"


def test_no_template_comment_leaks_into_pages(client_logged_in):
    post = services.post_create(author=client_logged_in.user, text="Hello #there")
    services.like_create(user=UserFactory(), post=post)

    for url in ["/", f"/@{post.author.username}/{post.pk}/", "/tags/there/", "/notifications/"]:
        content = client_logged_in.get(url).content.decode()
        assert "{#" not in content and "#}" not in content and "{%" not in content, url


@pytest.mark.parametrize(
    ("label", "payload"), SENDABLE_PAYLOADS, ids=[label for label, _ in SENDABLE_PAYLOADS]
)
def test_hostile_input_through_the_compose_box(client_logged_in, label, payload):

    response = compose(client_logged_in, payload, htmx=True)

    content = response.content.decode()
    if response.status_code == 422:
        assert 'class="errorlist"' in content
        assert Post.objects.count() == 0
    else:
        assert response.status_code == 200
        text = re.search(r'<p class="post-text[^>]*>(.*?)</p>', content, re.S).group(1)
        leftover = re.sub(r'<a href="[^"<>]*"[^<>]*>|</a>|<br>', "", text)
        assert "<" not in leftover and ">" not in leftover

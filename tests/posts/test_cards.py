"""Kept post cards (posts.cards): rendered once without a viewer, filled for each viewer, and
never shown stale after a write that changes what a card shows."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.urls import reverse

from accounts import avatars
from accounts import services as account_services
from moderation import services as moderation_services
from posts import cards, services
from posts.models import Post
from tests.accounts.images import image_upload
from tests.factories import IndustryFactory, UserFactory

CARD = "posts/partials/post_card.html"


def card_of(html: str, post) -> str:
    """The HTML of one post's card on a page."""
    match = re.search(
        rf'<article class="post-card card" id="post-{post.pk}".*?</article>', html, re.S
    )
    assert match, f"no card of post {post.pk}"
    return match.group(0)


def tokenless(html: str) -> str:
    """HTML without its CSRF tokens, which are masked anew for each response."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response


def rendered_cards(response) -> int:
    return sum(1 for template in response.templates if template.name == CARD)


@pytest.fixture(autouse=True)
def _nothing_kept():
    # Each test counts renders from an empty store, as a new process starts.
    cards.kept.clear()


@pytest.fixture
def maya(db):
    return UserFactory(username="maya", display_name="Maya Lind")


@pytest.fixture
def post(maya):
    return services.post_create(author=maya, text="Mixing the dialogue stems tonight")


@pytest.fixture
def moderator(db):
    person = UserFactory(username="mod_ria", is_staff=True)
    person.groups.add(Group.objects.get(name="Moderators"))
    return person


def permalink(post):
    return reverse("posts:detail", args=[post.author.username, post.pk])


def profile(person):
    return reverse("accounts:profile", args=[person.username])


# Kept and filled ---------------------------------------------------------------------------------


def test_a_card_is_rendered_once_and_then_read_from_the_store(client, post):
    first = get(client, profile(post.author))
    again = get(client, profile(post.author))

    assert rendered_cards(first) == 1
    assert rendered_cards(again) == 0
    assert tokenless(card_of(again.content.decode(), post)) == tokenless(
        card_of(first.content.decode(), post)
    )


def test_one_kept_card_is_filled_for_each_viewer(client, post, maya):
    jonas = UserFactory(username="jonas")
    services.like_create(user=jonas, post=post)

    anonymous = card_of(get(client, profile(maya)).content.decode(), post)
    client.force_login(jonas)
    response = get(client, profile(maya))
    as_jonas = card_of(response.content.decode(), post)
    client.force_login(maya)
    response = get(client, profile(maya))
    as_maya = card_of(response.content.decode(), post)

    assert rendered_cards(response) == 0  # the same kept card
    assert "More actions" not in anonymous and "Report" not in anonymous
    assert ">Report</a>" in as_jonas and "Delete" not in as_jonas
    assert ">Delete</a>" in as_maya and ">Report</a>" not in as_maya
    assert "Pin to profile" in as_maya
    assert 'aria-pressed="true">Like <span class="count">1</span>' in as_jonas
    assert 'aria-pressed="false">Like <span class="count">1</span>' in as_maya
    assert 'name="state" value="off"' in as_jonas  # a click takes the like back
    # each viewer's own CSRF token, and where the forms go back to
    assert as_maya.count('name="csrfmiddlewaretoken"') == 2
    assert tokenless(as_jonas).count("csrfmiddlewaretoken") == 0
    assert f'name="next" value="{profile(maya)}"' in as_maya
    assert "<!--" not in as_jonas + as_maya + anonymous


def test_the_relative_time_is_the_viewers_moment(client, post):
    from datetime import timedelta

    from posts.models import Post

    get(client, permalink(post))  # kept while "now"
    Post.objects.filter(pk=post.pk).update(created_at=post.created_at - timedelta(hours=3))

    html = card_of(get(client, permalink(post)).content.decode(), post)

    assert ">3h</time>" in html


def test_a_pinned_card_says_so_only_where_it_is_shown_pinned(client, post, maya):
    services.post_pin(user=maya, post=post, pinned=True)

    page = get(client, profile(maya)).content.decode()
    alone = card_of(get(client, permalink(post)).content.decode(), post)

    assert page.count('<p class="pinned-line muted">Pinned</p>') == 1
    assert "pinned-line" not in alone


def test_reply_line_names_a_narrower_post_only_to_its_author(client, maya):
    from follows.services import follow_create

    jonas, lee = UserFactory(username="jonas"), UserFactory(username="lee")
    follow_create(follower=jonas, followee=maya)
    follow_create(follower=lee, followee=jonas)
    narrow = services.post_create(author=maya, text="for my followers", visibility="private")
    reply = services.post_create(author=jonas, text="@maya yes", in_reply_to=narrow)

    client.force_login(maya)
    to_maya = card_of(get(client, profile(jonas)).content.decode(), reply)
    client.force_login(lee)
    to_lee = card_of(get(client, profile(jonas)).content.decode(), reply)

    assert "Replying to" in to_maya
    assert "Replying to" not in to_lee


def test_user_text_cannot_open_a_slot(client, db):
    hostile = UserFactory(username="sly", display_name="<!--=csrf--> <!--?own-->")
    post = services.post_create(author=hostile, text="<!--=back--> <!--/--> hello")
    viewer = UserFactory()
    client.force_login(viewer)

    html = card_of(get(client, permalink(post)).content.decode(), post)

    assert "&lt;!--=csrf--&gt;" in html and "&lt;!--=back--&gt;" in html
    assert html.count("csrfmiddlewaretoken") == 2  # the two forms', nothing more
    assert ">Report</a>" in html


def test_the_store_keeps_at_most_its_number_of_cards(client, maya, settings):
    settings.CARD_CACHE_ENTRIES = 3
    for number in range(5):
        services.post_create(author=maya, text=f"post {number}")

    get(client, profile(maya))

    assert len(cards.kept.cards) == 3


def test_search_results_are_rendered_with_their_marks_and_not_kept(client, post):
    client.force_login(UserFactory())

    response = client.get(reverse("search:search"), {"q": "dialogue", "type": "posts"})

    assert "<mark>dialogue</mark>" in response.content.decode()
    assert not cards.kept.cards


def test_with_redis_processes_share_their_cards(client, post, settings):
    settings.CACHES = {
        **settings.CACHES,
        "cards": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": "test-cards",
        },
    }
    settings.CARD_CACHE_SHARED = "cards"
    shared = caches["cards"]
    shared.clear()
    try:
        first = get(client, permalink(post))
        stored = list(shared._cache.get_client().scan_iter("test-cards:*"))
        cards.kept.clear()  # as another process, which has kept nothing
        again = get(client, permalink(post))
    finally:
        shared.clear()

    assert rendered_cards(first) == 1 and len(stored) == 1
    assert rendered_cards(again) == 0
    assert tokenless(card_of(again.content.decode(), post)) == tokenless(
        card_of(first.content.decode(), post)
    )


# Every write that changes a card shows at once --------------------------------------------------


def test_a_like_shows(client, post):
    before = card_of(get(client, permalink(post)).content.decode(), post)
    services.like_create(user=UserFactory(), post=post)

    after = card_of(get(client, permalink(post)).content.decode(), post)

    assert 'Like <span class="count">0</span>' in before
    assert 'Like <span class="count">1</span>' in after


def test_a_repost_shows(client, post):
    get(client, permalink(post))
    services.repost_create(user=UserFactory(), post=post)

    after = card_of(get(client, permalink(post)).content.decode(), post)

    assert 'Repost <span class="count">1</span>' in after


def test_a_reply_shows(client, post):
    get(client, permalink(post))
    services.post_create(author=UserFactory(), text="@maya nice", in_reply_to=post)

    after = card_of(get(client, permalink(post)).content.decode(), post)

    assert 'Reply <span class="count">1</span>' in after


def test_a_profile_edit_shows_on_the_posts_and_on_reposts_of_them(client, post, maya):
    jonas = UserFactory(username="jonas")
    repost = services.repost_create(user=jonas, post=post)
    get(client, profile(maya))
    get(client, profile(jonas))

    account_services.profile_update(user=maya, fields={"display_name": "Maya L."})

    assert ">Maya L.</a>" in card_of(get(client, profile(maya)).content.decode(), post)
    assert ">Maya L.</a>" in card_of(get(client, profile(jonas)).content.decode(), repost)


def test_a_new_avatar_shows(client, post, maya):
    before = card_of(get(client, permalink(post)).content.decode(), post)

    account_services.profile_update(
        user=maya, fields={}, avatar_images=avatars.avatar_images(image_upload("PNG"))
    )
    maya.refresh_from_db()
    after = card_of(get(client, permalink(post)).content.decode(), post)

    assert "<svg" in before.split('class="post-author"')[0]
    assert f'src="{maya.avatar_thumbnail.url}"' in after


def test_an_industry_rename_shows(admin_client, client, maya):
    industry = IndustryFactory(name="Sound design", slug="sound-design")
    maya.industry = industry
    maya.save()
    post = services.post_create(author=maya, text="Foley session")
    assert '<span class="industry-badge">Sound design</span>' in card_of(
        get(client, permalink(post)).content.decode(), post
    )

    response = admin_client.post(
        reverse("admin:accounts_industry_change", args=[industry.pk]),
        {"name": "Sound & picture", "slug": "sound-design"},
    )
    assert response.status_code == 302

    after = card_of(get(client, permalink(post)).content.decode(), post)
    assert '<span class="industry-badge">Sound &amp; picture</span>' in after


def test_a_removal_and_a_restoration_show(client, post, maya, moderator):
    client.force_login(maya)
    get(client, permalink(post))

    moderation_services.post_remove(moderator=moderator, post=post, reason="spam")
    removed = card_of(get(client, permalink(post)).content.decode(), post)
    moderation_services.post_restore(moderator=moderator, post=post, reason="not spam")
    restored = card_of(get(client, permalink(post)).content.decode(), post)

    assert "Removed by moderators. Only you can see it." in removed
    assert "Removed by moderators" not in restored


def test_a_suspension_takes_the_cards_away_and_lifting_it_brings_them_back(
    client, post, maya, moderator
):
    assert f'id="post-{post.pk}"' in get(client, reverse("follows:public")).content.decode()

    moderation_services.user_suspend(moderator=moderator, user=maya, reason="spam")
    suspended = client.get(reverse("follows:public")).content.decode()
    permalink_suspended = client.get(permalink(post)).status_code
    moderation_services.user_unsuspend(moderator=moderator, user=maya, reason="appeal")
    lifted = client.get(reverse("follows:public")).content.decode()

    assert f'id="post-{post.pk}"' not in suspended
    assert permalink_suspended == 404
    assert "Mixing the dialogue stems tonight" in card_of(lifted, post)


def test_the_script_prefix_is_part_of_the_key(client, post):
    from django.urls import set_script_prefix

    get(client, permalink(post))
    set_script_prefix("/microblog/")
    try:
        html = cards.render_cards(
            {"user": UserFactory(), "here": "/", "csrf_token": "x"},
            Post.objects.with_card_data().filter(pk=post.pk),
        )
    finally:
        set_script_prefix("/")

    assert 'href="/microblog/@maya/"' in html


def test_a_kept_card_is_not_served_once_the_code_that_rendered_it_changed(client, post):
    get(client, permalink(post))
    key = next(iter(cards.kept.cards))
    cards._forget()  # a new process, or a deployment: the code's digest is taken again
    cards.CARD_CODE += ("search",)
    try:
        get(client, permalink(post))
        keys = list(cards.kept.cards)
    finally:
        cards.CARD_CODE = cards.CARD_CODE[:-1]
        cards._forget()

    assert keys and key not in keys


# No viewer's data in a kept card ------------------------------------------------------------------


@pytest.fixture
def every_kind(maya):
    """One card of each kind, by maya unless said: a reply, a followers-only post and a reply
    to it, a message, an unlisted pinned post, a repost, pictures, a sound clip and a repost of
    the pictures, a removed post."""
    from django.contrib.auth.models import AnonymousUser

    from follows.services import follow_create
    from tests.accounts.images import upload
    from tests.posts import sounds

    jonas = UserFactory(username="jonas")
    staff = UserFactory(username="mod_ria", is_staff=True)
    staff.groups.add(Group.objects.get(name="Moderators"))
    follow_create(follower=jonas, followee=maya)
    plain = services.post_create(author=maya, text="Hi @jonas #mixing https://example.com/?a=1&b=2")
    narrow = services.post_create(author=maya, text="followers", visibility="private")
    pictures = [services.attachment_create(owner=maya, upload=image_upload()) for _ in range(2)]
    clip = services.attachment_create(
        owner=maya, upload=upload(sounds.wav_bytes(), "take.wav", "audio/wav")
    )
    removed = services.post_create(author=maya, text="gone")
    moderation_services.post_remove(moderator=staff, post=removed, reason="spam")
    with_pictures = services.post_create(
        author=maya, text="", media=[(p.pk, 'a "quoted" <b>') for p in pictures]
    )
    unlisted = services.post_create(author=maya, text="quiet", visibility="unlisted")
    services.post_pin(user=maya, post=unlisted, pinned=True)
    posts = [
        plain,
        services.post_create(author=jonas, text="@maya yes", in_reply_to=plain),
        narrow,
        services.post_create(author=jonas, text="@maya ok", in_reply_to=narrow),
        services.post_create(author=maya, text="@jonas between us", visibility="direct"),
        unlisted,
        services.repost_create(user=jonas, post=plain),
        with_pictures,
        services.post_create(author=maya, text="listen", media=[(clip.pk, "a <clip>")]),
        services.repost_create(user=jonas, post=with_pictures),
        removed,
    ]
    services.like_create(user=jonas, post=plain)
    viewers = [AnonymousUser(), maya, jonas, staff]
    return posts, viewers


def cards_for(viewer, posts, *, pinned=False, rows=False) -> str:
    from django.middleware.csrf import get_token
    from django.template import engines
    from django.test import RequestFactory

    request = RequestFactory().get("/@maya/?page=<2>&x=1")
    request.user = viewer
    get_token(request)
    ids = [post.pk for post in posts]
    if rows:
        loaded = {row.pk: row for row in cards.card_rows(ids, viewer, readable=False)}
    else:
        loaded = Post.objects.with_card_data(viewer).in_bulk(ids)
    template = engines["django"].from_string("{% load posts %}{% post_cards posts pinned=pinned %}")
    html = template.render({"posts": [loaded[pk] for pk in ids], "pinned": pinned}, request)
    return tokenless(html)


@pytest.mark.parametrize("pinned", [False, True])
def test_a_card_kept_for_one_viewer_is_what_any_other_would_get_rendered(every_kind, pinned):
    posts, viewers = every_kind
    for first in viewers:
        cards.kept.clear()
        cards_for(first, posts, pinned=pinned)  # kept as rendered for `first`
        for viewer in viewers:
            from_kept = cards_for(viewer, posts, pinned=pinned)
            cards.kept.clear()
            rendered = cards_for(viewer, posts, pinned=pinned)
            cards_for(first, posts, pinned=pinned)

            assert from_kept == rendered, (first, viewer)
            assert "<!--" not in rendered


def test_cards_from_rows_are_the_cards_from_posts(every_kind):
    """Pages that read their cards as rows (card_rows) give every viewer what posts give them,
    rendered or kept, under the same keys: a card kept from one is served to the other."""
    posts, viewers = every_kind
    for viewer in viewers:
        cards.kept.clear()
        from_rows = cards_for(viewer, posts, rows=True)
        kept = dict(cards.kept.cards)
        from_posts = cards_for(viewer, posts)
        assert dict(cards.kept.cards) == kept  # nothing rendered again
        cards.kept.clear()
        cards_for(viewer, posts)
        assert cards_for(viewer, posts, rows=True) == from_rows == from_posts, viewer
        assert len(kept) == len(posts) and "<!--" not in from_rows


def test_a_card_that_changes_between_its_row_and_its_post_is_shown_but_not_kept(post, maya):
    """A like lands after the page read the card's row and before the post is loaded to render
    it: the card shows the post as loaded, and is not kept under the row's key, which names the
    count before the like (the card would be wrong when the like is undone)."""
    context = {"user": maya, "csrf_token": "t"}
    fan = UserFactory()
    rows = cards.card_rows([post.pk], maya, readable=False)
    services.like_create(user=fan, post=post)

    assert 'Like <span class="count">1</span>' in cards.render_cards(context, rows)
    assert not cards.kept.cards

    services.like_delete(user=fan, post=post)
    again = cards.render_cards(context, cards.card_rows([post.pk], maya, readable=False))
    assert 'Like <span class="count">0</span>' in again


def test_a_card_whose_post_is_deleted_after_its_row_is_left_out(post, maya):
    other = services.post_create(author=maya, text="still here")
    rows = cards.card_rows([other.pk, post.pk], maya, readable=False)
    services.post_delete(post=post, user=maya)

    html = cards.render_cards({"user": maya, "csrf_token": "t"}, rows)

    assert html.count('class="post-card') == 1 and "still here" in html


def test_a_page_of_kept_cards_as_rows_loads_no_posts(every_kind, django_assert_num_queries):
    posts, viewers = every_kind
    ids = [post.pk for post in posts]
    cards_for(viewers[2], posts, rows=True)
    rows = cards.card_rows(ids, viewers[2], readable=False)
    with django_assert_num_queries(0):
        html = cards.render_cards({"user": viewers[2], "csrf_token": "t"}, rows)
    assert html.count('class="post-card') == len(posts)


def test_the_card_templates_read_nothing_of_the_viewer_or_the_request():
    # A card is rendered without them, so such a variable would print nothing, silently.
    from django.template.loader import get_template

    viewer_names = {"user", "request", "here", "next", "csrf_token", "perms", "messages"}
    for name in cards.CARD_TEMPLATES:
        source = get_template(name).template.source
        for tag in re.findall(r"\{[{%](.*?)[}%]\}", source, re.S):
            unquoted = re.sub(r"'[^']*'|\"[^\"]*\"", "", tag)
            assert not viewer_names & set(re.findall(r"\b\w+\b", unquoted)), (name, tag)

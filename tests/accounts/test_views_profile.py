import pytest
from django.utils import timezone

from accounts.models import Role, User
from follows.models import Follow
from tests.factories import IndustryFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def maya(db):
    return UserFactory(
        username="maya",
        display_name="Maya Okafor",
        bio="Sound designer. Foley nerd.",
        industry=IndustryFactory(name="Audio and sound design", slug="audio-and-sound-design"),
        location="Los Angeles",
        website="https://maya.example/reel",
        open_to_collaborate=True,
    )


def test_profile_shows_who_the_person_is(client, maya):
    response = client.get("/@maya/")

    assert response.status_code == 200
    content = response.content.decode()
    assert '<h1 id="profile-name" class="break-anywhere">Maya Okafor</h1>' in content
    assert "@maya" in content
    assert "Sound designer. Foley nerd." in content
    assert '<a href="/industries/audio-and-sound-design/">Audio and sound design</a>' in content
    assert "Los Angeles" in content
    assert (
        '<a href="https://maya.example/reel" rel="me nofollow noopener ugc" target="_blank">'
        in content
    )
    assert f'Joined <time datetime="{maya.date_joined:%Y-%m-%d}' in content
    assert "Open to collaborate" in content
    assert '<svg class="avatar"' in content and ">MO</text>" in content


def test_profile_counts_posts_following_and_followers(client, maya):
    others = UserFactory.create_batch(3)
    PostFactory.create_batch(2, author=maya)
    PostFactory(author=maya, removed_at=timezone.now())
    Follow.objects.create(follower=maya, followee=others[0])
    for other in others:
        Follow.objects.create(follower=other, followee=maya)

    content = client.get("/@maya/").content.decode()

    assert "<strong>2</strong> posts" in content
    assert '"maya">1</strong> following' in content
    assert '"maya">3</strong> <span data-followers-label="maya">followers' in content


def test_profile_lists_posts_newest_first_without_removed_ones(client, maya):
    PostFactory(author=maya, text="first post")
    PostFactory(author=maya, text="removed post", removed_at=timezone.now())
    PostFactory(author=maya, text="second post")
    PostFactory(text="someone else's post")

    content = client.get("/@maya/").content.decode()

    assert content.index("second post") < content.index("first post")
    assert "removed post" not in content and "someone else" not in content


def test_username_in_any_case_redirects_to_the_canonical_address(client, maya):
    response = client.get("/@MAYA/")

    assert response.status_code == 301
    assert response["Location"] == "/@maya/"


@pytest.mark.parametrize("path", ["/@nobody/", "/@bad%20name/", "/@<script>/"])
def test_missing_person_is_a_404_page(client, db, path):
    response = client.get(path)

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_deactivated_and_pending_people_have_no_profile(client, db):
    UserFactory(username="gone", is_active=False)
    UserFactory(username="waiting", awaiting_approval=True)

    assert client.get("/@gone/").status_code == 404
    assert client.get("/@waiting/").status_code == 404


def test_suspended_profile_says_so_and_shows_no_posts(client, maya):
    PostFactory(author=maya, text="a post before the suspension")
    maya.suspended_at = timezone.now()
    maya.save()

    content = client.get("/@maya/").content.decode()

    assert "This account is suspended." in content
    assert "a post before the suspension" not in content
    assert "Sound designer" not in content


def test_own_profile_links_to_edit(client, maya):
    client.force_login(maya)

    content = client.get("/@maya/").content.decode()

    assert 'href="/settings/profile/">Edit profile</a>' in content
    assert "/@maya/follow/" not in content


def test_other_people_see_the_follow_button(client_logged_in, maya):
    content = client_logged_in.get("/@maya/").content.decode()

    assert 'action="/@maya/follow/"' in content


def test_hostile_profile_text_is_shown_inert(client, db):
    UserFactory(
        username="mallory",
        display_name="<script>alert(1)</script>",
        bio='<img src=x onerror="alert(2)">',
        location="<b>Nowhere</b>",
    )

    content = client.get("/@mallory/").content.decode()

    assert "<script>alert(1)" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<img src=x" not in content
    assert "&lt;b&gt;Nowhere&lt;/b&gt;" in content


def test_posts_are_paged_with_a_load_more_link(client, maya):
    posts = PostFactory.create_batch(25, author=maya)
    newest_first = sorted(posts, key=lambda p: -p.id)

    content = client.get("/@maya/").content.decode()

    assert content.count('class="post-card') == 20
    cursor = newest_first[19].id
    assert f'href="/@maya/?before={cursor}"' in content
    assert f'hx-get="/@maya/?before={cursor}"' in content
    assert f'id="post-{newest_first[20].id}"' not in content


def test_load_more_with_htmx_returns_only_the_next_cards(client, maya):
    posts = sorted(PostFactory.create_batch(25, author=maya), key=lambda p: -p.id)

    response = client.get(f"/@maya/?before={posts[19].id}", headers={"HX-Request": "true"})

    content = response.content.decode()
    assert "<html" not in content
    assert content.count('class="post-card') == 5
    assert f'id="post-{posts[20].id}"' in content and f'id="post-{posts[24].id}"' in content
    assert "Load more" not in content
    assert '<div id="feed-more" hx-swap-oob="delete"></div>' in content  # the last page


def test_load_more_without_javascript_is_a_full_page(client, maya):
    posts = sorted(PostFactory.create_batch(25, author=maya), key=lambda p: -p.id)

    content = client.get(f"/@maya/?before={posts[19].id}").content.decode()

    assert "<html" in content
    assert content.count('class="post-card') == 5


@pytest.mark.parametrize("count", [1, 25])
def test_profile_page_queries_are_fixed_whatever_the_number_of_posts(
    client_logged_in, maya, django_assert_num_queries, count
):
    PostFactory.create_batch(count, author=maya)
    Follow.objects.create(follower=client_logged_in.user, followee=maya)

    # session, viewer, unread notifications (header), person with counts, one page of posts (its
    # ids, then their cards as rows), and the posts of the cards not kept yet; once kept, not that
    with django_assert_num_queries(7):
        response = client_logged_in.get("/@maya/")
    with django_assert_num_queries(6):
        client_logged_in.get("/@maya/")

    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 25])
def test_profile_page_queries_for_visitors(client, maya, django_assert_num_queries, count):
    PostFactory.create_batch(count, author=maya)

    # the person, the page's post ids, their cards as rows, the posts of cards not kept yet
    with django_assert_num_queries(4):
        client.get("/@maya/")
    with django_assert_num_queries(3):
        client.get("/@maya/")


def test_the_profiles_person_is_the_querysets_for_every_viewer(maya):
    """The profile reads its person through a statement compiled once (profile_person): for
    each kind of viewer, it is the person profile_people makes, field for field, flag for flag."""
    from accounts.selectors import profile_people, profile_person
    from accounts.services import block_create, mute_create
    from posts.services import post_create, post_pin

    follower, blocker, muter, staff = (UserFactory() for _ in range(4))
    bare = UserFactory(username="bare")  # no industry, no posts, no roles
    Follow.objects.create(follower=follower, followee=maya)
    pinned = post_create(author=maya, text="Reel is up")
    post_pin(user=maya, post=pinned)
    maya.roles.add(Role.objects.order_by("pk").first())
    block_create(blocker=blocker, blocked=maya)
    mute_create(muter=muter, muted=maya)
    staff.is_staff = True
    staff.save()

    def seen(person) -> dict:
        flags = {name: getattr(person, name) for name in profile_people().query.annotations}
        flags.pop("username_lower", None)
        industry = person.industry and (person.industry.pk, person.industry.name)
        fields = {field.attname: getattr(person, field.attname) for field in User._meta.fields}
        return {**fields, **flags, "industry": industry}

    for viewer in (None, maya, follower, blocker, muter, staff):
        for person, name in ((maya, "MAYA"), (bare, "bare")):
            expected = profile_people(viewer=viewer).get(pk=person.pk)
            found = profile_person(username=name, viewer=viewer)
            assert seen(found) == seen(expected), (viewer, name)
        assert profile_person(username="maya_", viewer=viewer) is None


def test_the_profiles_pages_of_posts_are_the_querysets_for_every_viewer(maya):
    """A profile's ids are read by a statement compiled once (profile_posts): for each kind of
    viewer and page, the posts the rules give, in their order."""
    from accounts.selectors import _profile_posts, profile_posts
    from posts.services import post_create

    follower, stranger, staff = UserFactory(), UserFactory(), UserFactory(is_staff=True)
    Follow.objects.create(follower=follower, followee=maya)
    for n in range(25):
        visibility = ("public", "unlisted", "private")[n % 3]
        post_create(author=maya, text=f"Take {n}", visibility=visibility)
    post_create(author=maya, text=f"@{stranger.username} a message", visibility="direct")
    PostFactory(author=maya, text="removed", removed_at=timezone.now())

    for viewer in (None, maya, follower, stranger, staff):
        expected = [post.pk for post in _profile_posts(maya, viewer).order_by("-id")]
        found, before = [], None
        for _ in range(3):
            page = profile_posts(person=maya, viewer=viewer, before=before, limit=10)
            found += [card.pk for card in page.items]
            before = page.next_before
            if before is None:
                break
        assert found == expected, viewer
        assert before is None
    assert len(expected) == 26  # staff: the removed post too, never the message

import pytest
from django.utils import timezone

from accounts.models import User
from core.query import parse_id_pair
from follows import selectors
from follows.models import Follow, TimelineEntry
from follows.services import follow_create
from tests.factories import FollowFactory, IndustryFactory, PostFactory, UserFactory, post_published

pytestmark = pytest.mark.django_db


def ids(page):
    return [post.id for post in page.items]


@pytest.fixture
def maya():
    return UserFactory(username="maya")


# --- home timeline -----------------------------------------------------------------------------


def test_home_timeline_has_own_followed_and_reposted_posts_newest_first(maya):
    jonas, leo, stranger = UserFactory(), UserFactory(), UserFactory()
    follow_create(follower=maya, followee=jonas)
    by_leo = post_published(leo)
    by_jonas = post_published(jonas)
    mine = post_published(maya)
    post_published(stranger)
    jonas_reposts_leo = post_published(jonas, text="", repost_of=by_leo)

    page = selectors.timelines.home_timeline(user=maya)

    assert ids(page) == [jonas_reposts_leo.id, mine.id, by_jonas.id]
    assert page.next_before is None


def test_home_timeline_hides_removed_posts_and_suspended_people(maya):
    jonas, leo = UserFactory(), UserFactory()
    follow_create(follower=maya, followee=jonas)
    follow_create(follower=maya, followee=leo)
    kept = post_published(jonas)
    removed = post_published(jonas)
    by_leo = post_published(leo)
    removed.removed_at = timezone.now()
    removed.save()
    User.objects.filter(pk=leo.pk).update(suspended_at=timezone.now())

    page = selectors.timelines.home_timeline(user=maya)

    assert ids(page) == [kept.id]
    assert by_leo.id not in ids(page)


def test_home_timeline_pages_have_no_duplicates_or_gaps_when_posts_arrive_between_pages(maya):
    jonas = UserFactory()
    follow_create(follower=maya, followee=jonas)
    posts = [post_published(jonas) for _ in range(45)]

    first = selectors.timelines.home_timeline(user=maya)
    arrived = [post_published(jonas) for _ in range(5)]
    second = selectors.timelines.home_timeline(user=maya, before=first.next_before)
    third = selectors.timelines.home_timeline(user=maya, before=second.next_before)

    seen = ids(first) + ids(second) + ids(third)
    assert [len(first.items), len(second.items), len(third.items)] == [20, 20, 5]
    assert seen == [post.id for post in reversed(posts)]
    assert not set(seen) & {post.id for post in arrived}
    assert third.next_before is None


def test_a_page_with_hidden_posts_still_fills_from_spare_ids(maya):
    jonas = UserFactory()
    follow_create(follower=maya, followee=jonas)
    posts = [post_published(jonas) for _ in range(30)]
    for post in posts[-5:]:
        post.removed_at = timezone.now()
        post.save()

    page = selectors.timelines.home_timeline(user=maya)

    assert ids(page) == [post.id for post in reversed(posts[5:25])]


def test_pages_older_than_the_stored_timeline_come_from_the_posts_table(maya, settings):
    settings.TIMELINE_MAX_ENTRIES = 25
    settings.TIMELINE_TRIM_EVERY = 1
    jonas = UserFactory()
    follow_create(follower=maya, followee=jonas)
    posts = [post_published(jonas) for _ in range(50)]
    assert TimelineEntry.objects.filter(owner=maya).count() == 25

    pages, before = [], None
    while True:
        page = selectors.timelines.home_timeline(user=maya, before=before)
        pages.append(ids(page))
        before = page.next_before
        if before is None:
            break

    assert [len(page) for page in pages] == [20, 20, 10]
    assert sum(pages, []) == [post.id for post in reversed(posts)]


def test_older_posts_of_someone_followed_beyond_the_backfill_still_come(maya, settings):
    settings.TIMELINE_BACKFILL = 5
    jonas = UserFactory()
    posts = [PostFactory(author=jonas) for _ in range(30)]
    follow_create(follower=maya, followee=jonas)

    first = selectors.timelines.home_timeline(user=maya)
    assert ids(first) == [post.id for post in reversed(posts[-5:])]  # the stored part
    # Scrolling on continues below the stored rows from the posts table.
    older = selectors.timelines.home_timeline(user=maya, before=first.items[-1].id)

    assert ids(older) == [post.id for post in reversed(posts[5:25])]


def test_newer_posts_are_counted_and_fetched_after_an_id(maya):
    jonas = UserFactory()
    follow_create(follower=maya, followee=jonas)
    seen = post_published(jonas)
    assert selectors.timelines.home_newer_count(user=maya, after=seen.id) == 0

    new = [post_published(jonas), post_published(maya)]

    assert selectors.timelines.home_newer_count(user=maya, after=seen.id) == 2
    assert [post.id for post in selectors.timelines.home_newer(user=maya, after=seen.id).items] == [
        new[1].id,
        new[0].id,
    ]


def test_home_timeline_reads_between_ids_and_forward_from_one(maya):
    jonas = UserFactory()
    follow_create(follower=maya, followee=jonas)
    posts = [post_published(jonas).id for _ in range(12)]
    removed = post_published(jonas)
    removed.removed_at = timezone.now()
    removed.save()
    posts.append(post_published(jonas).id)

    between = selectors.timelines.home_timeline(user=maya, before=posts[9], after=posts[2])
    newest = selectors.timelines.home_timeline(user=maya, after=posts[2], limit=3)
    forward = selectors.timelines.home_timeline(
        user=maya, after=posts[2], limit=3, oldest_first=True
    )
    past_removed = selectors.timelines.home_timeline(
        user=maya, after=posts[10], limit=3, oldest_first=True
    )

    assert ids(between) == posts[3:9][::-1]
    assert ids(newest) == posts[-3:][::-1]
    assert ids(forward) == posts[3:6][::-1]
    # A hidden post is skipped, not counted against the page.
    assert ids(past_removed) == posts[11:][::-1]
    assert past_removed.head == posts[-1]


def test_reading_forward_is_two_queries(maya, django_assert_num_queries):
    jonas = UserFactory()
    follow_create(follower=maya, followee=jonas)
    first = post_published(jonas)
    for _ in range(5):
        post_published(jonas)

    with django_assert_num_queries(2):
        page = selectors.timelines.home_timeline(user=maya, after=first.id, oldest_first=True)

    assert len(page.items) == 5


# --- public and industry timelines ---------------------------------------------------------------


def test_public_timeline_has_everyones_visible_posts():
    visible = [PostFactory(), PostFactory()]
    PostFactory(removed_at=timezone.now())
    PostFactory(author=UserFactory(suspended_at=timezone.now()))

    page = selectors.timelines.public_timeline()

    assert ids(page) == [visible[1].id, visible[0].id]


def test_industry_timeline_has_posts_of_people_in_that_industry():
    sound, music = IndustryFactory(), IndustryFactory()
    in_sound = PostFactory(author=UserFactory(industry=sound))
    PostFactory(author=UserFactory(industry=music))

    page = selectors.timelines.industry_timeline(industry=sound)

    assert ids(page) == [in_sound.id]


# --- directory ---------------------------------------------------------------------------------


def test_directory_combines_industry_location_openness_and_search():
    sound, music = IndustryFactory(name="Sound"), IndustryFactory(name="Tuba making")
    match = UserFactory(
        username="maya", industry=sound, location="Berlin, Germany", open_to_collaborate=True
    )
    UserFactory(industry=music, location="Berlin", open_to_collaborate=True)  # wrong industry
    UserFactory(industry=sound, location="London", open_to_collaborate=True)  # wrong place
    UserFactory(industry=sound, location="Berlin", open_to_collaborate=False)  # not open
    UserFactory(
        username="zed", bio="foley", industry=sound, location="berlin", open_to_collaborate=True
    )  # does not match the search

    page = selectors.people.people_directory(
        industry=sound, location="BERLIN", open_to_collaborate=True, q="may"
    )

    assert [person.pk for person in page.items] == [match.pk]


def test_directory_search_looks_at_names_usernames_and_bios():
    by_username = UserFactory(username="foleyfan")
    by_name = UserFactory(display_name="Anna Foley")
    by_bio = UserFactory(bio="Foley artist in Lyon")
    UserFactory(username="other", display_name="Other", bio="mixing")

    found = {person.pk for person in selectors.people.people_directory(q="foley").items}

    assert found == {by_username.pk, by_name.pk, by_bio.pk}


def test_directory_lists_the_most_recently_active_first_and_hides_suspended():
    quiet = UserFactory()
    early, late = UserFactory(), UserFactory()
    PostFactory(author=late)
    PostFactory(author=early)  # early posted last
    UserFactory(suspended_at=timezone.now())

    people = selectors.people.people_directory().items

    assert [person.pk for person in people] == [early.pk, late.pk, quiet.pk]


def test_activity_is_the_newest_post_on_the_profile_not_a_message_nor_a_removed_post():
    from moderation.services import post_remove, post_restore
    from posts.services import post_create, post_delete

    maya, leo, moderator = UserFactory(), UserFactory(), UserFactory(is_staff=True)
    post_create(author=leo, text="Plate or spring?")
    post_create(author=maya, text="Tape or disk?")

    def order():
        return [person.pk for person in selectors.people.people_directory().items][:2]

    assert order() == [maya.pk, leo.pk]
    # A message is nobody else's business: it does not move its writer up the directory.
    post_create(author=leo, text=f"@{maya.username} free on Friday?", visibility="direct")
    assert order() == [maya.pk, leo.pk]
    newest = post_create(author=leo, text="Spring, I think.")
    assert order() == [leo.pk, maya.pk]
    post_remove(moderator=moderator, post=newest, reason="Spam")
    assert order() == [maya.pk, leo.pk]
    post_restore(moderator=moderator, post=newest, reason="Not spam after all")
    assert order() == [leo.pk, maya.pk]
    post_delete(post=newest, user=leo)
    assert order() == [maya.pk, leo.pk]


def test_directory_pages_by_keyset_without_duplicates():
    people = [UserFactory() for _ in range(25)]
    for person in people[:10]:
        PostFactory(author=person)

    first = selectors.people.people_directory(limit=10)
    second = selectors.people.people_directory(limit=10, before=parse_id_pair(first.next_before))
    third = selectors.people.people_directory(limit=10, before=parse_id_pair(second.next_before))

    seen = [person.pk for page in (first, second, third) for person in page.items]
    assert len(seen) == 25 and set(seen) == {person.pk for person in people}
    assert third.next_before is None


def test_directory_pages_past_activity_beyond_32_bits():
    """Post ids are 64-bit: a cursor's activity past 2**31 still pages (an integer field's range
    would have dropped the comparison, and repeated the page)."""
    from posts.models import AuthorStats

    first, second, quiet = UserFactory(), UserFactory(), UserFactory()
    for person in (first, second):
        PostFactory(author=person)
    AuthorStats.objects.filter(author__in=[first, second]).update(last_post_id=3_000_000_000)

    page = selectors.people.people_directory(before=(3_000_000_000, second.pk))

    assert [person.pk for person in page.items] == [first.pk, quiet.pk]


def test_directory_cards_know_whom_the_viewer_follows(maya):
    jonas, leo = UserFactory(), UserFactory()
    FollowFactory(follower=maya, followee=jonas)

    people = {person.pk: person for person in selectors.people.people_directory(viewer=maya).items}

    assert people[jonas.pk].viewer_follows is True
    assert people[leo.pk].viewer_follows is False


def test_industries_count_their_active_people():
    sound = IndustryFactory(name="Sound", slug="sound")
    UserFactory(industry=sound)
    UserFactory(industry=sound)
    UserFactory(industry=sound, suspended_at=timezone.now())

    counts = {
        industry.slug: industry.people for industry in selectors.people.industries_with_counts()
    }

    assert counts["sound"] == 2


# --- followers lists ---------------------------------------------------------------------------


def test_followers_and_following_pages_newest_follow_first_without_suspended(maya):
    fans = [UserFactory() for _ in range(3)]
    for fan in fans:
        FollowFactory(follower=fan, followee=maya)
    FollowFactory(follower=UserFactory(suspended_at=timezone.now()), followee=maya)
    FollowFactory(follower=maya, followee=fans[0])

    followers = selectors.people.followers_page(person=maya, viewer=maya, limit=2)
    rest = selectors.people.followers_page(
        person=maya, viewer=maya, limit=2, before=followers.next_before
    )
    following = selectors.people.following_page(person=maya)

    assert [p.pk for p in followers.items + rest.items] == [f.pk for f in reversed(fans)]
    assert rest.next_before is None
    assert [p.viewer_follows for p in followers.items + rest.items] == [False, False, True]
    assert [p.pk for p in following.items] == [fans[0].pk]


def test_follow_counts_count_active_people():
    maya, jonas = UserFactory(), UserFactory()
    FollowFactory(follower=jonas, followee=maya)
    FollowFactory(follower=UserFactory(suspended_at=timezone.now()), followee=maya)
    FollowFactory(follower=maya, followee=jonas)

    counts = selectors.people.follow_counts(people=[maya, jonas])

    assert counts == {maya.pk: (1, 1), jonas.pk: (1, 1)}


# --- suggestions -------------------------------------------------------------------------------


def test_suggestions_come_by_industry_then_location_then_people_followed_by_followees():
    sound = IndustryFactory(name="Sound design")
    maya = UserFactory(industry=sound, location="Berlin")
    friend_a, friend_b = UserFactory(location="Paris"), UserFactory(location="Paris")
    FollowFactory(follower=maya, followee=friend_a)
    FollowFactory(follower=maya, followee=friend_b)
    popular = UserFactory(location="Oslo")
    FollowFactory(follower=friend_a, followee=popular)
    FollowFactory(follower=friend_b, followee=popular)
    same_industry = UserFactory(industry=sound, location="Rome")
    same_city = UserFactory(location="berlin")
    UserFactory(industry=sound, suspended_at=timezone.now())  # never suggested

    suggestions = selectors.suggestions.suggested_people(user=maya, limit=3)

    assert [(s.person.pk, s.reason) for s in suggestions] == [
        (same_industry.pk, "Also in Sound design"),
        (same_city.pk, "In berlin"),
        (popular.pk, "Followed by 2 people you follow"),
    ]


def test_a_close_knit_circle_still_suggests_who_its_members_follow():
    """More than SUGGESTION_POOL followees who all follow each other (and the viewer) outrank
    anyone new by followers among followees; the newcomer must still come through."""
    maya = UserFactory()
    circle = UserFactory.create_batch(selectors.suggestions.SUGGESTION_POOL + 5)
    rows = [Follow(follower=maya, followee=member) for member in circle]
    rows += [Follow(follower=a, followee=b) for a in circle for b in [maya, *circle] if a != b]
    newcomer = UserFactory()
    rows += [Follow(follower=member, followee=newcomer) for member in circle[:7]]
    Follow.objects.bulk_create(rows)
    for _ in range(
        selectors.suggestions.SUGGESTION_POOL + 5
    ):  # more recently active than the newcomer
        PostFactory(author=UserFactory())

    suggestions = selectors.suggestions.suggested_people(user=maya, limit=1)

    assert [(s.person, s.reason) for s in suggestions] == [
        (newcomer, "Followed by 7 people you follow")
    ]


def test_suggestions_never_include_yourself_or_people_you_follow():
    maya = UserFactory(location="Berlin")
    followed = UserFactory(location="Berlin")
    FollowFactory(follower=maya, followee=followed)
    other = UserFactory(location="Berlin")

    suggested = [s.person.pk for s in selectors.suggestions.suggested_people(user=maya, limit=10)]

    assert suggested == [other.pk]


def test_a_newcomer_without_industry_or_place_gets_active_people():
    maya = UserFactory()
    poster = UserFactory()
    PostFactory(author=poster)
    quiet = UserFactory()

    suggestions = selectors.suggestions.suggested_people(user=maya, limit=2)

    assert [(s.person.pk, s.reason) for s in suggestions] == [
        (poster.pk, "Posting recently"),
        (quiet.pk, "New on microblog"),
    ]


def test_one_follower_in_common_is_singular():
    maya = UserFactory()
    friend, other = UserFactory(), UserFactory()
    FollowFactory(follower=maya, followee=friend)
    FollowFactory(follower=friend, followee=other)

    reasons = {s.person.pk: s.reason for s in selectors.suggestions.suggested_people(user=maya)}

    assert reasons[other.pk] == "Followed by 1 person you follow"

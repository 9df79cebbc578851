"""/search/: posts by their words (with the operators), people, hashtags; pages, order,
highlighting, and the box's messages."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import Credit, Role
from accounts.services import block_create
from follows.services import follow_create
from posts import services as post_services
from search import index
from tests.factories import IndustryFactory, UserFactory, post_published

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/search/"}
ON_POSTGRESQL = connection.vendor == "postgresql"


def search(client, q, **params):
    response = client.get(reverse("search:search"), {"q": q, **params})
    assert response.status_code == 200
    return response


def found(client, q, **params) -> list[str]:
    """The texts of the posts (or the usernames of the people, or the tags) found."""
    items = search(client, q, **params).context["items"]
    tab = params.get("type", "posts")
    if tab == "people":
        return [person.username for person in items]
    if tab == "tags":
        return [tag.name for tag in items]
    return [post.text for post in items]


@pytest.fixture
def maya(db):
    return UserFactory(username="maya", display_name="Maya Okafor")


def test_words_are_found_by_stem_letter_case_and_accents(client, maya):
    post_published(maya, "Mixes at the Café tonight")
    post_published(maya, "Nothing to see here")

    for typed in ("mixing", "MIX", "cafe", "café mixed", "tonight mixes"):
        assert found(client, typed) == ["Mixes at the Café tonight"], typed
    assert found(client, "mixing desk") == []  # every word must match


@pytest.mark.skipif(not ON_POSTGRESQL, reason="German stems are PostgreSQL's (FTS5 has Porter)")
def test_german_words_are_found_by_their_stems_on_postgresql(client, maya):
    post_published(maya, "Neue Geräusche für die Häuser")

    assert found(client, "Haus geräusch") == ["Neue Geräusche für die Häuser"]


def test_an_exact_phrase_and_words_left_out(client, maya):
    post_published(maya, "Working on the final mix")
    post_published(maya, "Mix first, final touches later")
    post_published(maya, "The final mix of the trailer, dialogue only")

    assert found(client, '"final mix"') == [
        "The final mix of the trailer, dialogue only",
        "Working on the final mix",
    ]
    assert found(client, '"final mix" -dialogue') == ["Working on the final mix"]
    assert found(client, 'mix -"final mix"') == ["Mix first, final touches later"]


def test_from_finds_posts_by_those_people(client, maya):
    jonas = UserFactory(username="jonas")
    post_published(maya, "Mixing all day")
    post_published(jonas, "Mixing all night")
    post_published(UserFactory(), "Mixing at noon")

    assert found(client, "from:Maya") == ["Mixing all day"]
    assert found(client, "from:@maya mixing") == ["Mixing all day"]
    assert found(client, "mixing from:maya from:jonas") == ["Mixing all night", "Mixing all day"]
    assert found(client, "from:nobody mixing") == []
    assert found(client, "from:maya night") == []


def test_a_hashtag_finds_the_posts_tagged_with_it(client, maya):
    post_services.post_create(author=maya, text="Rain on a tin roof #Foley #field")
    post_services.post_create(author=maya, text="More rain #foley")
    post_services.post_create(author=maya, text="Rain, no tag")

    assert found(client, "#FOLEY") == ["More rain #foley", "Rain on a tin roof #Foley #field"]
    assert found(client, "#foley #field rain") == ["Rain on a tin roof #Foley #field"]
    assert found(client, "#foley #nosuchtag") == []


def test_only_leaving_words_out_finds_nothing_and_says_why(client, maya):
    post_published(maya, "Mixing all day")

    response = search(client, "-dialogue")

    assert response.context["items"] == []
    assert "Add a word to look for" in response.content.decode()
    assert found(client, "from:maya -dialogue") == ["Mixing all day"]
    assert found(client, "from:maya -day") == []


@pytest.mark.parametrize(
    "typed",
    [
        '"final mix',
        "final mix NEAR(",
        "NEAR(final, mix)",
        "final* mix",
        "final AND mix",
        "final OR mix",
        "final mix -",
        "- final - mix",
        "final:mix",
        "final^mix",
        "(final) [mix] {x",
        "final mix '",
        "final mix \\",
        "final mix ;",
        "final mix !",
        "final & mix | !x",
        "final <-> mix",
        "final mix \x00",
    ],
)
def test_malformed_input_is_searched_as_words(client, maya, typed):
    post_published(maya, "The final mix is out")

    response = search(client, typed)

    # Whatever each engine makes of the words, it answers, and the plain words are found.
    if typed in ('"final mix', "final mix -", "- final - mix", "final mix '", "final mix ;"):
        assert [post.text for post in response.context["items"]] == ["The final mix is out"]


def test_results_are_newest_first_in_pages_that_continue(client, maya):
    for number in range(45):
        post_published(maya, f"Session note {number}")

    texts, url, pages = [], reverse("search:search") + "?q=session", 0
    while url:
        response = client.get(url)
        texts += [post.text for post in response.context["items"]]
        url, pages = response.context["next_url"], pages + 1

    assert pages == 3
    assert texts == [f"Session note {number}" for number in reversed(range(45))]


def test_load_more_with_htmx_gets_the_next_cards_only(client, maya):
    for number in range(25):
        post_published(maya, f"Session note {number}")
    first = search(client, "session")

    more = client.get(first.context["next_url"], **HTMX)

    body = more.content.decode()
    assert "<html" not in body
    assert body.count('class="post-card') == 5
    assert 'id="feed-more" hx-swap-oob="delete"' in body


def test_best_match_puts_the_better_match_first_and_pages(client, maya):
    post_published(maya, "Reverb reverb reverb: the reverb plugin")  # oldest, best
    for number in range(25):
        post_published(maya, f"A note about gear {number}, some reverb too")

    texts, url = [], reverse("search:search") + "?q=reverb&order=best"
    while url:
        response = client.get(url)
        texts += [post.text for post in response.context["items"]]
        url = response.context["next_url"]

    assert texts[0] == "Reverb reverb reverb: the reverb plugin"
    assert len(texts) == len(set(texts)) == 26
    assert found(client, "reverb")[0] == "A note about gear 24, some reverb too"


def test_matched_words_are_highlighted_in_escaped_text(client, maya):
    post_published(maya, "<script>mixing</script> & mixes @maya #mixing")

    body = search(client, "mix").content.decode()

    assert "&lt;script&gt;<mark>mixing</mark>&lt;/script&gt; &amp; <mark>mixes</mark>" in body
    assert "#<mark>mixing</mark></a>" in body
    assert "<script>mixing" not in body


def test_people_by_name_username_bio_place_industry_role_and_credit(client):
    industry = IndustryFactory(name="Post-production")
    dialogue = Role.objects.get_or_create(name="Dialogue editor", defaults={"slug": "dialogue-ed"})[
        0
    ]
    ana = UserFactory(username="ana", display_name="Ana Lima", location="Berlin")
    bo = UserFactory(username="bo_atmos", bio="Atmos mixes for film", industry=industry)
    cy = UserFactory(username="cy")
    cy.roles.add(dialogue)
    Credit.objects.create(user=cy, title="Night Shift", role="Editor", year=2024)

    assert found(client, "lima", type="people") == ["ana"]
    assert found(client, "@bo_atmos", type="people") == ["bo_atmos"]
    assert found(client, "atmos film", type="people") == ["bo_atmos"]
    assert found(client, "berlin", type="people") == ["ana"]
    assert found(client, "post-production", type="people") == ["bo_atmos"]
    assert found(client, "dialogue", type="people") == ["cy"]
    assert found(client, '"night shift"', type="people") == ["cy"]
    assert found(client, "berlin atmos", type="people") == []
    assert ana and bo


def test_people_who_opt_out_or_block_are_not_found(client):
    viewer = UserFactory()
    client.force_login(viewer)
    UserFactory(username="hidden_one", location="Berlin", discoverable=False)
    blocker = UserFactory(username="blocker", location="Berlin")
    block_create(blocker=blocker, blocked=viewer)
    UserFactory(username="shown", location="Berlin")

    assert found(client, "berlin", type="people") == ["shown"]


def test_people_pages_continue(client):
    for number in range(25):
        UserFactory(username=f"berliner{number}", location="Berlin")

    first = search(client, "berlin", type="people")
    second = client.get(first.context["next_url"])

    names = [p.username for p in first.context["items"] + second.context["items"]]
    assert sorted(names) == sorted(f"berliner{number}" for number in range(25))


def test_tags_by_how_they_start_only_from_listed_posts(client, maya):
    for name in ("mixing", "mic", "Mastering", "other"):
        post_services.post_create(author=maya, text=f"Hello #{name}")
    post_services.post_create(author=maya, text="Hidden #misty", visibility="private")

    assert found(client, "#mi", type="tags") == ["mic", "mixing"]
    assert found(client, "MA", type="tags") == ["mastering"]
    assert found(client, "#", type="tags") == []


def test_tags_pages_continue(client, maya):
    for number in range(25):
        post_services.post_create(author=maya, text=f"Hello #tag{number:02}")

    first = search(client, "tag", type="tags")
    second = client.get(first.context["next_url"])

    names = [tag.name for tag in first.context["items"] + second.context["items"]]
    assert names == [f"tag{number:02}" for number in range(25)]
    assert search(client, "tag", type="tags", before="²").context["items"] == first.context["items"]


def test_the_index_follows_deleted_posts(client, maya):
    post = post_services.post_create(author=maya, text="Temporary mix note")
    assert found(client, "temporary") == ["Temporary mix note"]

    post_services.post_delete(post=post, user=maya)

    assert found(client, "temporary") == []


@pytest.mark.skipif(ON_POSTGRESQL, reason="SQLite's triggers; PostgreSQL's column is generated")
def test_the_index_is_repaired_when_a_migration_dropped_its_triggers(client, maya):
    with connection.cursor() as cursor:
        for trigger in ("search_post_insert", "search_post_delete", "search_post_update"):
            cursor.execute(f"DROP TRIGGER {trigger}")
    post_published(maya, "Written while the index was down")
    assert found(client, "written") == []

    index.index_repair(using="default")

    assert found(client, "written") == ["Written while the index was down"]


def test_a_search_too_long_is_refused_beside_the_box_and_kept(client, maya):
    post_published(maya, "Mixing")
    typed = "mixing " + "x" * 200

    response = search(client, typed)

    body = response.content.decode()
    assert response.context["items"] == []
    assert "Search for at most 200 characters (this is 207)." in body
    assert f'value="{typed}"' in body
    assert 'aria-invalid="true"' in body


def test_htmx_gets_the_search_area_with_its_box_tabs_and_results(client, maya):
    post_published(maya, "Mixing")
    url = reverse("search:search")

    results = client.get(url, {"q": "mixing"}, **HTMX)
    refused = client.get(url, {"q": "x" * 201}, **HTMX)

    body = results.content.decode()
    assert body.lstrip().startswith('<div id="search-area"')
    assert "<html" not in body
    # The tabs follow the search made in place.
    assert 'href="/search/?q=mixing&amp;type=people"' in body
    assert body.count('class="post-card') == 1
    assert "Search for at most 200 characters" in refused.content.decode()


def test_the_navigation_links_to_search(client, maya):
    assert 'href="/search/"' in client.get("/public/").content.decode()
    client.force_login(maya)
    body = client.get("/").content.decode()
    assert re.search(r'<a href="/search/"[^>]*>Search</a>', body)


def test_a_followed_persons_followers_only_post_is_found_by_followers_only(client, maya):
    fan = UserFactory()
    follow_create(follower=fan, followee=maya)
    post_services.post_create(author=maya, text="Private mix notes", visibility="private")

    assert found(client, "private") == []
    client.force_login(fan)
    assert found(client, "private") == ["Private mix notes"]


def test_matches_beyond_the_newest_posts_read_in_order_are_found(client, maya, monkeypatch):
    """PostgreSQL reads the newest WALK posts in order, then asks the GIN index for the rest:
    with a walk of 3 posts, matches on both sides of it come back as one newest-first page."""
    monkeypatch.setattr(index, "WALK", 3)
    monkeypatch.setattr(index, "WALK_BEST", 3)
    post_published(maya, "Oldest theremin take")
    for number in range(6):
        post_published(maya, f"Filler {number}")
    post_published(maya, "Newer theremin take")
    post_published(maya, "Filler again")

    assert found(client, "theremin") == ["Newer theremin take", "Oldest theremin take"]
    assert sorted(found(client, "theremin", order="best")) == sorted(found(client, "theremin"))
    assert found(client, "theremin -newer") == ["Oldest theremin take"]
    if ON_POSTGRESQL:
        # The index was asked with the walk turned off, in the test's transaction: the
        # settings are back for whatever comes next in it.
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_indexscan")
            assert cursor.fetchone() == ("on",)
            cursor.execute("SHOW plan_cache_mode")
            assert cursor.fetchone() == ("auto",)


def test_best_match_without_words_pages_newest_first(client, maya):
    for number in range(25):
        post_published(maya, f"Take {number}")

    first = search(client, "from:maya", order="best")
    second = client.get(first.context["next_url"])

    texts = [post.text for post in first.context["items"] + second.context["items"]]
    assert texts == [f"Take {number}" for number in reversed(range(25))]


def test_an_authors_matches_beyond_the_newest_matches_are_found(client, maya, monkeypatch):
    """With from: (or a #tag), SQLite looks through the newest WALK matches, then reads the
    rest as a list of matches; PostgreSQL as without: here both sides of a walk of 3."""
    monkeypatch.setattr(index, "WALK", 3)
    monkeypatch.setattr(index, "WALK_BEST", 3)
    other = UserFactory()
    post_published(maya, "Maya's old theremin")
    for number in range(5):
        post_published(other, f"Another theremin {number}")
    post_published(maya, "Maya's new theremin")
    for number in range(5):
        post_published(other, f"More theremin {number}")

    assert found(client, "from:maya theremin") == ["Maya's new theremin", "Maya's old theremin"]
    best = found(client, "from:maya theremin", order="best")
    assert sorted(best) == ["Maya's new theremin", "Maya's old theremin"]

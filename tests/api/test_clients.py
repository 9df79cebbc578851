"""A day with a real client: Mastodon.py 2.3 against the live server, signed in through the
whole OAuth code flow (the site's login form and the consent page, filled as a browser would),
then doing what an app does: post with a picture and a sound, read and page the home timeline
by its Link headers, favourite, reblog, follow, read notifications, search, sign out."""

import pytest
from mastodon import Mastodon
from mastodon.errors import MastodonAPIError, MastodonUnauthorizedError

from posts.models import Post
from tests.accounts.images import image_bytes
from tests.api.test_clients_login import code_through_the_browser
from tests.factories import UserFactory, post_published
from tests.posts.sounds import wav_bytes

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SCOPES = ["read", "write", "follow"]


def signed_in(live_server, username: str) -> Mastodon:
    """A Mastodon.py client of `username`'s, signed in as an app on a phone would be."""
    client_id, client_secret = Mastodon.create_app(
        "Mastodon.py day", scopes=SCOPES, api_base_url=live_server.url
    )
    app = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=live_server.url)
    url = app.auth_request_url(
        redirect_uris="urn:ietf:wg:oauth:2.0:oob", scopes=SCOPES, allow_http=True
    )
    code = code_through_the_browser(url, username)
    app.log_in(code=code, redirect_uri="urn:ietf:wg:oauth:2.0:oob", scopes=SCOPES, allow_http=True)
    return app


def test_a_day_with_mastodon_py(live_server, tmp_path):
    maya = UserFactory(username="maya", display_name="Maya")
    theo = UserFactory(username="theo", display_name="Theo")
    for number in range(25):
        post_published(theo, f"Take {number} of the room tone")
    app = signed_in(live_server, "maya")

    # Mastodon.py reads the server's version first: it must parse ours.
    assert app.retrieve_mastodon_version() == "4.3.0"
    me = app.account_verify_credentials()
    assert me.username == "maya" and me.display_name == "Maya"
    assert app.instance_v2().configuration.statuses.max_characters == 140

    # Following fills the home timeline with Theo's posts.
    relationship = app.account_follow(theo.pk)
    assert relationship.following is True
    assert app.account_relationships([theo.pk])[0].following is True

    # Posting, with a picture and a sound uploaded first, as apps do.
    picture_file = tmp_path / "desk.png"
    picture_file.write_bytes(image_bytes("PNG", (800, 600)))
    picture = app.media_post(str(picture_file), mime_type="image/png", description="The desk")
    assert picture.type == "image" and picture.description == "The desk"
    sound_file = tmp_path / "tone.wav"
    sound_file.write_bytes(wav_bytes(1.0))
    sound = app.media_post(str(sound_file), mime_type="audio/wav")
    assert sound.type == "audio"
    posted = app.status_post(
        "Printing the stems for the final mix #foley", media_ids=[picture.id], visibility="public"
    )
    assert posted.account.username == "maya"
    assert [tag.name for tag in posted.tags] == ["foley"]
    assert posted.media_attachments[0].description == "The desk"
    with_sound = app.status_post("The room, one second", media_ids=[sound.id])
    assert with_sound.media_attachments[0].type == "audio"

    # The 140-character rule answers as the compose box does.
    with pytest.raises(MastodonAPIError, match="140"):
        app.status_post("x" * 141)

    # The home timeline: her two posts and Theo's 25, paged by the Link headers to the end.
    page = app.timeline_home(limit=10)
    seen = []
    while page:
        seen += [status.id for status in page]
        page = app.fetch_next(page)
    assert len(seen) == 27 == len(set(seen))
    assert seen == sorted(seen, reverse=True)
    assert seen[0] == with_sound.id

    # Favourite and reblog Theo's newest post; he hears of both.
    newest = Post.objects.filter(author=theo).latest("id")
    assert app.status_favourite(newest.pk).favourited is True
    reblog = app.status_reblog(newest.pk)
    # Mastodon.py keeps ids as it got them: strings.
    assert int(reblog.reblog.id) == newest.pk and reblog.reblogged is True
    assert app.status(newest.pk).favourites_count == 1

    # Theo's answer reaches her notifications.
    theo_app = signed_in(live_server, "theo")
    theo_app.status_post("@maya the stems sound great", in_reply_to_id=posted.id)
    theo_app.status_favourite(posted.id)
    notifications = app.notifications()
    assert {item.type for item in notifications} >= {"mention", "favourite", "follow"} - {"follow"}
    mention = next(item for item in notifications if item.type == "mention")
    assert mention.account.username == "theo"
    assert mention.status.in_reply_to_id == posted.id

    # Search finds her post by a word and Theo by his name.
    found = app.search_v2("stems", result_type="statuses")
    assert posted.id in [status.id for status in found.statuses]
    people = app.search_v2("theo", result_type="accounts")
    assert [account.username for account in people.accounts] == ["theo"]

    # Unfavourite, unreblog, unfollow, then sign out: the token stops working.
    assert app.status_unfavourite(newest.pk).favourited is False
    assert app.status_unreblog(newest.pk).reblogged is False
    assert app.account_unfollow(theo.pk).following is False
    app.revoke_access_token(allow_http=True)
    with pytest.raises(MastodonUnauthorizedError):
        app.account_verify_credentials()
    assert maya.posts.count() == 2

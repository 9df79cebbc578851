"""Messages: conversations between the same people, the list (unread first), a conversation's
page with its box and its poll, starting one from a profile, the unread count, who may write to
whom, and that nobody outside a conversation reads it."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import MessagesFrom, Visibility
from accounts.services import block_create
from conversations import services
from conversations.models import Conversation, Member
from follows.services import follow_create
from posts import services as post_services
from posts.models import Post
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def ana():
    return UserFactory(username="ana", display_name="Ana Ruiz")


@pytest.fixture
def ben():
    return UserFactory(username="ben", display_name="Ben Okafor")


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def start(sender, recipient, text="Free for a session on Friday?"):
    post = services.message_start(sender=sender, recipient=recipient, text=text)
    return post.message.conversation


def unread(person) -> int:
    person.refresh_from_db()
    return person.unread_conversations


def test_a_first_message_makes_a_conversation_and_marks_it_unread_for_the_other(ana, ben):
    conversation = start(ana, ben)

    assert unread(ben) == 1 and unread(ana) == 0
    again = start(ana, ben, "Or Saturday")
    assert again == conversation  # the same two people: the same conversation
    assert unread(ben) == 1  # one conversation unread, however many messages
    assert Conversation.objects.count() == 1

    page = signed_in(ben).get("/").content.decode()
    assert re.search(r"Messages\s*<span class=\"unread-badge\"[^>]*><span class=\"count\">1<", page)


def test_the_profile_button_starts_a_conversation_and_then_leads_to_it(ana, ben):
    client = signed_in(ana)
    profile = client.get(reverse("accounts:profile", args=["ben"])).content.decode()
    assert 'href="/messages/new/?to=ben" aria-label="Message Ben Okafor">Message</a>' in profile

    page = client.get("/messages/new/?to=ben").content.decode()
    assert 'Message <a href="/@ben/">Ben Okafor</a>' in page
    response = client.post("/messages/new/", {"to": "ben", "text": "Hello Ben"})
    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/messages/{conversation.pk}/"
    # Once there is a conversation, the button leads to it.
    assert client.get("/messages/new/?to=ben")["Location"] == f"/messages/{conversation.pk}/"


def test_starting_refusals_are_beside_the_box_and_the_text_stays(ana, ben):
    ben.messages_from = MessagesFrom.FOLLOWING
    ben.save()
    response = signed_in(ana).post("/messages/new/", {"to": "ben", "text": "Quick question"})

    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="message-form-errors"' in html
    assert "@ben takes messages only from people they follow." in html
    assert "Quick question</textarea>" in html
    assert not Post.objects.exists()

    too_long = signed_in(ana).post("/messages/new/", {"to": "ben", "text": "x" * 141})
    assert "Posts can be at most 140 characters" in too_long.content.decode()
    for name in ("ana", "nobody", "", "b" * 31, "ben²"):
        assert signed_in(ana).get(f"/messages/new/?to={name}").status_code == 404


def test_nobody_can_write_to_someone_who_takes_no_messages_and_blocks_stop_both_ways(ana, ben):
    ben.messages_from = MessagesFrom.NOBODY
    ben.save()
    assert "Message</a>" not in signed_in(ana).get("/@ben/").content.decode()
    with pytest.raises(Exception, match="doesn't take messages"):
        start(ana, ben)

    ben.messages_from = MessagesFrom.EVERYONE
    ben.save()
    conversation = start(ana, ben)
    block_create(blocker=ben, blocked=ana)
    member = Member.objects.get(user=ana)
    response = signed_in(ana).post(
        f"/messages/{conversation.pk}/", {"text": "Still there?"}, **HTMX
    )
    assert "You can&#x27;t message @ben: they have blocked you." in response.content.decode()
    response = signed_in(ben).post(f"/messages/{conversation.pk}/", {"text": "Bye"}, **HTMX)
    assert "You block @ana: unblock them to message them." in response.content.decode()
    assert member.conversation.messages.count() == 1


def test_following_someone_lets_them_write_to_you_when_you_take_only_those(ana, ben):
    ben.messages_from = MessagesFrom.FOLLOWING
    ben.save()
    follow_create(follower=ben, followee=ana)
    start(ana, ben)
    assert unread(ben) == 1


def test_the_conversation_page_reads_oldest_first_and_opening_it_marks_it_read(ana, ben):
    conversation = start(ana, ben, "First")
    services.message_send(sender=ben, member=Member.objects.get(user=ben), text="Second")
    services.message_send(sender=ana, member=Member.objects.get(user=ana), text="Third")
    assert unread(ben) == 1

    html = signed_in(ben).get(f"/messages/{conversation.pk}/").content.decode()

    assert html.index("First") < html.index("Second") < html.index("Third")
    assert '<h1><a href="/@ana/">Ana Ruiz</a></h1>' in html
    assert 'id="message-poller"' in html and 'hx-trigger="every 5s"' in html
    assert unread(ben) == 0
    assert not Member.objects.get(user=ben).unread


def test_sending_with_htmx_returns_a_fresh_box_and_everything_new(ana, ben):
    conversation = start(ana, ben, "First")
    first = Post.objects.get()
    services.message_send(sender=ana, member=Member.objects.get(user=ana), text="Arrived meanwhile")

    # The page had the first message: it polls after message number 1.
    assert first.message.seq == 1
    response = signed_in(ben).post(
        f"/messages/{conversation.pk}/", {"text": "My answer", "after": 1}, **HTMX
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Arrived meanwhile") < html.index("My answer")
    assert "</textarea>" in html and "My answer</textarea>" not in html
    assert 'name="after" value="3"' in html  # the poll moves past the third message
    assert unread(ana) == 1 and unread(ben) == 0


def test_sending_without_javascript_redirects_back_to_the_conversation(ana, ben):
    conversation = start(ana, ben)
    response = signed_in(ben).post(f"/messages/{conversation.pk}/", {"text": "Plain form"})
    assert response["Location"] == f"/messages/{conversation.pk}/"
    response = signed_in(ben).post(f"/messages/{conversation.pk}/", {"text": ""})
    assert response.status_code == 422
    assert "Write something first." in response.content.decode()


def test_naming_an_outsider_in_a_conversation_is_refused(ana, ben):
    UserFactory(username="carla")
    conversation = start(ana, ben)
    response = signed_in(ana).post(
        f"/messages/{conversation.pk}/", {"text": "@carla should hear this"}, **HTMX
    )
    assert "start a conversation from their profile" in response.content.decode()
    assert Post.objects.count() == 1


def test_the_poll_answers_204_until_a_message_arrives(ana, ben):
    conversation = start(ana, ben, "First")
    first = Post.objects.get()
    client = signed_in(ana)
    url = f"/messages/{conversation.pk}/newer/?after={first.message.seq}"
    assert client.get(url, **HTMX).status_code == 204

    services.message_send(sender=ben, member=Member.objects.get(user=ben), text="Answer")
    assert unread(ana) == 1
    response = client.get(url, **HTMX)
    html = response.content.decode()
    assert "Answer" in html and 'hx-swap-oob="beforeend:#messages"' in html
    assert unread(ana) == 0  # the conversation is open: read
    for after in ("x", "²", "-1", "9" * 30):
        assert client.get(f"/messages/{conversation.pk}/newer/?after={after}").status_code in (
            200,
            204,
        )


def test_strangers_get_404_for_the_conversation_its_poll_and_each_message(ana, ben):
    conversation = start(ana, ben, "Only for Ben")
    post = Post.objects.get()
    carla = UserFactory(username="carla")
    client = signed_in(carla)
    for url in (
        f"/messages/{conversation.pk}/",
        f"/messages/{conversation.pk}/newer/?after=0",
        reverse("posts:detail", args=["ana", post.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/messages/{conversation.pk}/", {"text": "Let me in"}).status_code == 404
    assert "Only for Ben" not in client.get("/messages/").content.decode()
    assert Client().get(reverse("posts:detail", args=["ana", post.pk])).status_code == 404


def test_a_post_for_mentioned_people_only_is_a_message_in_their_conversation(ana, ben):
    carla = UserFactory(username="carla")
    post = post_services.post_create(
        author=ana, text="@ben @carla the mix is ready", visibility=Visibility.DIRECT
    )
    members = set(post.message.conversation.members.values_list("user__username", flat=True))
    assert members == {"ana", "ben", "carla"}
    html = signed_in(carla).get("/messages/").content.decode()
    assert "Ana Ruiz, Ben Okafor" in html
    assert "the mix is ready" in html
    # A reply to it goes to everyone it went to, in the same conversation.
    reply = post_services.post_create(author=ben, text="Listening now", in_reply_to=post)
    assert reply.message.conversation == post.message.conversation
    assert unread(carla) == 1


def test_the_list_puts_unread_first_then_newest_and_pages(ana):
    others = UserFactory.create_batch(24)
    for person in others:
        start(person, ana, f"Hello from {person.username}")
    # Ana reads them all, then one older conversation gets a new message.
    for member in Member.objects.filter(user=ana):
        services.conversation_read(member=member)
    oldest = others[0]
    services.message_send(
        sender=oldest, member=Member.objects.get(user=oldest), text="Bumped and unread"
    )
    client = signed_in(ana)

    first = client.get("/messages/").content.decode()
    assert first.count('class="conversation-item') == 20
    assert first.index("Bumped and unread") < first.index(f"Hello from {others[-1].username}")
    assert "is-unread" in first.split("conversation-item")[1]
    more = re.search(r'href="(/messages/\?before=[^"]+)"', first).group(1).replace("&amp;", "&")
    rest = client.get(more, **HTMX).content.decode()
    assert rest.count('class="conversation-item') == 4
    shown = re.findall(r"Hello from (\w+)", first + rest)
    assert len(set(shown)) == 23  # every other conversation once; the bumped one shows its new text
    for cursor in ("x", "1.²", "2.5", "1.99999999999999999999", "."):
        assert client.get(f"/messages/?before={cursor}").status_code == 200


def test_the_list_and_a_conversation_cost_the_same_queries_however_long(
    ana, django_assert_num_queries
):
    def fill(n):
        for _ in range(n):
            start(UserFactory(), ana, "Hi")
        conversation = start(UserFactory(), ana, "Long one")
        other = Member.objects.exclude(user=ana).get(conversation=conversation)
        for i in range(n):
            services.message_send(sender=other.user, member=other, text=f"Line {i}")
        return conversation

    short = fill(2)
    counts = {}
    for label, conversation in (("short", short), ("long", fill(40))):
        client = signed_in(ana)
        with CaptureQueriesContext(connection) as listing:
            client.get("/messages/")
        with CaptureQueriesContext(connection) as page:
            client.get(f"/messages/{conversation.pk}/")
        counts[label] = (len(listing), len(page))
    assert counts["short"] == counts["long"]
    client = signed_in(ana)
    # session, person, three for the list, the notifications count in the navigation
    with django_assert_num_queries(6):
        client.get("/messages/")
    # session, person, membership, its people, the messages, the notifications count (read
    # already: nothing to write)
    with django_assert_num_queries(6):
        client.get(f"/messages/{short.pk}/")


def test_messages_are_never_in_timelines_profiles_or_the_admin(ana, ben, admin_client):
    start(ana, ben, "Secret plan")
    for client in (signed_in(ana), signed_in(ben), admin_client):
        for url in ("/", "/public/", "/@ana/"):
            assert "Secret plan" not in client.get(url).content.decode(), url
    assert "Secret plan" not in admin_client.get("/admin/posts/post/").content.decode()
    post = Post.objects.get()
    assert admin_client.get(f"/admin/posts/post/{post.pk}/change/").status_code in (302, 404)
    assert admin_client.get(reverse("posts:detail", args=["ana", post.pk])).status_code == 404


def test_a_reported_message_reaches_moderators_with_its_conversation(ana, ben, admin_client):
    conversation = start(ana, ben, "Send me your bank details")
    services.message_send(sender=ben, member=Member.objects.get(user=ben), text="No thanks")
    start(ana, UserFactory(), "An unreported message")
    reported = Post.objects.get(text="Send me your bank details")

    response = signed_in(ben).post(
        reverse("moderation:report_post", args=[reported.pk]),
        {"category": "spam", "comment": "Phishing"},
    )
    assert response.status_code in (200, 302)
    report = reported.reports.get()
    Post.objects.filter(text="No thanks").update(created_at=report.created_at)
    mine = Member.objects.get(user=ana, conversation=conversation)
    later = services.message_send(sender=ana, member=mine, text="Later")
    Post.objects.filter(pk=later.pk).update(created_at=report.created_at + timedelta(seconds=1))

    page = admin_client.get(f"/admin/moderation/report/{report.pk}/change/").content.decode()
    assert "<strong>@ana</strong>" in page and "Send me your bank details" in page
    assert "No thanks" in page
    assert "Later" not in page  # written after the report
    listing = admin_client.get("/admin/posts/post/").content.decode()
    assert "Send me your bank details" in listing
    assert "An unreported message" not in listing
    assert conversation.messages.count() == 3


def test_a_long_conversation_shows_the_newest_and_loads_earlier_ones(ana, ben):
    conversation = start(ana, ben, "Message 0")
    member = Member.objects.get(user=ana)
    for n in range(1, 35):
        services.message_send(sender=ana, member=member, text=f"Message {n}")
    client = signed_in(ben)

    page = client.get(f"/messages/{conversation.pk}/").content.decode()
    shown = [int(n) for n in re.findall(r"Message (\d+)</p>", page)]
    assert shown == list(range(5, 35))  # the newest 30, oldest first
    earlier = re.search(r'href="(/messages/\d+/\?before=\d+)"', page).group(1)
    rest = client.get(earlier, **HTMX).content.decode()
    assert [int(n) for n in re.findall(r"Message (\d+)</p>", rest)] == list(range(5))
    assert "Earlier messages" not in rest
    for before in ("x", "²", "0", "9" * 30):
        assert client.get(f"/messages/{conversation.pk}/?before={before}").status_code == 200


def test_a_suspended_member_keeps_the_conversation_one(ana, ben):
    from django.utils import timezone

    conversation = start(ana, ben, "Hello")
    ben.suspended_at = timezone.now()
    ben.save()
    post = services.message_send(
        sender=ana, member=Member.objects.get(user=ana), text="Still there?"
    )
    assert post.message.conversation == conversation
    assert Conversation.objects.count() == 1


def test_opening_a_conversation_clears_the_count_on_that_same_page(ana, ben):
    conversation = start(ana, ben)
    html = signed_in(ben).get(f"/messages/{conversation.pk}/").content.decode()
    badge = re.search(r'<span class="unread-badge[^"]*"', html).group(0)
    assert "is-empty" in badge


def test_the_list_hides_the_last_message_of_someone_blocked(ana, ben):
    start(ben, ana, "Buy my plugin")
    block_create(blocker=ana, blocked=ben)
    assert "Buy my plugin" not in signed_in(ana).get("/messages/").content.decode()


def test_an_earlier_page_opened_alone_polls_after_the_newest_message(ana, ben):
    conversation = start(ana, ben, "Message 0")
    member = Member.objects.get(user=ana)
    for n in range(1, 35):
        services.message_send(sender=ana, member=member, text=f"Message {n}")
    html = signed_in(ben).get(f"/messages/{conversation.pk}/?before=5").content.decode()
    assert re.findall(r"Message (\d+)</p>", html) == ["0", "1", "2", "3"]
    assert f"newer/?after={conversation.messages.count()}" in html


def test_once_reported_a_message_and_its_pictures_open_to_moderators(ana, ben, admin_client):
    from tests.accounts.images import image_upload

    picture = post_services.attachment_create(owner=ana, upload=image_upload("PNG"))
    post = post_services.post_create(
        author=ana, text="@ben look at this", visibility="direct", media=[(picture.pk, "")]
    )
    urls = [reverse("posts:detail", args=["ana", post.pk]), f"/attachments/{picture.pk}/full"]
    assert [admin_client.get(url).status_code for url in urls] == [404, 404]
    signed_in(ben).post(
        reverse("moderation:report_post", args=[post.pk]), {"category": "abuse", "comment": ""}
    )
    assert [admin_client.get(url).status_code for url in urls] == [200, 200]

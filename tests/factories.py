import factory
from factory.django import DjangoModelFactory

from accounts.models import Industry, Invite, User
from posts.models import Like, Post
from posts.services import author_stats_refresh

PASSWORD = "correct horse battery staple"


class IndustryFactory(DjangoModelFactory):
    class Meta:
        model = Industry
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Industry {n}")
    slug = factory.Sequence(lambda n: f"industry-{n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    display_name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)


def _author_counted(post, create, extracted, **kwargs):
    """The author's stored post count follows, as post_create would keep it."""
    if create:
        author_stats_refresh(author_ids=[post.author_id])


class PostFactory(DjangoModelFactory):
    class Meta:
        model = Post
        skip_postgeneration_save = True  # the hook writes the author's count, not the post

    author = factory.SubFactory(UserFactory)
    text = factory.Sequence(lambda n: f"Working on mix number {n}")
    author_counted = factory.PostGeneration(_author_counted)


class LikeFactory(DjangoModelFactory):
    class Meta:
        model = Like
        skip_postgeneration_save = True  # the hook writes the post's count, not the like

    user = factory.SubFactory(UserFactory)
    post = factory.SubFactory(PostFactory)

    @factory.post_generation
    def counted(like, create, extracted, **kwargs):
        """The post's stored like count follows, as like_create would keep it."""
        if create:
            Post.objects.filter(pk=like.post_id).counts_refresh()


class RepostFactory(DjangoModelFactory):
    """A repost: a Post with repost_of set and no text."""

    class Meta:
        model = Post
        skip_postgeneration_save = True

    author = factory.SubFactory(UserFactory)
    text = ""
    repost_of = factory.SubFactory(PostFactory)

    @factory.post_generation
    def counted(repost, create, extracted, **kwargs):
        if create:
            Post.objects.filter(pk=repost.repost_of_id).counts_refresh()

    author_counted = factory.PostGeneration(_author_counted)


class FollowFactory(DjangoModelFactory):
    """A bare Follow row (no timeline backfill); use follows.services.follow_create to follow
    the way the site does."""

    class Meta:
        model = "follows.Follow"

    follower = factory.SubFactory(UserFactory)
    followee = factory.SubFactory(UserFactory)


def post_published(author, text: str | None = None, **fields) -> Post:
    """Create a post as posts.services.post_create publishes it (one transaction, post_created
    sent, so it fans out to home timelines) but without its text checks, mentions or hashtags:
    for tests that need arbitrary fields. Use post_create where those matter."""
    from django.db import transaction

    from posts.signals import post_created

    with transaction.atomic():
        post = PostFactory(author=author, **({"text": text} if text is not None else {}), **fields)
        post_created.send(sender=Post, post=post)
    return post


class InviteFactory(DjangoModelFactory):
    class Meta:
        model = Invite

    max_uses = 1

import factory
from factory.django import DjangoModelFactory

from accounts.models import Industry, User
from posts.models import Post

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


class PostFactory(DjangoModelFactory):
    class Meta:
        model = Post

    author = factory.SubFactory(UserFactory)
    text = factory.Sequence(lambda n: f"Working on mix number {n}")


class FollowFactory(DjangoModelFactory):
    """A bare Follow row (no timeline backfill); use follows.services.follow_create to follow
    the way the site does."""

    class Meta:
        model = "follows.Follow"

    follower = factory.SubFactory(UserFactory)
    followee = factory.SubFactory(UserFactory)


def post_published(author, text: str | None = None, **fields) -> Post:
    """Create a post the way posts.services.post_create does: in one transaction with the
    post_created signal, so it fans out to home timelines. (MERGE: call post_create itself once
    the posts branch lands.)"""
    from django.db import transaction

    from posts.signals import post_created

    with transaction.atomic():
        post = PostFactory(author=author, **({"text": text} if text is not None else {}), **fields)
        post_created.send(sender=Post, post=post)
    return post

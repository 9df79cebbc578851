"""People read through statements compiled once a process (accounts.selectors): the person a
statement makes is the one the queryset makes, field for field and flag for flag."""

import pytest
from django.utils import timezone

from accounts.models import Industry, Role, User
from accounts.selectors import people_counted, people_counted_by_id
from follows.models import Follow
from posts.services import post_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def seen(person) -> dict:
    """What a person carries: every field, each annotation, the industry."""
    flags = {name: getattr(person, name) for name in people_counted().query.annotations}
    fields = {field.attname: getattr(person, field.attname) for field in User._meta.fields}
    industry = person.industry and (person.industry.pk, person.industry.name, person.industry.slug)
    return {**fields, **flags, "industry": industry}


def test_people_by_id_are_the_querysets_people_whatever_their_number():
    sound = Industry.objects.order_by("pk").first()
    people = [UserFactory(industry=sound if n % 2 else None) for n in range(123)]
    maya, leo = people[0], people[1]
    maya.roles.add(*Role.objects.order_by("pk")[:2])
    maya.bio, maya.suspended_at = "Foley.", timezone.now()
    maya.save()
    Follow.objects.create(follower=leo, followee=maya)
    post_create(author=leo, text="Plate or spring?")
    ids = [person.pk for person in people]

    for wanted in (ids[:1], ids[:7], ids[:10], ids[:11], ids, [*ids[:3], None, 10**12]):
        found = people_counted_by_id(wanted)
        expected = people_counted().filter(pk__in=[pk for pk in wanted if pk])
        assert {pk: seen(person) for pk, person in found.items()} == {
            person.pk: seen(person) for person in expected
        }
    assert people_counted_by_id([]) == {}

"""Template tags for pages owned by other apps (the profile page) that show a follow button or
follow counts: accounts may not import follows, but its templates can `{% load follows_tags %}`.

Lists should annotate `viewer_follows` / the counts in their query instead (see
follows.selectors.people_for_cards): these tags cost one query each when the value is missing.
"""

from django import template

from follows import selectors
from follows.models import Follow

register = template.Library()


@register.inclusion_tag("follows/partials/follow_button.html", takes_context=True)
def follow_button(context, person):
    """{% follow_button person %}: the Follow/Unfollow button for `person`."""
    user = context.get("user")
    following = getattr(person, "viewer_follows", None)
    if following is None:
        following = bool(
            user is not None
            and user.is_authenticated
            and Follow.objects.filter(follower=user, followee=person).exists()
        )
    return {
        "person": person,
        "following": following,
        "user": user,
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        # the page's path (see core.context_processors.site), for the form's `next`
        "here": context.get("here", ""),
    }


@register.inclusion_tag("follows/partials/follow_counts.html")
def follow_counts(person):
    """{% follow_counts person %}: "N following, M followers", linking to the lists."""
    if not hasattr(person, "followers_count"):
        followers, following = selectors.follow_counts(people=[person])[person.pk]
        person.followers_count, person.following_count = followers, following
    return {"person": person}

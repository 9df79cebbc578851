"""The Relationship entity: how the signed-in person and another stand."""

from accounts.models import User


def relationship(person: User) -> dict:
    """The Relationship of the viewer with `person`, from `follows.selectors.people.
    relationships`. What the site has no notion of is false or empty: notifications of
    someone's posts, featured people, private notes, domain blocks, per-language follows. A
    mute here hides posts, not notifications (`muting_notifications` false); reposts of the
    people followed always reach the home timeline (`showing_reblogs` as `following`)."""
    return {
        "id": str(person.pk),
        "following": person.viewer_follows,
        "showing_reblogs": person.viewer_follows,
        "notifying": False,
        "languages": None,
        "followed_by": person.follows_viewer,
        "blocking": person.viewer_blocks,
        "blocked_by": person.blocks_viewer,
        "muting": person.viewer_mutes,
        "muting_notifications": False,
        "requested": person.viewer_requested,
        "requested_by": person.requested_viewer,
        "domain_blocking": False,
        "endorsed": False,
        "note": "",
    }

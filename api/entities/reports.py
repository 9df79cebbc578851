"""The Report entity, and Mastodon's report categories as ours."""

from api.entities.accounts import Origin, account, people_by_id
from api.http import iso
from moderation.models import Report

Category = Report.Category
# Mastodon's `violation` (of the server's rules) is our abuse; `legal` our illegal content.
CATEGORIES = {
    "spam": Category.SPAM,
    "legal": Category.ILLEGAL,
    "violation": Category.ABUSE,
    "other": Category.OTHER,
}
NAMES = {ours: theirs for theirs, ours in CATEGORIES.items()}


def report(first: Report, posts: list[int], target_id: int, origin: Origin) -> dict:
    """A Report entity for the reports just made of `target_id`'s account (`first`) and posts
    (`posts`): Mastodon files one report with several posts, the site one report each."""
    target = people_by_id([target_id])[target_id]
    return {
        "id": str(first.pk),
        "action_taken": first.status != Report.Status.OPEN,
        "action_taken_at": iso(first.handled_at),
        "category": NAMES.get(first.category, "other"),
        "comment": first.comment,
        "forwarded": False,
        "created_at": iso(first.created_at),
        "status_ids": [str(pk) for pk in posts] or None,
        "rule_ids": None,
        "target_account": account(target, origin),
    }

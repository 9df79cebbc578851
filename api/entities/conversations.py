"""The Conversation entity, for a page of conversations at once."""

from api.entities.accounts import Origin, account, people_by_id
from api.entities.statuses import StatusWriter
from conversations.models import Member


def conversations(rows: list[Member], viewer, origin: Origin) -> list[dict]:
    """Conversation entities for `rows` (from conversations.selectors.conversations_newest):
    the other people's accounts and the newest messages in a fixed number of queries. The
    id is the conversation's, which its page on the site uses too."""
    people = people_by_id(person.pk for row in rows for person in row.others)
    writer = StatusWriter([row.last for row in rows if row.last is not None], viewer, origin)
    return [
        {
            "id": str(row.conversation_id),
            "unread": row.unread,
            "accounts": [account(people[person.pk], origin) for person in row.others],
            "last_status": writer.status(row.last) if row.last is not None else None,
        }
        for row in rows
    ]

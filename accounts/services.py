"""Writes for accounts: sign-up, approval, profile edits, avatars, deletion, blocks, mutes."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from accounts import avatars, tasks
from accounts.models import (
    PROFILE_FIELDS,
    ROLES_MAX,
    Block,
    Credit,
    Invite,
    MessagesFrom,
    Mute,
    RegistrationMode,
    SiteSettings,
    User,
    credit_year_max,
)
from accounts.signals import block_created, followers_approval_ended, user_deleting
from core.db import get_or_create
from core.ratelimit import counted, per_address, rate_limit_hit
from core.tasks import enqueue

logger = logging.getLogger(__name__)


class SignupClosed(Exception):
    """Sign-ups are not possible right now; the message says why."""


def signup_allowed(*, invite: Invite | None) -> tuple[bool, str]:
    """Whether someone may sign up now, and if not, the sentence that explains it.

    A valid invite opens the door in every mode, as in Mastodon.
    """
    site = SiteSettings.load()
    if invite is not None and invite.is_usable:
        return True, ""
    if site.registration_mode == RegistrationMode.CLOSED:
        return False, site.closed_message or "Sign-ups are closed on this server for now."
    if site.registration_mode == RegistrationMode.INVITE:
        if invite is not None:
            return False, "That invite link has expired or has been used up."
        return (
            False,
            site.closed_message or "This server is invite only. Ask a member for an invite link.",
        )
    return True, ""


@counted("signup", per_address("address"))
@transaction.atomic
def user_signup(
    *, username: str, email: str, password: str, address: str, invite: Invite | None = None
) -> User:
    """Create an account. With the "approval" mode (and no invite) it waits for a moderator.

    Each attempt counts against the "signup" rate limit of the address it comes from, before
    anything is checked: whether a username or an email address is taken is answered here, and
    only this often: a refused attempt counts too. An invite is used up atomically: two people
    racing for the last use cannot both get it.
    """
    allowed, reason = signup_allowed(invite=invite)
    if not allowed:
        raise SignupClosed(reason)
    taken = {}
    if User.objects.named(username).exists():
        taken["username"] = ValidationError("That username is taken.", code="unique")
    if email and User.objects.with_email(email).exists():
        taken["email"] = ValidationError(
            "An account with that email exists. Log in or reset your password.",
            code="email_taken",
        )
    if taken:
        raise ValidationError(taken)
    if invite is not None and (invite.pk is None or not invite.is_usable):
        invite = None  # an unknown or spent code in a mode that needs none: sign up without it
    if invite is not None:
        used = Invite.objects.usable().filter(pk=invite.pk).update(uses=F("uses") + 1)
        if not used:
            raise SignupClosed("That invite link has expired or has been used up.")
    site = SiteSettings.load()
    user = User(
        username=username,
        email=email,
        invite=invite,
        awaiting_approval=invite is None and site.registration_mode == RegistrationMode.APPROVAL,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def user_approve(*, user: User) -> User:
    """Let a pending account in, and tell the person by email."""
    if not user.awaiting_approval:
        return user
    user.awaiting_approval = False
    user.save(update_fields=["awaiting_approval"])
    if user.email:
        enqueue(tasks.approval_email_send, user.pk)
    return user


PRIVACY_FIELDS = ("default_visibility", "approve_followers", "messages_from", "discoverable")


@transaction.atomic
def privacy_update(*, user: User, fields: dict) -> User:
    """Save the privacy settings (PRIVACY_FIELDS). Turning "approve followers" off accepts the
    requests waiting (`followers_approval_ended`)."""
    unknown = set(fields) - set(PRIVACY_FIELDS)
    if unknown:
        raise ValueError(f"not privacy settings: {sorted(unknown)}")
    # As stored, not as `user` says: a form bound to the person has already set the new value
    # on it. Locked, so a follow being decided against the old value finishes first.
    was = User.objects.select_for_update(no_key=True).values_list("approve_followers", flat=True)
    ended = was.get(pk=user.pk) and fields.get("approve_followers") is False
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(exclude=[f.name for f in User._meta.fields if f.name not in fields])
    user.save(update_fields=list(fields))
    if ended:
        followers_approval_ended.send(sender=User, user=user)
    return user


@transaction.atomic
def profile_update(
    *,
    user: User,
    fields: dict,
    avatar_images: tuple[bytes, bytes] | None = None,
    remove_avatar: bool = False,
    profile_url: str = "",
) -> User:
    """Save profile fields, and replace or remove the avatar.

    New avatar files are written first; if the database write fails they are deleted again, and
    the old files are deleted only once the new names are committed.
    """
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    fields = dict(fields)
    if "website" in fields and fields["website"] != user.website:
        user.website_verified_at = None
    roles = fields.pop("roles", None)
    if roles is not None and len(roles) > ROLES_MAX:
        raise ValidationError({"roles": f"Choose up to {ROLES_MAX} roles."})
    for name, value in fields.items():
        setattr(user, name, value)
    old_files = [user.avatar.name, user.avatar_thumbnail.name]
    new_files: list[str] = []
    if avatar_images is not None:
        new_files = list(
            avatars.avatar_files_save(avatar=avatar_images[0], thumbnail=avatar_images[1])
        )
        user.avatar.name, user.avatar_thumbnail.name = new_files
    elif remove_avatar:
        user.avatar.name, user.avatar_thumbnail.name = "", ""
    try:
        user.full_clean(exclude=["password", "username", "email"])
        user.save()
        if roles is not None:
            user.roles.set(roles)
    except Exception:
        avatars.avatar_files_delete(*new_files)
        raise
    if new_files or remove_avatar:
        transaction.on_commit(lambda: avatars.avatar_files_delete(*old_files))
    if user.website and profile_url:
        # Checked again at each save, as Mastodon does: the page may have gained the link.
        enqueue(tasks.website_verify, user.pk, user.website, profile_url)
    return user


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete the account and everything that hangs off it (posts, follows, likes cascade).

    The avatar files go once the deletion is committed.
    """
    files = [user.avatar.name, user.avatar_thumbnail.name]
    afterwards = [after for _, after in user_deleting.send(sender=User, user=user) if after]
    user.delete()
    for after in afterwards:
        after()
    transaction.on_commit(lambda: avatars.avatar_files_delete(*files))


def block_check(*, actor: User, other: User, action: str) -> None:
    """The check of every act of one person towards another (`action`: "follow", "reply to"):
    refused, with who blocked whom, when either blocks the other."""
    for block in Block.objects.between(actor, other):
        params = {"username": other.username, "action": action}
        if block.blocker_id == actor.pk:
            raise ValidationError(
                "You block @%(username)s: unblock them to %(action)s them.",
                code="blocking",
                params=params,
            )
        raise ValidationError(
            "You can't %(action)s @%(username)s: they have blocked you.",
            code="blocked",
            params=params,
        )


def message_check(*, sender: User, recipient: User) -> None:
    """Whether `sender` may write to `recipient` privately (a post for mentioned people only,
    a message): not when either blocks the other, nor against the recipient's "who can
    message you" setting (everyone, people they follow, nobody). ValidationError saying why."""
    block_check(actor=sender, other=recipient, action="message")
    params = {"username": recipient.username}
    if recipient.messages_from == MessagesFrom.NOBODY:
        raise ValidationError(
            "@%(username)s doesn't take messages.", code="messages_off", params=params
        )
    # Follows belong to a later app; their reverse relation on people is enough here.
    if (
        recipient.messages_from == MessagesFrom.FOLLOWING
        and not recipient.following.filter(followee=sender).exists()
    ):
        raise ValidationError(
            "@%(username)s takes messages only from people they follow.",
            code="messages_following",
            params=params,
        )


def _relation_create(*, model, me: User, them: User, sides: tuple[str, str], verb: str):
    """What blocking and muting share: `me` takes `them` into a `model` row once (its fields
    `sides`); nobody does it to themselves, and doing it again changes nothing. New ones count
    against the "block" rate limit. Returns (row, created)."""
    if me.pk == them.pk:
        raise ValidationError(f"You can't {verb} yourself.", code=f"self_{verb}")
    fields = dict(zip(sides, (me, them), strict=True))
    existing = model.objects.filter(**fields).first()
    if existing is not None:
        return existing, False
    rate_limit_hit(scope="block", key=f"user:{me.pk}")
    return get_or_create(model, **fields)


@transaction.atomic
def block_create(*, blocker: User, blocked: User) -> Block:
    """blocker blocks blocked; blocking again changes nothing. Nobody blocks themselves.

    Sends block_created, on which the follows app removes any follow between the two (both
    ways) and each one's posts from the other's home timeline. Counts against the "block"
    rate limit.
    """
    block, created = _relation_create(
        model=Block, me=blocker, them=blocked, sides=("blocker", "blocked"), verb="block"
    )
    if created:
        block_created.send(sender=Block, blocker=blocker, blocked=blocked)
    return block


@transaction.atomic
def block_delete(*, blocker: User, blocked: User) -> bool:
    """blocker stops blocking blocked (True if they were). Follows removed by the block stay
    removed, as on Mastodon: either may follow the other again."""
    deleted, _ = Block.objects.filter(blocker=blocker, blocked=blocked).delete()
    return bool(deleted)


@transaction.atomic
def mute_create(*, muter: User, muted: User) -> Mute:
    """muter mutes muted; muting again changes nothing. Nobody mutes themselves.

    Nothing changes for muted: they keep following, and are not told. muted's posts (and
    reposts of them) are filtered out of muter's timelines when read. Counts against the
    "block" rate limit.
    """
    mute, _ = _relation_create(
        model=Mute, me=muter, them=muted, sides=("muter", "muted"), verb="mute"
    )
    return mute


@transaction.atomic
def mute_delete(*, muter: User, muted: User) -> bool:
    """muter stops muting muted (True if they were): their posts come back in the timelines."""
    deleted, _ = Mute.objects.filter(muter=muter, muted=muted).delete()
    return bool(deleted)


CREDITS_MAX = 100


@transaction.atomic
def credit_create(*, user: User, title: str, role: str, year: int) -> Credit:
    """Add a line to `user`'s credits (at most CREDITS_MAX). ValidationError, by field, for a
    blank title or role or a year outside 1900 to two years ahead."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    if Credit.objects.filter(user=user).count() >= CREDITS_MAX:
        raise ValidationError(f"You can list up to {CREDITS_MAX} credits.", code="too_many")
    credit = Credit(user=user, title=title.strip(), role=role.strip(), year=year)
    errors = {}
    if not credit.title:
        errors["title"] = "Give the title of the work."
    if not credit.role:
        errors["role"] = "Say what you did on it."
    if not 1900 <= year <= credit_year_max():
        errors["year"] = f"Give a year from 1900 to {credit_year_max()}."
    if errors:
        raise ValidationError(errors)
    credit.full_clean(exclude=["user"])
    credit.save()
    return credit


def credit_delete(*, user: User, credit_id: int) -> bool:
    """Remove one of `user`'s credits (someone else's is left alone). Whether it was there."""
    deleted, _ = Credit.objects.filter(user=user, pk=credit_id).delete()
    return bool(deleted)

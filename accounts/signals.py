"""Signals accounts sends so that the apps above it can react without accounts importing them."""

from django.dispatch import Signal

# Sent by accounts.services.block_create inside its transaction, with `blocker` and `blocked`
# (User). The follows app removes follows both ways and cleans both home timelines.
block_created = Signal()

# Sent by accounts.services.user_delete inside its transaction, before the account goes, with
# `user`. A receiver may return a function, called once the account and all that cascades from it
# are deleted: posts recounts the likes, reposts and replies the account took with it.
user_deleting = Signal()

# Sent when a person's posts start or stop being visible to others (suspended, unsuspended,
# deactivated or reactivated), with `user`, inside the transaction that changed it. posts recounts
# the replies shown on the posts they replied to.
user_visibility_changed = Signal()

# Sent by accounts.services.privacy_update inside its transaction, with `user`, when they stop
# approving followers: follows accepts the requests still waiting.
followers_approval_ended = Signal()

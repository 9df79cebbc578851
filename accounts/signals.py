"""Signals accounts sends so that the apps above it can react without accounts importing them."""

from django.dispatch import Signal

# Sent by accounts.services.block_create inside its transaction, with `blocker` and `blocked`
# (User). The follows app removes follows both ways and cleans both home timelines.
block_created = Signal()

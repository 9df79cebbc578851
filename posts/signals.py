"""Signals that let later apps react to posts without posts importing them.

`follows` listens to fan a new post out to its followers' home timelines.
"""

from django.dispatch import Signal

# Sent by posts.services.post_create inside its transaction, with post=<Post>.
post_created = Signal()

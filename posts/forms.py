import uuid

from django import forms

from accounts.models import Visibility
from posts import text as post_text


class PostForm(forms.Form):
    """The compose box. The 140-character rule itself lives in services.post_text_clean."""

    # strip=False: the server counts exactly what the live counter counted (posts.text.normalize).
    text = forms.CharField(
        label="What are you doing?",
        strip=False,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    visibility = forms.ChoiceField(
        label="Visibility",
        choices=Visibility.choices,
        required=False,
        error_messages={"invalid_choice": "Choose who can see the post."},
    )
    # The id is read by the view with the site's one parser (core.query.form_id).
    in_reply_to = forms.CharField(required=False, widget=forms.HiddenInput)
    client_token = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("client_token", uuid.uuid4())

    def remaining(self) -> int:
        value = self.data.get("text", "") if self.is_bound else self.initial.get("text", "")
        return post_text.MAX_LENGTH - post_text.post_length(value or "")


def reply_initial(*, reply_to, author) -> dict:
    """What a compose box starts with: the author's default visibility; for a reply, the post
    it answers, its visibility, and "@username " of its author (unless `author` answers
    themselves), as Twitter and Mastodon prefill it."""
    if reply_to is None:
        return {"visibility": author.default_visibility}
    initial = {"in_reply_to": reply_to.pk, "visibility": reply_to.visibility}
    if reply_to.author_id != author.pk:
        initial["text"] = f"@{reply_to.author.username} "
    return initial

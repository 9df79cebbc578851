import uuid

from django import forms

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
    in_reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)
    client_token = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("client_token", uuid.uuid4())

    def remaining(self) -> int:
        value = self.data.get("text", "") if self.is_bound else self.initial.get("text", "")
        return post_text.MAX_LENGTH - post_text.post_length(value or "")

from django import forms

from moderation.models import Report
from moderation.services import COMMENT_MAX_LENGTH, REASON_REQUIRED


class ReportForm(forms.Form):
    category = forms.ChoiceField(
        label="What is wrong?",
        choices=Report.Category.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what is wrong.",
            "invalid_choice": "Choose what is wrong.",
        },
    )
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Optional. Anything that helps a moderator understand (up to 1000 characters).",
        error_messages={
            "max_length": "Keep the comment to %(limit_value)d characters (it has %(show_value)d)."
        },
    )


class ReasonForm(forms.Form):
    """The Reason asked for on every moderation confirmation page; it goes into the audit log."""

    reason = forms.CharField(
        label="Reason",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Recorded in the audit log with your name.",
        error_messages={"required": REASON_REQUIRED},
    )

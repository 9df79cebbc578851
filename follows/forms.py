from django import forms
from django.urls import reverse_lazy

from accounts.models import Industry, Role
from core.forms import ListedChoiceField


class PeopleFilterForm(forms.Form):
    """The directory's filters. All optional; an unknown industry is reported beside its field."""

    q = forms.CharField(label="Search", required=False, max_length=100)
    industry = ListedChoiceField(
        label="Industry",
        queryset=Industry.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="Any industry",
        error_messages={"invalid_choice": "Choose an industry from the list."},
    )
    role = ListedChoiceField(
        label="Role",
        queryset=Role.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="Any role",
        error_messages={"invalid_choice": "Choose a role from the list."},
    )
    location = forms.CharField(label="Location", required=False, max_length=50)
    open_to_collaborate = forms.BooleanField(label="Open to collaborate", required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # Each control refreshes the results with the whole form's values (text fields after a
        # 300 ms pause in typing); a newer request replaces one still running. Target, swap and
        # URL push are inherited from the <form>.
        live = {
            "hx-get": reverse_lazy("follows:people"),
            "hx-include": "closest form",
            "hx-sync": "closest form:replace",
        }
        typing = {**live, "hx-trigger": "input changed delay:300ms"}
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs.update(
            {**typing, "placeholder": "Name, username, bio or credit"}
        )
        self.fields["location"].widget.attrs.update({**typing, "placeholder": "e.g. Berlin"})
        self.fields["industry"].widget.attrs.update({**live, "hx-trigger": "change"})
        self.fields["role"].widget.attrs.update({**live, "hx-trigger": "change"})
        self.fields["open_to_collaborate"].widget.attrs.update({**live, "hx-trigger": "change"})

    def filters(self) -> dict:
        """The valid filters (the invalid ones are dropped, and shown with their error)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name in self.fields and value not in (None, "", False)
        }

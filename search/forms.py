from django import forms

from core.forms import NoColonLabels
from search import query as search_query

TABS = {"posts": "Posts", "people": "People", "tags": "Tags"}
ORDERS = {"new": "Newest", "best": "Best match"}


class SearchForm(NoColonLabels, forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        # Not the browser's maxlength: a longer search pasted in is kept in the box, with the
        # message beside it, rather than cut without a word.
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text='Words, "an exact phrase", -leave_out, from:username, #tag.',
    )

    def clean_q(self) -> str:
        text = self.cleaned_data["q"]
        if len(text) > search_query.MAX_LENGTH:
            raise forms.ValidationError(
                f"Search for at most {search_query.MAX_LENGTH} characters (this is {len(text)}).",
                code="max_length",
            )
        return text


def chosen(request, name: str, options: dict) -> str:
    """The option in ?name= if it is one of `options`, else the first: a tab or an order."""
    value = request.GET.get(name)
    return value if value in options else next(iter(options))

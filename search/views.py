"""/search/: one box, three tabs (posts, people, tags), the results under them.

A plain request gets the whole page; htmx gets the results region when the form is sent or a
tab or order is chosen, and the next page's items for "Load more". The URL holds the search, so
results can be shared and the back button works.
"""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from core.paging import Page, page_url
from core.query import parse_id_pair, query_id
from core.ratelimit import client_ip, rate_limit_hit
from core.responses import is_fragment
from posts.text import Highlighter
from search import selectors
from search.forms import ORDERS, TABS, SearchForm, chosen
from search.query import parse, tag_prefix


@require_GET
@vary_on_headers("HX-Request")
def search(request):
    form = SearchForm(request.GET or None)
    tab, order = chosen(request, "type", TABS), chosen(request, "order", ORDERS)
    text = form.cleaned_data["q"].strip() if form.is_valid() else ""
    query = parse(text)
    page = Page([])
    if text:
        person = request.user
        key = f"user:{person.pk}" if person.is_authenticated else f"ip:{client_ip(request)}"
        rate_limit_hit(scope="search", key=key)
        page = _results(request, tab, order, text, query)
    path = reverse("search:search")
    context = {
        "form": form,
        "text": text,
        "tab": tab,
        "order": order,
        "tabs": [
            (name, label, page_url(request, path, type=name, before=None))
            for name, label in TABS.items()
        ],
        "orders": [
            (name, label, page_url(request, path, order=name, before=None))
            for name, label in ORDERS.items()
        ],
        "query": query,
        "items": page.items,
        "search_highlight": Highlighter(query.terms) if tab == "posts" else None,
        "next_url": page_url(request, path, before=page.next_before) if page.next_before else "",
    }
    if is_fragment(request):
        if "before" in request.GET:
            return render(request, f"search/search.html#{tab}-page", context)
        return render(request, "search/search.html#area", context)
    return render(request, "search/search.html", context)


def _results(request, tab: str, order: str, text: str, query) -> Page:
    if tab == "people":
        before = parse_id_pair(request.GET.get("before"))
        return selectors.matching_people(viewer=request.user, query=query, before=before)
    if tab == "tags":
        after = request.GET.get("before")
        after = after if after and after == tag_prefix(after) else None
        return selectors.hashtags_starting(prefix=tag_prefix(text), after=after)
    # Best match pages by (score, id), newest first by id: each reads the cursor it uses.
    return selectors.matching_posts(
        viewer=request.user,
        query=query,
        best=order == "best",
        before=query_id(request, "before"),
        best_before=parse_id_pair(request.GET.get("before")),
    )

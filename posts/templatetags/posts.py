from django import template
from django.utils.html import format_html, format_html_join

from accounts.models import Visibility
from posts import cards, selectors
from posts import text as post_text
from posts.forms import PostForm, reply_initial

register = template.Library()


register.filter("since", cards.since)


@register.simple_tag(takes_context=True)
def post_cards(context, posts, part=None, pinned=False):
    """`{% post_cards posts %}`: a list of post cards for the page's viewer (posts.cards);
    `part="like-button"` renders that partialdef of each card alone; `pinned=True` marks them
    pinned to the profile."""
    return cards.render_cards(context, posts, part=part, pinned=pinned)


@register.simple_tag(takes_context=True)
def post_card(context, post, part=None):
    """`{% post_card post %}`: one post card (see post_cards)."""
    return cards.render_cards(context, [post], part=part)


@register.simple_tag(name="viewer")
def viewer_slot(name):
    """In the card template: a value its viewer gives (posts.cards fills it)."""
    return cards.slot_value(name)


class IfViewerNode(template.Node):
    def __init__(self, name, shown, otherwise):
        self.name, self.shown, self.otherwise = name, shown, otherwise

    def render(self, context):
        return cards.slot_if(self.name, self.shown.render(context), self.otherwise.render(context))


@register.tag
def ifviewer(parser, token):
    """In the card template: `{% ifviewer "own" %}...{% else %}...{% endifviewer %}`, a part
    shown or not by a flag of the viewer's (posts.cards fills it). Both parts are rendered."""
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "'\"" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError("ifviewer takes one quoted name")
    shown = parser.parse(("else", "endifviewer"))
    otherwise = template.NodeList()
    if parser.next_token().contents == "else":
        otherwise = parser.parse(("endifviewer",))
        parser.delete_first_token()
    return IfViewerNode(bits[1][1:-1], shown, otherwise)


@register.simple_tag(takes_context=True)
def post_text_html(context, post):
    """A post's text as safe HTML: see posts.text.render_post_text. On a page of search results
    (`search_highlight` in the context, a posts.text.Highlighter) the matched words are marked."""
    html = post_text.render_post_text(post.text, post.mentioned_usernames)
    highlight = context.get("search_highlight")
    return highlight(html) if highlight else html


def compose_context(
    *,
    form,
    user,
    reply_to=None,
    htmx=True,
    oob=False,
    inline=False,
    drafts=(),
    descriptions=None,
    media_errors=(),
):
    """Context of partials/compose_form.html: the home box, the permalink's reply box, a reply box
    opened inside a card (`inline`), or the plain /compose/ page's form (`htmx` False). `drafts`
    are the pictures uploaded with it so far, with what was typed as their `descriptions`, and
    `media_errors` what was refused."""
    if inline:
        form_id = f"inline-reply-{reply_to.pk}"
    elif reply_to:
        form_id = f"reply-form-{reply_to.pk}"
    else:
        form_id = "compose-form"
    return {
        "form": form,
        "user": user,
        "reply_to": reply_to,
        "form_id": form_id,
        "inline": inline,
        "htmx": htmx,
        "oob": oob,
        "drafts": [
            (draft, (descriptions or {}).get(draft.pk, draft.description)) for draft in drafts
        ],
        "media_errors": media_errors,
        "visibility_choices": Visibility.choices,
        "visibility_chosen": form["visibility"].value(),
        "max_length": post_text.MAX_LENGTH,
        "max_stored_length": post_text.MAX_STORED_LENGTH,
        "url_pattern": post_text.URL_PATTERN,
        "space_chars": post_text.SPACE_CHARS,
        "url_weight": post_text.URL_WEIGHT,
    }


@register.inclusion_tag("posts/partials/compose_form.html", takes_context=True)
def compose_form(context, reply_to=None, htmx=True):
    """A fresh compose box; with `reply_to`, a reply box pre-filled with "@author "."""
    user = context["user"]
    form = PostForm(initial=reply_initial(reply_to=reply_to, author=user))
    result = compose_context(form=form, user=user, reply_to=reply_to, htmx=htmx)
    result["request"] = context.get("request")
    result["csrf_token"] = context.get("csrf_token")
    return result


@register.inclusion_tag("posts/partials/unread_badge.html", takes_context=True)
def unread_notifications(context):
    """The nav's unread-notifications count (one COUNT query), polled by htmx to stay fresh."""
    user = context["user"]
    return {"unread_count": selectors.notifications_unread_count(user=user)}


@register.simple_tag
def waveform(clip):
    """A sound clip's waveform as an SVG of bars, one per peak read at upload (posts.media), for
    the eye only: the player beside it is what assistive technology uses."""
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="0.7" height="{}"></rect>',
        (
            (index, round((40 - height) / 2, 1), height)
            for index, height in (
                (i, max(1.0, round(peak * 0.4, 1))) for i, peak in enumerate(clip.peaks)
            )
        ),
    )
    return format_html(
        '<svg class="waveform" viewBox="0 0 {} 40" preserveAspectRatio="none" aria-hidden="true"'
        ' focusable="false">{}</svg>',
        max(1, len(clip.peaks)),
        bars,
    )


@register.filter
def clip_length(seconds) -> str:
    """A duration as a player shows it: 0:07, 3:45."""
    if seconds is None:
        return ""
    whole = int(round(float(seconds)))
    return f"{whole // 60}:{whole % 60:02d}"

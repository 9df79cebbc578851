import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse, set_script_prefix

from core.links import link


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("posts:detail", ["maya", 42]),
        ("posts:tag", ["zoë_ñ"]),  # a Unicode argument is quoted as reverse() quotes it
        ("posts:like", [1234567890123]),
        ("posts:reply", [5]),
        ("moderation:report_post", [9]),
        ("posts:tag", ["o'brien&co"]),
        ("accounts:profile", ["O_Brien"]),
        ("home", []),
    ],
)
def test_link_gives_the_same_path_as_reverse(name, args):
    assert link(name, *args) == reverse(name, args=args)


def test_link_refuses_arguments_the_route_does_not_take_as_reverse_does():
    with pytest.raises(NoReverseMatch):
        link("posts:like", 1, 2)


def test_link_tag_escapes_and_can_store_its_result():
    template = Template(
        "{% load links %}{% link 'accounts:profile' name as url %}<a href='{{ url }}'>"
    )
    assert template.render(Context({"name": "o'brien"})) == "<a href='/@o&#x27;brien/'>"


def test_link_keeps_the_script_prefix_of_the_request():
    """Served under a sub-path (SCRIPT_NAME), links carry it as reverse() does."""
    link("posts:like", 1)  # cached before the prefix changes
    set_script_prefix("/microblog/")
    try:
        assert (
            link("posts:like", 5) == reverse("posts:like", args=[5]) == "/microblog/posts/5/like/"
        )
    finally:
        set_script_prefix("/")

"""The one parser of ids and cursors from URLs and forms, and the `<id:...>` path converter."""

import pytest
from django.urls import reverse

from core.query import MAX_ID, parse_id, parse_id_pair
from tests.factories import UserFactory, post_published

NOT_IDS = [
    "²",  # superscript two: str.isdigit() says yes, int() says no
    "٣",  # Arabic-Indic three: int() reads it as 3
    "１２",  # full-width digits: int() reads them as 12
    "-1",
    "+1",
    "1.5",
    " 1",
    "1 ",
    "1e3",
    "0x10",
    "",
    "\x00",
    "1\x00",
    "9" * 30,
    str(MAX_ID + 1),
    "1 OR 1=1",
    "<script>",
    None,
    -1,
    MAX_ID + 1,
    True,
]


@pytest.mark.parametrize("value", NOT_IDS, ids=repr)
def test_anything_but_ascii_digits_in_range_is_no_id(value):
    assert parse_id(value) is None


@pytest.mark.parametrize(
    ("value", "number"),
    [("0", 0), ("7", 7), ("007", 7), (str(MAX_ID), MAX_ID), (42, 42), (0, 0)],
)
def test_ids_are_read(value, number):
    assert parse_id(value) == number


@pytest.mark.parametrize(
    ("value", "pair"),
    [
        ("12.34", (12, 34)),
        ("0.1", (0, 1)),
        ("12", None),
        ("12.", None),
        (".34", None),
        ("1.2.3", None),
        ("².3", None),
        ("3.٣", None),
        ("", None),
        (None, None),
    ],
)
def test_two_part_cursors(value, pair):
    assert parse_id_pair(value) == pair


def test_the_id_converter_builds_and_reads_plain_ids(client, db):
    post = post_published(UserFactory(), "hello")

    assert reverse("posts:like", args=[post.pk]) == f"/posts/{post.pk}/like/"
    assert client.get(f"/@{post.author.username}/{post.pk}/").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        f"/@maya/{MAX_ID + 1}/",
        "/@maya/99999999999999999999999999/",
        f"/posts/{MAX_ID + 1}/reply/",
        f"/report/post/{MAX_ID + 1}/",
        "/@maya/%C2%B2/",
        "/posts/%D9%A3/like/",
    ],
)
def test_a_number_that_is_no_id_in_a_path_matches_nothing(client_logged_in, path):
    assert client_logged_in.get(path).status_code == 404
    assert client_logged_in.post(path).status_code == 404

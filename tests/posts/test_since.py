from datetime import UTC, datetime, timedelta

import pytest

from posts.cards import since

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("ago", "shown"),
    [
        (timedelta(seconds=0), "now"),
        (timedelta(seconds=59), "now"),
        (timedelta(seconds=60), "1m"),
        (timedelta(minutes=59, seconds=59), "59m"),
        (timedelta(hours=1), "1h"),
        (timedelta(hours=23, minutes=59), "23h"),
        (timedelta(days=1), "25 Nov"),
        (timedelta(days=320), "10 Jan"),
        (timedelta(days=400), "22 Oct 2025"),
    ],
)
def test_since_says_how_long_ago_as_timelines_do(ago, shown, settings):
    settings.TIME_ZONE = "UTC"
    assert since(NOW - ago, NOW) == shown


def test_a_post_from_the_future_by_clock_skew_is_now():
    assert since(NOW + timedelta(seconds=5), NOW) == "now"

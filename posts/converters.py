from posts import text as post_text


class HashtagConverter:
    """`<tag:...>` in URLs: a hashtag as posts write it (letters, digits and marks of any
    script, and _), so anything else (a NUL byte, which PostgreSQL refuses in text) matches no
    URL: a 404."""

    regex = "[^/]+"

    def to_python(self, value: str) -> str:
        if not post_text.is_hashtag(value):
            raise ValueError(value)
        return value

    def to_url(self, value) -> str:
        return str(value)

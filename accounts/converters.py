from accounts.models import USERNAME_PATTERN


class UsernameConverter:
    """`<username:...>` in URLs: only what a username can be, so anything else (a NUL byte,
    which PostgreSQL refuses in text; a 5,000-character word) matches no URL: a 404."""

    regex = USERNAME_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)

"""What the site's forms share."""


class NoColonLabels:
    """Labels read exactly "Username", "Password", not "Username:"."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

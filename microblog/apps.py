from django.apps import AppConfig


class MicroblogConfig(AppConfig):
    """The project itself, as an app: site-wide templates tags and management commands."""

    name = "microblog"

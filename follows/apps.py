from django.apps import AppConfig


class FollowsConfig(AppConfig):
    name = "follows"

    def ready(self):
        from follows import receivers  # noqa: F401 (connects them)

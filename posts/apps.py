from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "posts"

    def ready(self):
        from core.query import converter_register
        from posts import receivers  # noqa: F401 (connects them)
        from posts.converters import HashtagConverter

        converter_register(HashtagConverter, "tag")

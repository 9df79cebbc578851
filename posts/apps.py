from django.apps import AppConfig
from django.urls import register_converter


class PostsConfig(AppConfig):
    name = "posts"

    def ready(self):
        from posts import receivers  # noqa: F401 (connects them)
        from posts.converters import HashtagConverter

        register_converter(HashtagConverter, "tag")

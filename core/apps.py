from django.apps import AppConfig
from django.urls import register_converter


class CoreConfig(AppConfig):
    """The ground floor every app may import: the web toolkit (decorators, query parsing, keyset
    pages, responses), rate limits, links, logs, admin mixins and backups. It imports no app."""

    name = "core"

    def ready(self):
        from core.query import IdConverter

        # `<id:pk>` in every app's URLs: ids as the one parser reads them.
        register_converter(IdConverter, "id")

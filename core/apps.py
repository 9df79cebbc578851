from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The ground floor every app may import: the web toolkit (decorators, query parsing, keyset
    pages, responses), rate limits, links, logs, admin mixins and backups. It imports no app."""

    name = "core"

    def ready(self):
        from core.query import IdConverter, converter_register

        # `<id:pk>` in every app's URLs: ids as the one parser reads them.
        converter_register(IdConverter, "id")

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The ground floor every app may import: the web toolkit (decorators, query parsing, keyset
    pages, responses), rate limits, links, logs, admin mixins and backups. It imports no app."""

    name = "core"

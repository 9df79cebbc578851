from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    name = "search"

    def ready(self):
        from search import index

        # SQLite rebuilds a table to alter it and drops its triggers with it: after any
        # migration, the triggers that keep the full-text index in step are put back.
        post_migrate.connect(index.index_repair, sender=self)

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class KnowledgeConfig(AppConfig):
    name = "realise.knowledge"
    label = "knowledge"
    verbose_name = "Repository"

    def ready(self):
        from realise.knowledge import searchables
        from realise.knowledge.search import sqlite

        searchables.register_all()
        post_migrate.connect(sqlite.ensure_index_triggers, dispatch_uid="knowledge-fts-triggers")

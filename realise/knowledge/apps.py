from django.apps import AppConfig
from django.db.models.signals import post_migrate


class KnowledgeConfig(AppConfig):
    name = "realise.knowledge"
    label = "knowledge"
    verbose_name = "Repository"

    def ready(self):
        # Modules that use models are imported once the app registry is ready (Django).
        from realise.knowledge import searchables  # noqa: PLC0415
        from realise.knowledge.search import sqlite  # noqa: PLC0415

        searchables.register_all()
        post_migrate.connect(sqlite.ensure_index_triggers, dispatch_uid="knowledge-fts-triggers")

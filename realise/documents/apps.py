from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "realise.documents"
    label = "documents"
    verbose_name = "Reports and closure"

    def ready(self):
        from realise.core.heartbeat import register_check
        from realise.documents.building import fail_stale_builds

        register_check(fail_stale_builds)

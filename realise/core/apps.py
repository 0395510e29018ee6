from django.apps import AppConfig


class CoreConfig(AppConfig):
    verbose_name = "Core"
    name = "realise.core"
    label = "core"

    def ready(self):
        from simple_history.signals import post_create_historical_record

        from realise.core import audit

        post_create_historical_record.connect(
            audit.on_historical_record, dispatch_uid="realise-audit-trail"
        )
        audit.install_bulk_hook()

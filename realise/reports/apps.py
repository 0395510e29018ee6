from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "realise.reports"
    label = "reports"

    def ready(self):
        # Modules that use models are imported once the app registry is ready (Django).
        from realise.core.heartbeat import register_check  # noqa: PLC0415
        from realise.reports.register.jobs import fail_stale_jobs  # noqa: PLC0415

        register_check(fail_stale_jobs)

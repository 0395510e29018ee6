from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "realise.reports"
    label = "reports"

    def ready(self):
        from realise.core.heartbeat import register_check
        from realise.reports.register.jobs import fail_stale_jobs

        register_check(fail_stale_jobs)

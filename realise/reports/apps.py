from django.apps import AppConfig


def fail_stale_jobs(now=None) -> int:
    """`register.jobs.fail_stale_jobs`, whose modules (the importers, openpyxl) load when it is
    first called: every command would otherwise load them as it starts."""
    from realise.reports.register.jobs import fail_stale_jobs as fail  # noqa: PLC0415

    return fail(now)


class ReportsConfig(AppConfig):
    name = "realise.reports"
    label = "reports"

    def ready(self):
        # Modules that use models are imported once the app registry is ready (Django).
        from realise.core import housekeeping  # noqa: PLC0415
        from realise.core.heartbeat import register_check  # noqa: PLC0415
        from realise.reports.register.retention import remove_old_import_files  # noqa: PLC0415

        register_check(fail_stale_jobs)
        housekeeping.register(remove_old_import_files)

from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "realise.documents"
    label = "documents"
    verbose_name = "Reports and closure"

    def ready(self):
        # Modules that use models are imported once the app registry is ready (Django).
        from realise.core import housekeeping  # noqa: PLC0415
        from realise.core.heartbeat import register_check  # noqa: PLC0415
        from realise.documents.building import fail_stale_builds  # noqa: PLC0415
        from realise.documents.closure import public_closure_copy  # noqa: PLC0415
        from realise.documents.retention import remove_old_builds  # noqa: PLC0415
        from realise.documents.worklist import (  # noqa: PLC0415
            highlight_items,
            written_highlight_reports,
        )
        from realise.governance.services import register_written_reports  # noqa: PLC0415
        from realise.knowledge.services import register_public_copy  # noqa: PLC0415
        from realise.reports.worklist import register_source  # noqa: PLC0415

        register_check(fail_stale_builds)
        housekeeping.register(remove_old_builds)
        register_source(highlight_items)
        register_written_reports(written_highlight_reports)
        register_public_copy(public_closure_copy)

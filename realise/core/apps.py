from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete, post_save
from simple_history.signals import post_create_historical_record

from realise.core.sqlite import install_like


class CoreConfig(AppConfig):
    default = True
    verbose_name = "Core"
    name = "realise.core"
    label = "core"

    def ready(self):
        # Modules that use models are imported once the app registry is ready (Django).
        from django.core import checks  # noqa: PLC0415

        from realise.core import audit  # noqa: PLC0415
        from realise.core.checks import base_url_is_public  # noqa: PLC0415
        from realise.core.dataversion import on_account_change  # noqa: PLC0415
        from realise.core.language import apply_preference  # noqa: PLC0415

        user_logged_in.connect(apply_preference, dispatch_uid="realise-language-at-sign-in")
        post_create_historical_record.connect(
            audit.on_historical_record, dispatch_uid="realise-audit-trail"
        )
        audit.install_bulk_hook()
        connection_created.connect(install_like, dispatch_uid="realise-sqlite-like")
        checks.register(base_url_is_public, checks.Tags.security, deploy=True)
        for signal in (post_save, post_delete):
            signal.connect(
                on_account_change, sender=get_user_model(), dispatch_uid="realise-account-change"
            )


class RealiseAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on a site that only administrators may enter (core/adminsite.py)."""

    default = False
    default_site = "realise.core.adminsite.RealiseAdminSite"

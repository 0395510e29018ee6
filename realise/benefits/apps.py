from django.apps import AppConfig
from django.db.models.signals import post_migrate

from realise.collaborations.signals import stage_moved


class BenefitsConfig(AppConfig):
    name = "realise.benefits"
    label = "benefits"

    def ready(self):
        # Modules that use models are imported once the app registry is ready (Django).
        from realise.benefits.baselines import on_stage_moved  # noqa: PLC0415
        from realise.benefits.standard import gate_benefits  # noqa: PLC0415
        from realise.benefits.totals import anchor_after_migrate  # noqa: PLC0415
        from realise.collaborations.services import register_gate_rule  # noqa: PLC0415

        stage_moved.connect(on_stage_moved, dispatch_uid="benefits-freeze-plan-at-fbc")
        register_gate_rule(gate_benefits)
        post_migrate.connect(
            anchor_after_migrate, sender=self, dispatch_uid="benefits-totals-anchor"
        )

from django.apps import AppConfig

from realise.benefits.signals import measurement_returned


class GovernanceConfig(AppConfig):
    name = "realise.governance"
    label = "governance"

    def ready(self):
        # Modules that use models are imported once the app registry is ready (Django).
        from realise.collaborations.decisions import (  # noqa: PLC0415
            DecisionSource,
            register_decisions,
        )
        from realise.governance.models import Decision, GovernanceBody  # noqa: PLC0415
        from realise.governance.receivers import notify_returned_measurement  # noqa: PLC0415
        from realise.governance.services import recent_decisions  # noqa: PLC0415

        register_decisions(DecisionSource(Decision, GovernanceBody, recent_decisions))
        measurement_returned.connect(
            notify_returned_measurement, dispatch_uid="governance-notify-returned-measurement"
        )

from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "realise.governance"
    label = "governance"

    def ready(self):
        from realise.benefits.signals import measurement_returned
        from realise.governance.receivers import notify_returned_measurement

        measurement_returned.connect(
            notify_returned_measurement, dispatch_uid="governance-notify-returned-measurement"
        )

from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "realise.organisations"
    label = "organisations"

    def ready(self) -> None:
        from realise.organisations import signals  # noqa: PLC0415 - models are ready now

        signals.connect()

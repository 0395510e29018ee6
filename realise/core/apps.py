from django.apps import AppConfig


class CoreConfig(AppConfig):
    verbose_name = "Core"
    name = "realise.core"
    label = "core"

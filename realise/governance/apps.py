from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "realise.governance"
    label = "governance"

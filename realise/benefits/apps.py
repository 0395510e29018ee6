from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "realise.benefits"
    label = "benefits"

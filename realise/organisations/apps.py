from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "realise.organisations"
    label = "organisations"

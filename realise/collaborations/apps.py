from django.apps import AppConfig


class CollaborationsConfig(AppConfig):
    name = "realise.collaborations"
    label = "collaborations"

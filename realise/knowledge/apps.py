from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "realise.knowledge"
    label = "knowledge"

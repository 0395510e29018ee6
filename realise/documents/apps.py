from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "realise.documents"
    label = "documents"
    verbose_name = "Reports and closure"

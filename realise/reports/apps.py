from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "realise.reports"
    label = "reports"

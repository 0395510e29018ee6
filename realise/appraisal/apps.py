from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "realise.appraisal"
    label = "appraisal"

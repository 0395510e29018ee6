from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "realise.pipeline"
    label = "pipeline"
    verbose_name = "Opportunities pipeline"

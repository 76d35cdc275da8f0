from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "zi.insights"
    label = "insights"

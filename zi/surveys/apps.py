from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "zi.surveys"
    label = "surveys"

from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "zi.assessments"
    label = "assessments"

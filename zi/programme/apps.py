from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "zi.programme"
    label = "programme"

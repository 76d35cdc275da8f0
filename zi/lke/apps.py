from django.apps import AppConfig


class LkeConfig(AppConfig):
    name = "zi.lke"
    label = "lke"

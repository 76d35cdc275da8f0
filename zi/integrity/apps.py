from django.apps import AppConfig


class IntegrityConfig(AppConfig):
    name = "zi.integrity"
    label = "integrity"

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zi.core"
    label = "core"
    verbose_name = "Core"

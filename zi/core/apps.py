from django.apps import AppConfig
from django.urls import register_converter


class CoreConfig(AppConfig):
    name = "zi.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # lazy: imports of models and services wait until AppConfig.ready, when the app registry is loaded
        from zi.core.converters import IdConverter

        register_converter(IdConverter, "id")  # ``<id:pk>``: ids as 64-bit integers in every URL (converters.py)

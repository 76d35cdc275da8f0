from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "zi.demo"
    label = "demo"
    verbose_name = "Data demo"

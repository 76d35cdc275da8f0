from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "zi.api"
    label = "api"

from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "zi.organisations"
    label = "organisations"

from django.apps import AppConfig


class PortalRBConfig(AppConfig):
    name = "zi.portalrb"
    label = "portalrb"

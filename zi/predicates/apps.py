from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PredicatesConfig(AppConfig):
    name = "zi.predicates"
    label = "predicates"
    verbose_name = _("Register predikat")

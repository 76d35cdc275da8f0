"""The ``core`` URL namespace: the core's probes (``zi.core.urls``) and the two core pages that read roles, the home
page and the audit list (``views_home``), which the core layer cannot import."""

from django.urls import path

from zi.core import urls as core_urls
from zi.organisations import views_home

app_name = "core"

urlpatterns = [
    path("", views_home.home, name="home"),
    path("jejak-audit/", views_home.audit_list, name="audit_list"),
    *core_urls.urlpatterns,
]

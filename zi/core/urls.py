"""The core's probes. ``zi.organisations.core_urls`` puts them in the ``core`` namespace together with the home page
and the audit list (``zi.organisations.views_home``: they read roles, which the core layer does not know)."""

from django.urls import path

from zi.core import health, views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]

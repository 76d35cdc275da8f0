from django.urls import path

from zi.core import health, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("jejak-audit/", views.audit_list, name="audit_list"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]

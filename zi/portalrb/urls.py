"""The PortalRB API, mounted at ``/api/portalrb/`` (the base URL registered at PortalRB)."""

from django.urls import path, re_path

from zi.portalrb import api, views

app_name = "portalrb"

urlpatterns = [
    path("pengusulan/unit-wbk", api.unit_wbk, name="unit-wbk"),
    path("pengusulan/unit-wbbm", api.unit_wbbm, name="unit-wbbm"),
    re_path(r"^lke/jawaban-unit/(?P<unit_id>[^/]*)$", api.jawaban_unit, name="jawaban-unit"),
    path("bukti/<str:signed>/", views.evidence_index, name="evidence-index"),
    path("bukti/<str:signed>/berkas/<id:revision_pk>/", views.evidence_file, name="evidence-file"),
    re_path(r"^(?P<path>[\s\S]*)\Z", api.not_found),  # [\s\S]: a path with a newline is unknown too
]

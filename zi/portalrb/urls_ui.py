"""Pages for people (agency admin, unit team); to be mounted at ``/portalrb/`` (not under the API base)."""

from django.urls import path

from zi.portalrb import views

app_name = "portalrb_ui"

urlpatterns = [
    path("", views.index, name="index"),
    path("instansi/<id:agency_pk>/token/", views.tokens, name="tokens"),
    path("instansi/<id:agency_pk>/token/<id:token_pk>/cabut/", views.token_revoke, name="token-revoke"),
    path("instansi/<id:agency_pk>/ambil/<id:snapshot_pk>/", views.snapshot_detail, name="snapshot"),
    path("instansi/<id:agency_pk>/pratinjau/", views.preview, name="preview"),
    path("lke/<id:pk>/unduh/", views.workbook_export, name="workbook-export"),
    path("lke/<id:pk>/unggah/", views.workbook_import, name="workbook-import"),
]

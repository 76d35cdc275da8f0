from django.urls import path

from zi.surveys import views
from zi.surveys.views import instruments, offline

app_name = "surveys"

urlpatterns = [
    path("s/<slug:token>/", views.public_form, name="public"),
    path("k/<slug:token>/", views.kiosk_form, name="kiosk"),
    path("l/<slug:token>/", offline.offline_app, name="offline_app"),
    path("l/<slug:token>/sw.js", offline.offline_sw, name="offline_sw"),
    path("l/<slug:token>/manifest.webmanifest", offline.offline_manifest, name="offline_manifest"),
    path("luring/kirim/", offline.offline_sync, name="offline_sync"),
    path("<id:pk>/perangkat/", offline.device_list, name="device_list"),
    path("<id:pk>/perangkat/<id:device_id>/cabut/", offline.device_revoke, name="device_revoke"),
    path("<id:pk>/perangkat/<id:device_id>/impor/", offline.device_import, name="device_import"),
    path("", views.campaign_list, name="campaign_list"),
    path("baru/", views.campaign_create, name="campaign_create"),
    path("<id:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<id:pk>/ubah/", views.campaign_edit, name="campaign_edit"),
    path("<id:pk>/tutup/", views.campaign_close, name="campaign_close"),
    path("<id:pk>/titik/", views.service_point_add, name="service_point_add"),
    path("<id:pk>/titik/<id:point_id>/poster.pdf", views.poster_pdf, name="poster_pdf"),
    path("<id:pk>/kode/", views.codes_generate, name="codes_generate"),
    path("<id:pk>/respons/<id:response_id>/kecualikan/", views.response_exclude, name="response_exclude"),
    path("<id:pk>/ditandai/kecualikan/", views.flagged_exclude, name="flagged_exclude"),
    path("<id:pk>/ekspor.csv", views.export_csv, name="export_csv"),
    path("<id:pk>/ekspor.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<id:pk>/laporan.pdf", views.report_pdf, name="report_pdf"),
    path("<id:pk>/pindai-ulang/", views.campaign_rescan, name="campaign_rescan"),
    path("indeks-eksternal/<id:unit_id>/<id:period_id>/", views.external_index, name="external_index"),
    path("instrumen/", instruments.instrument_list, name="instrument_list"),
    path("instrumen/baru/", instruments.instrument_internal_new, name="instrument_internal_new"),
    path("instrumen/<id:pk>/", instruments.instrument_detail, name="instrument_detail"),
    path("instrumen/<id:pk>/versi-baru/", instruments.instrument_version_new, name="instrument_version_new"),
    path("instrumen/<id:pk>/periode/", instruments.instrument_periods, name="instrument_periods"),
]

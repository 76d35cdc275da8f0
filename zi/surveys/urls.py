from django.urls import path

from zi.surveys import instrument_views, views

app_name = "surveys"

urlpatterns = [
    path("s/<slug:token>/", views.public_form, name="public"),
    path("k/<slug:token>/", views.kiosk_form, name="kiosk"),
    path("", views.campaign_list, name="campaign_list"),
    path("baru/", views.campaign_create, name="campaign_create"),
    path("<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<int:pk>/ubah/", views.campaign_edit, name="campaign_edit"),
    path("<int:pk>/tutup/", views.campaign_close, name="campaign_close"),
    path("<int:pk>/titik/", views.service_point_add, name="service_point_add"),
    path("<int:pk>/titik/<int:point_id>/poster.pdf", views.poster_pdf, name="poster_pdf"),
    path("<int:pk>/kode/", views.codes_generate, name="codes_generate"),
    path("<int:pk>/respons/<int:response_id>/kecualikan/", views.response_exclude, name="response_exclude"),
    path("<int:pk>/ditandai/kecualikan/", views.flagged_exclude, name="flagged_exclude"),
    path("<int:pk>/ekspor.csv", views.export_csv, name="export_csv"),
    path("<int:pk>/ekspor.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<int:pk>/pindai-ulang/", views.campaign_rescan, name="campaign_rescan"),
    path("indeks-eksternal/<int:unit_id>/<int:period_id>/", views.external_index, name="external_index"),
    path("instrumen/", instrument_views.instrument_list, name="instrument_list"),
    path("instrumen/baru/", instrument_views.instrument_internal_new, name="instrument_internal_new"),
    path("instrumen/<int:pk>/", instrument_views.instrument_detail, name="instrument_detail"),
    path("instrumen/<int:pk>/versi-baru/", instrument_views.instrument_version_new, name="instrument_version_new"),
    path("instrumen/<int:pk>/periode/", instrument_views.instrument_periods, name="instrument_periods"),
]

from django.urls import path

from zi.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("unit/<id:pk>/", views.node, name="node"),
    path("unit/<id:pk>/halaman/", views.unit_page, name="unit_page"),
    path("unit/<id:pk>/rekap-lke.xlsx", views.unit_recap_xlsx, name="unit_recap_xlsx"),
    path("daftar/", views.unit_list, name="unit_list"),
    path("peringatan/", views.warning_list, name="warning_list"),
    path("unduh/<slug:key>.<str:fmt>", views.download, name="download"),
    path("laporan.pdf", views.report_pdf, name="report_pdf"),
    path("publik/", views.public, name="public"),
    path("publik/unit/<id:pk>/", views.public_unit, name="public_unit"),
]

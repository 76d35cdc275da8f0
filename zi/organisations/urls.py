from django.urls import path

from zi.organisations import views

app_name = "organisations"

urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("<id:pk>/", views.unit_detail, name="unit_detail"),
    path("<id:pk>/cabang/", views.unit_children, name="unit_children"),
    path("impor/", views.import_view, name="import"),
    path("instansi/<id:agency_pk>/kop-surat/", views.letterhead, name="letterhead"),
    path("impor/templat-<str:kind>.xlsx", views.import_template, name="import_template"),
    path("baru/", views.unit_create, name="unit_create"),
    path("<id:pk>/ubah/", views.unit_edit, name="unit_edit"),
    path("<id:pk>/pindah/", views.unit_move, name="unit_move"),
    path("<id:pk>/tutup/", views.unit_close, name="unit_close"),
    path("<id:pk>/buka/", views.unit_reopen, name="unit_reopen"),
    path("<id:pk>/peran/", views.unit_role_add, name="unit_role_add"),
    path("<id:pk>/peran/<id:assignment_pk>/cabut/", views.unit_role_revoke, name="unit_role_revoke"),
]

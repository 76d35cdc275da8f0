from django.urls import path

from zi.organisations import views

app_name = "organisations"

urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("<id:pk>/", views.unit_detail, name="unit_detail"),
    path("impor/", views.import_view, name="import"),
    path("instansi/<id:agency_pk>/kop-surat/", views.letterhead, name="letterhead"),
    path("<id:pk>/peran/", views.unit_role_add, name="unit_role_add"),
    path("<id:pk>/peran/<id:assignment_pk>/cabut/", views.unit_role_revoke, name="unit_role_revoke"),
]

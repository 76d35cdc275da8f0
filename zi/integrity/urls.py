from django.urls import path

from zi.integrity import views

app_name = "integrity"

# Mounted under "program/" after the programme's pages (zi/config/urls.py): the registers' addresses, the public
# whistle-blowing form's included (printed on posters), stayed what they were before the registers had their own app.
urlpatterns = [
    path("unit/<id:pk>/gratifikasi/", views.gratification_list, name="gratification_list"),
    path("unit/<id:pk>/benturan-kepentingan/", views.conflict_list, name="conflict_list"),
    path("gratifikasi/<id:pk>/ubah/", views.gratification_edit, name="gratification_edit"),
    path("benturan-kepentingan/<id:pk>/ubah/", views.conflict_edit, name="conflict_edit"),
    path("unit/<id:pk>/wbs/", views.whistle_list, name="whistle_list"),
    path("wbs/<id:pk>/", views.whistle_detail, name="whistle_detail"),
    path("unit/<id:pk>/unduh/<slug:kind>/", views.export, name="export"),
    # public side (no login)
    path("wbs/<id:unit_pk>/baru/", views.whistle_public, name="whistle_public"),
]

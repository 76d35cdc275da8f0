from django.urls import path

from zi.predicates import views

app_name = "predicates"

urlpatterns = [
    path("", views.register_list, name="register"),
    path("impor/", views.import_view, name="import"),
    path("impor/templat.csv", views.import_template, name="import_template"),
]

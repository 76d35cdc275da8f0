from django.urls import path

from zi.lke import views

app_name = "lke"

urlpatterns = [
    path("", views.template_list, name="template_list"),
    path("<id:pk>/", views.template_detail, name="template_detail"),
]

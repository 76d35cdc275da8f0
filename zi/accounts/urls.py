from django.urls import path

from zi.accounts import views

app_name = "accounts"

urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", views.LogoutView.as_view(), name="logout"),
    path("verifikasi/", views.otp_verify, name="otp_verify"),
    path("dua-langkah/", views.otp_setup, name="otp_setup"),
    path("sso/", views.SsoStartView.as_view(), name="sso_start"),
    path("sso/kembali/", views.SsoCallbackView.as_view(), name="sso_callback"),
]

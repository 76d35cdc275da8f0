from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "zi.accounts"
    label = "accounts"

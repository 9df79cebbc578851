from django.apps import AppConfig
from django.urls import register_converter


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from accounts.converters import UsernameConverter

        register_converter(UsernameConverter, "username")

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from accounts.converters import UsernameConverter
        from core.query import converter_register

        converter_register(UsernameConverter, "username")

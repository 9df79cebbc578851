"""OAuth 2 as Mastodon's apps expect it, on django-oauth-toolkit."""

from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    pass


urlpatterns = []

"""django-oauth-toolkit's validator, as Mastodon's apps need it (api.oauth explains why)."""

from oauth2_provider.models import Application
from oauth2_provider.oauth2_validators import OAuth2Validator

from api.oauth.services import registered_scopes
from api.scopes import SCOPES, scope_covers

# The grants an app registered through POST /api/v1/apps may use, as on Mastodon.
APP_GRANTS = frozenset({"authorization_code", "client_credentials", "refresh_token"})


class Validator(OAuth2Validator):
    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        if (
            client.authorization_grant_type == Application.GRANT_AUTHORIZATION_CODE
            and grant_type in APP_GRANTS
        ):
            return True
        return super().validate_grant_type(client_id, grant_type, client, request, *args, **kwargs)

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        """Each scope asked is known and within those the app registered (a broad one covers
        its granular ones)."""
        registered = set(registered_scopes(client))
        return all(scope in SCOPES and scope_covers(registered, scope) for scope in scopes)

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        # A person suspended (or not yet approved) since they authorized gets no token.
        valid = super().validate_code(client_id, code, client, request, *args, **kwargs)
        return valid and request.user is not None and request.user.is_visible

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        valid = super().validate_refresh_token(refresh_token, client, request, *args, **kwargs)
        return valid and request.user is not None and request.user.is_visible

"""``Authorization: Bearer <key>`` with a personal access token (api.models.AccessToken)."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from api.services import PREFIX, token_for_key


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        keyword, _, key = header.partition(" ")
        if keyword != self.keyword or not key.strip() or " " in key.strip():
            raise exceptions.AuthenticationFailed("Send the token as: Authorization: Bearer <key>.")
        if not key.strip().startswith(PREFIX):
            return None  # an integration's OAuth access token: IntegrationAuthentication's
        token = token_for_key(key.strip())
        if token is None:
            raise exceptions.AuthenticationFailed("This token is not valid, or was revoked.")
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'


class IntegrationAuthentication(OAuth2Authentication):
    """``Authorization: Bearer <access token>`` that an organization's integration got by OAuth
    2.0 client credentials: the caller is the integration (``request.auth``), no person."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        if not authentication.get_authorization_header(request):
            return None  # only the header is read (not a token in the body or the address)
        found = super().authenticate(request)
        if found is None:
            raise exceptions.AuthenticationFailed("This token is not valid, or was revoked.")
        _, token = found
        if not hasattr(token.application, "integration"):
            raise exceptions.AuthenticationFailed("This token is not an integration's.")
        return AnonymousUser(), token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class IntegrationScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "api.authentication.IntegrationAuthentication"
    name = "integrationAccessToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "oauth2",
            "description": "An organization's integration (Organization › Integrations).",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": "/api/v1/oauth/token/",
                    "scopes": dict(cast(dict[str, str], settings.OAUTH2_PROVIDER["SCOPES"])),
                }
            },
        }


class TokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "api.authentication.TokenAuthentication"
    name = "personalAccessToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token, made under Settings › API tokens.",
        }

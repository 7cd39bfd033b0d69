"""A route needs a token with its scope (the view's ``scope``)."""

from __future__ import annotations

from typing import Any

from oauth2_provider.models import AccessToken as OAuthToken
from rest_framework import permissions
from rest_framework.request import Request

from api.models import AccessToken


class HasScope(permissions.BasePermission):
    """A person's token with the route's scope, or an integration's access token granted it."""

    message = "This token does not have the scope this route needs."

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        if isinstance(token, AccessToken):
            return bool(view.scope in token.scopes)
        if isinstance(token, OAuthToken):
            return bool(view.scope in token.scope.split())
        return False

"""A route needs a token with its scope (the view's ``scope``)."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from api.models import AccessToken


class HasScope(permissions.BasePermission):
    message = "This token does not have the scope this route needs."

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        if not isinstance(token, AccessToken):
            return False
        return view.scope in token.scopes

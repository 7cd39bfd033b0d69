"""Who must sign in with two-factor authentication: the one rule, asked by the middleware.

Those who need it: a program's admin, an organization admin and site staff. Off unless ``MFA_REQUIRED_FOR_ADMINS``
(on by default in production).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from programs.standing import standing_of


def user_must_have_mfa(user: User | AnonymousUser) -> bool:
    """Whether this person may use the site only once they have set up two-factor sign-in.

    Staff (Django's admin), the active admins of any program and organization admins: they
    see and change other people's data, or what every program of an organization shares. A new
    role with such powers adds its test here.
    """
    if not settings.MFA_REQUIRED_FOR_ADMINS or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    # Kept in the cache between the writes that change it: the middleware asks on every request.
    return standing_of(user).runs_anything

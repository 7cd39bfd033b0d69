"""Who must sign in with two-factor authentication: the one rule, asked by the middleware.

It lives in programs because the roles that need it are programs' (a program's admin, and the
organization admin to come); site staff need it too. Off unless ``MFA_REQUIRED_FOR_ADMINS``
(on by default in production).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from programs.models import Participant, Role


def user_must_have_mfa(user: User | AnonymousUser) -> bool:
    """Whether this person may use the site only once they have set up two-factor sign-in.

    Staff (Django's admin) and the active admins of any program: they see and change other
    people's data. A new role with such powers adds its test here.
    """
    if not settings.MFA_REQUIRED_FOR_ADMINS or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return Participant.objects.filter(
        user=user, role=Role.ADMIN, status=Participant.Status.ACTIVE
    ).exists()

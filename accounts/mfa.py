"""Whether a person signs in with a second factor."""

from __future__ import annotations

from allauth.mfa.models import Authenticator

from accounts.models import User


def user_has_mfa(user: User) -> bool:
    """An authenticator that is a second factor: recovery codes alone only stand in for one."""
    return (
        Authenticator.objects.filter(user=user)
        .exclude(type=Authenticator.Type.RECOVERY_CODES)
        .exists()
    )

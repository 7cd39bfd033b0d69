"""Invitation links: signed (id, nonce) pairs, so no secret sits in the database."""

from __future__ import annotations

from django.core import signing

from programs.models import Invitation

_SALT = "programs.invitation"


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps([invitation.pk, invitation.nonce], salt=_SALT, compress=True)


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation a token names, whatever its state, or None for a forged or stale link."""
    try:
        pk, nonce = signing.loads(token, salt=_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return (
        Invitation.objects.select_related("program", "program__organization", "invited_by")
        .filter(pk=pk, nonce=nonce)
        .first()
    )

"""Emails about programs; sent through notifications.email_send."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from notifications.services import email_send
from programs.models import Invitation
from programs.tokens import invitation_token


def invitation_email_send(*, invitation_id: int) -> bool:
    """Send the invitation link if the invitation is still pending; True when sent."""
    invitation = (
        Invitation.objects.select_related("program", "program__organization", "invited_by")
        .filter(pk=invitation_id, status=Invitation.Status.PENDING)
        .first()
    )
    if invitation is None or invitation.is_expired:
        return False
    link = settings.SITE_URL + reverse(
        "programs:invitation", kwargs={"token": invitation_token(invitation)}
    )
    email_send(
        to=[invitation.email],
        subject=f"You are invited to {invitation.program.name}",
        template="emails/invitation",
        context={"invitation": invitation, "link": link},
    )
    return True

"""allauth tells us when someone signs up; an invitation they followed is accepted then.

This is a signal because allauth owns the signup flow: there is no call site of ours
between "account created" and "logged in" where a plain service call could go.
"""

from __future__ import annotations

import logging
from typing import Any

from allauth.account.signals import user_signed_up
from django.contrib import messages
from django.dispatch import receiver
from django.http import HttpRequest

from mentorship.errors import DomainError

logger = logging.getLogger(__name__)

SESSION_KEY = "programs.invitation_token"


@receiver(user_signed_up, dispatch_uid="programs.accept_invitation_on_signup")
def accept_invitation_on_signup(
    sender: Any, request: HttpRequest, user: Any, **kwargs: Any
) -> None:
    from programs.services import invitation_accept
    from programs.tokens import invitation_from_token

    token = request.session.pop(SESSION_KEY, None)
    if not token:
        return
    invitation = invitation_from_token(token)
    if invitation is None:
        return
    try:
        participant = invitation_accept(invitation=invitation, user=user)
    except DomainError as exc:
        messages.warning(
            request, f"Your account is ready, but the invitation could not be used: {exc}"
        )
        return
    messages.success(
        request,
        f"Welcome to {participant.program.name}: you are in as {participant.get_role_display().lower()}.",
    )

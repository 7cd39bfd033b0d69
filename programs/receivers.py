"""An invitation someone followed is accepted when allauth signs them up or logs them in.

These are signals because allauth owns the signup and login flows: there is no call site
of ours between "who this is is now known" and the redirect where a service call could go.
"""

from __future__ import annotations

from typing import Any

from allauth.account.signals import user_logged_in, user_signed_up
from django.contrib import messages
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import gettext as _

from mentorship.errors import DomainError

SESSION_KEY = "programs.invitation_token"


@receiver(user_signed_up, dispatch_uid="programs.accept_invitation_on_signup")
@receiver(user_logged_in, dispatch_uid="programs.accept_invitation_on_login")
def accept_followed_invitation(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    from programs.services import invitation_accept
    from programs.tokens import invitation_from_token

    # Popped first, so the second signal of a signup (it logs in too) finds nothing to do.
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
            request,
            _("You are signed in, but the invitation could not be used: %(reason)s")
            % {"reason": exc},
        )
        return
    messages.success(
        request,
        _("Welcome to %(program)s: you are in as %(role)s.")
        % {"program": participant.program.name, "role": participant.role_word},
    )

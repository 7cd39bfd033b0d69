from __future__ import annotations

from django import template
from django.urls import reverse

from programs.models import Invitation
from programs.tokens import invitation_token

register = template.Library()


@register.simple_tag
def invitation_url(invitation: Invitation) -> str:
    """The signed link that accepts this invitation."""
    return reverse("programs:invitation", kwargs={"token": invitation_token(invitation)})

from __future__ import annotations

from django import template
from django.urls import reverse

from accounts.models import User
from programs.access import organizations_administered_by
from programs.models import Invitation, Organization
from programs.tokens import invitation_token

register = template.Library()


@register.simple_tag
def invitation_url(invitation: Invitation) -> str:
    """The signed link that accepts this invitation."""
    return reverse("programs:invitation", kwargs={"token": invitation_token(invitation)})


@register.simple_tag
def administered_organizations(user: User) -> list[Organization]:
    """The organizations the navigation offers this person as an organization admin (one
    query; the role is rare, and checked again on every organization page)."""
    return list(organizations_administered_by(user).only("name", "slug").order_by("name"))

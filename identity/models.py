"""An organization's identity: the SCIM tokens its identity provider provisions with, the people
and groups it provisioned, and the record of who left and when (the leaver path)."""

from __future__ import annotations

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import TimeStampedModel
from mentorship.validators import validate_single_line
from programs.models import Organization, Participant, Program, Role

TOKEN_PREFIX = "twscim_"  # noqa: S105 (a prefix that tells our tokens apart, not a secret)


def token_digest(token: str) -> str:
    """What is stored of a token: its SHA-256 (a token is 256 random bits, so no slow hash)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ScimToken(TimeStampedModel):
    """A bearer token an organization's identity provider sends to ``/scim/v2/``: shown once,
    stored as its digest, revocable; several may live at once so that one can be rotated."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="scim_tokens"
    )
    name = models.CharField(max_length=80, validators=[validate_single_line])
    digest = models.CharField(max_length=64, unique=True)
    # The first characters after the prefix, to tell tokens apart in the list.
    hint = models.CharField(max_length=8)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"


class ScimUser(TimeStampedModel):
    """A person as the organization's identity provider knows them: its ids for them and
    whether they are active there. The account is ours (``user``); one link per organization."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="scim_users"
    )
    # None until the provider sends an email address to make the account with.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="scim_links",
        null=True,
        blank=True,
    )
    scim_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user_name = models.CharField(max_length=254)
    external_id = models.CharField(max_length=254, blank=True)
    active = models.BooleanField(default=True)
    # The provider's whole representation, as it last wrote it (it reads back what it wrote).
    payload = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["user_name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="scim_user_one_link"),
            models.UniqueConstraint(
                fields=["organization", "user_name"], name="scim_user_unique_user_name"
            ),
        ]

    def __str__(self) -> str:
        return self.user_name


class ScimGroup(TimeStampedModel):
    """A group of the identity provider (a team, a cohort). Mapped to a program and a role, its
    members take part in that program in that role: HR's group feeds the cohort."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="scim_groups"
    )
    scim_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    display_name = models.CharField(max_length=200)
    external_id = models.CharField(max_length=254, blank=True)
    members = models.ManyToManyField(ScimUser, related_name="groups", blank=True)
    payload = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["display_name"]
        indexes = [
            models.Index(fields=["organization", "display_name"], name="scim_group_name"),
        ]

    def __str__(self) -> str:
        return self.display_name


class GroupMapping(TimeStampedModel):
    """The organization admins' rule: members of the group called ``group_name`` take part in
    ``program`` as ``role`` (the group may be provisioned before or after the rule is set)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="group_mappings"
    )
    group_name = models.CharField(max_length=200, validators=[validate_single_line])
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(
        max_length=10, choices=[(Role.MENTEE, _("Mentee")), (Role.MENTOR, _("Mentor"))]
    )

    class Meta:
        ordering = ["group_name", "program__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "group_name", "program", "role"],
                name="group_mapping_unique",
            ),
        ]


class Departure(TimeStampedModel):
    """Someone left the organization: when, who said so and how, what it closed; and, if they
    came back, when. Their participations that the departure withdrew are listed, so that a
    return gives back exactly those."""

    class Via(models.TextChoices):
        SCIM = "scim", _("The identity provider (SCIM)")
        ADMIN = "admin", _("An organization admin")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="departures"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="departures"
    )
    via = models.CharField(max_length=10, choices=Via.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    participations = models.ManyToManyField(Participant, related_name="+", blank=True)
    ended_mentorships = models.PositiveIntegerField(default=0)
    withdrawn_requests = models.PositiveIntegerField(default=0)
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # At most one departure in force per person and organization.
            models.UniqueConstraint(
                fields=["organization", "user"],
                condition=Q(returned_at__isnull=True),
                name="departure_one_in_force",
            ),
        ]


class SsoProvider(TimeStampedModel):
    """An organization's single sign-on: its identity provider (OpenID Connect), the email
    domains that sign in through it, and whether they must. The client secret is kept
    encrypted (mentorship.crypto); allauth gets the configuration from here through
    identity.adapter, never from its own table, which would keep the secret in plain text."""

    class Kind(models.TextChoices):
        OIDC = "oidc", "OpenID Connect"
        SAML = "saml", "SAML 2.0"

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="sso_provider"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OIDC)
    name = models.CharField(
        max_length=80,
        validators=[validate_single_line],
        help_text=_("What the sign-in button says."),
    )
    # OpenID Connect: the issuer's address (its /.well-known/openid-configuration describes the
    # rest), the client id and secret.
    server_url = models.URLField(max_length=300, blank=True)
    client_id = models.CharField(max_length=200, blank=True)
    secret_encrypted = models.TextField(blank=True)
    # SAML 2.0: the identity provider's entity id, its single sign-on URL (HTTP-Redirect) and the
    # certificate its assertions are signed with (PEM or base64).
    saml_entity_id = models.CharField(max_length=300, blank=True)
    saml_sso_url = models.URLField(max_length=300, blank=True)
    saml_certificate = models.TextField(blank=True)
    domains = models.CharField(
        max_length=500, help_text=_("Email domains that sign in here, separated by commas.")
    )
    required = models.BooleanField(
        default=False, help_text=_("People of these domains may not sign in with a password.")
    )
    # The provider's claim names for what Twoway keeps (empty: not taken).
    department_claim = models.CharField(max_length=60, blank=True, default="department")
    job_title_claim = models.CharField(max_length=60, blank=True, default="job_title")
    time_zone_claim = models.CharField(max_length=60, blank=True, default="zoneinfo")
    groups_claim = models.CharField(max_length=60, blank=True, default="groups")

    class Meta:
        ordering = ["organization__name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organization})"

    @property
    def provider_id(self) -> str:
        """The id allauth knows it by (in its URLs): the organization's slug."""
        return self.organization.slug

    def domain_list(self) -> list[str]:
        return [d.strip().lower() for d in self.domains.split(",") if d.strip()]

"""Personal access tokens: a person's key for the API, named, scoped and revocable. Only a hash
of the key is kept; the key itself is shown once, when it is made."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from accounts.models import TimeStampedModel
from mentorship.validators import validate_single_line


class AccessToken(TimeStampedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, validators=[validate_single_line])
    # api.scopes.Scope values.
    scopes = models.JSONField(default=list)
    # SHA-256 of the key, hex: the key has 256 bits of chance, so no slow hash is needed.
    key_hash = models.CharField(max_length=64, unique=True)
    # The key's first characters, shown in the list so a person can tell their keys apart.
    prefix = models.CharField(max_length=16)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Integration(TimeStampedModel):
    """An organization's other system (an HR dashboard, a BI tool) reading the API as the
    organization, by OAuth 2.0 client credentials: its OAuth application (whose secret is kept
    hashed) carries the scopes it may ask for. It reads what the organization's programs'
    admins read, never the people-only resources (meetings, goals)."""

    organization = models.ForeignKey(
        "programs.Organization", on_delete=models.CASCADE, related_name="integrations"
    )
    application = models.OneToOneField(
        "oauth2_provider.Application", on_delete=models.CASCADE, related_name="integration"
    )
    name = models.CharField(max_length=100, validators=[validate_single_line])
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

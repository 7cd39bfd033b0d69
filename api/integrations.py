"""An organization's integrations: other systems that read the API as the organization, by
OAuth 2.0 client credentials (django-oauth-toolkit). Its organization admins add one (its
client id and secret shown once; the secret kept hashed) with the scopes it may ask for, and
revoke it (its access tokens stop at once). Each change is in the organization's audit log."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from oauth2_provider.models import Application
from oauth2_provider.oauth2_validators import OAuth2Validator

from accounts.models import User
from api.models import Integration
from mentorship.errors import DomainError
from programs.access import require_organization_admin
from programs.models import Organization
from programs.services import audit_record

# What an integration may read: what the organization's programs' admins read, never invite.
INTEGRATION_SCOPES = (
    "programs:read",
    "participants:read",
    "mentorships:read",
    "requests:read",
    "checkins:read",
    "audit:read",
)
MAX_INTEGRATIONS = 10


@transaction.atomic
def integration_create(
    *, organization: Organization, actor: User, name: str, scopes: list[str]
) -> tuple[Integration, str, str]:
    """A new integration, its client id and its secret (shown once; kept hashed)."""
    require_organization_admin(organization=organization, actor=actor, doing="add integrations")
    name = name.strip()
    if not name:
        raise DomainError("Name it after the system that uses it.", field="name")
    if not scopes or set(scopes) - set(INTEGRATION_SCOPES):
        raise DomainError("Choose what it may read.", field="scopes")
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    if Integration.objects.filter(organization=organization).count() >= MAX_INTEGRATIONS:
        raise DomainError(
            f"An organization has at most {MAX_INTEGRATIONS} integrations.", field="name"
        )
    secret = secrets.token_urlsafe(32)
    application = Application.objects.create(
        name=f"{organization.slug}: {name}"[:255],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,  # hashed on save
        user=None,
    )
    integration = Integration.objects.create(
        organization=organization,
        application=application,
        name=name,
        scopes=[scope for scope in INTEGRATION_SCOPES if scope in scopes],
        created_by=actor,
    )
    audit_record(organization=organization, actor=actor, action="integration.create", subject=name)
    return integration, application.client_id, secret


@transaction.atomic
def integration_revoke(
    *, organization: Organization, integration: Integration, actor: User
) -> None:
    """Delete the integration and its OAuth application: its tokens stop working at once."""
    require_organization_admin(organization=organization, actor=actor, doing="revoke integrations")
    audit_record(
        organization=organization,
        actor=actor,
        action="integration.revoke",
        subject=integration.name,
    )
    integration.application.delete()  # cascades to the integration and its tokens


class IntegrationValidator(OAuth2Validator):
    """An integration's token carries only the scopes given to it (all of them when it asks for
    none); an OAuth application that is no integration gets none."""

    def validate_scopes(
        self,
        client_id: str,
        scopes: list[str],
        client: Any,
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        integration = Integration.objects.filter(application=client).first()
        return integration is not None and set(scopes) <= set(integration.scopes)

    def get_default_scopes(
        self, client_id: str, request: Any, *args: Any, **kwargs: Any
    ) -> list[str]:
        integration = Integration.objects.filter(application__client_id=client_id).first()
        return list(integration.scopes) if integration is not None else []

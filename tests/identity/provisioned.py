"""A person and their group as an organization's identity provider provisioned them through
SCIM, each with what the provider wrote (the SCIM storage keeps it, and reads it back); and an
organization's single sign-on, through OpenID Connect or SAML."""

from __future__ import annotations

from identity.models import ScimGroup, ScimUser, SsoProvider
from identity.services import PersonFacts, scim_group_create, scim_user_create
from mentorship.crypto import encrypt
from programs.models import Organization
from tests.identity.saml_idp import saml_certificate

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"


def provision(
    organization: Organization,
    *,
    email: str,
    full_name: str,
    external_id: str,
    group_name: str,
    department: str = "",
    job_title: str = "",
    time_zone: str = "",
) -> tuple[ScimUser, ScimGroup]:
    """The person (active) and a group of theirs, which maps to nothing."""
    person = scim_user_create(
        organization=organization,
        user_name=email,
        facts=PersonFacts(
            email=email,
            full_name=full_name,
            department=department,
            job_title=job_title,
            time_zone=time_zone,
            external_id=external_id,
            active=True,
        ),
    )
    person.payload = {
        "schemas": [USER_SCHEMA],
        "userName": email,
        "externalId": external_id,
        "emails": [{"value": email, "primary": True}],
        "active": True,
    }
    person.save(update_fields=["payload"])
    group = scim_group_create(
        organization=organization,
        display_name=group_name,
        external_id="",
        member_ids=[str(person.scim_id)],
    )
    group.payload = {
        "schemas": [GROUP_SCHEMA],
        "displayName": group_name,
        "members": [{"value": str(person.scim_id)}],
    }
    group.save(update_fields=["payload"])
    return person, group


def oidc_provider(organization: Organization, *, server_url: str, domain: str) -> SsoProvider:
    """The organization signs in through an OpenID provider at ``server_url``, for ``domain``."""
    return SsoProvider.objects.create(
        organization=organization,
        kind=SsoProvider.Kind.OIDC,
        name=f"{organization.name} OP",
        server_url=server_url,
        client_id="twoway",
        secret_encrypted=encrypt("not-a-real-secret"),
        domains=domain,
    )


def saml_provider(organization: Organization, *, host: str, domain: str) -> SsoProvider:
    """The organization signs in through a SAML identity provider at ``host``, for ``domain``."""
    return SsoProvider.objects.create(
        organization=organization,
        kind=SsoProvider.Kind.SAML,
        name=f"{organization.name} IdP",
        saml_entity_id=f"https://{host}/metadata",
        saml_sso_url=f"https://{host}/sso",
        saml_certificate=saml_certificate(host),
        domains=domain,
    )

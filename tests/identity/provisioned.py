"""A person and their group as an organization's identity provider provisioned them through
SCIM, each with what the provider wrote (the SCIM storage keeps it, and reads it back)."""

from __future__ import annotations

from identity.models import ScimGroup, ScimUser
from identity.services import PersonFacts, scim_group_create, scim_user_create
from programs.models import Organization

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

"""What an organization admin's identity page reads."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import User
from identity.models import Departure, GroupMapping, ScimToken
from programs.models import Organization, OrganizationAdmin, Participant

PEOPLE_SHOWN = 50


def people_of_organization(*, organization: Organization, query: str = "") -> QuerySet[User]:
    """Everyone who takes part in the organization's programs now, or runs it (a search by name
    or email); at most ``PEOPLE_SHOWN``, in name order."""
    takes_part = Participant.objects.filter(
        user=OuterRef("pk"),
        program__organization=organization,
        status__in=[Participant.Status.ACTIVE, Participant.Status.INVITED],
    )
    runs = OrganizationAdmin.objects.filter(user=OuterRef("pk"), organization=organization)
    people = User.objects.filter(Q(Exists(takes_part)) | Q(Exists(runs)))
    if query:
        people = people.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    return people.order_by("full_name", "email")[:PEOPLE_SHOWN]


def departures_of(*, organization: Organization) -> QuerySet[Departure]:
    return (
        Departure.objects.filter(organization=organization)
        .select_related("user", "actor")
        .order_by("-created_at")[:PEOPLE_SHOWN]
    )


def tokens_of(*, organization: Organization) -> QuerySet[ScimToken]:
    return ScimToken.objects.filter(organization=organization).select_related("created_by")


def mappings_of(*, organization: Organization) -> QuerySet[GroupMapping]:
    return GroupMapping.objects.filter(organization=organization).select_related("program")

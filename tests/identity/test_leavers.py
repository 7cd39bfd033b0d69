"""The leaver path: someone leaves the organization (by SCIM or by an organization admin's
hand), all in one transaction, and comes back."""

from __future__ import annotations

import pytest
from django.urls import reverse

from identity.models import Departure
from identity.services import person_leave, person_return
from matching.models import ClosingReason, Mentorship, MentorshipRequest
from mentorship.errors import DomainError
from notifications.models import Notification
from programs.models import Invitation, Participant, Role
from tests.matching.factories import MentorProfileFactory, MentorshipRequestFactory
from tests.programs.factories import InvitationFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(program, mentee_p):
    """A second mentor with a pending request from `mentee`."""
    other = ParticipantFactory(program=program, role=Role.MENTOR, user__full_name="Otto Other")
    MentorProfileFactory(participant=other)
    return MentorshipRequestFactory(mentor=other, mentee=mentee_p)


def test_a_leaving_mentor_ends_their_mentorships_and_the_mentee_hears_why(
    client, program, org_admin, mentor, mentee, mentorship, admin_user
):
    client.force_login(mentor)
    assert client.get(reverse("home")).status_code == 200
    departure = person_leave(
        organization=program.organization, user=mentor, actor=org_admin, via=Departure.Via.ADMIN
    )
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ENDED
    assert mentorship.closing_reason == ClosingReason.LEFT_ORGANIZATION
    told = Notification.objects.get(recipient=mentee, kind=Notification.Kind.MENTORSHIP)
    assert "has left the organization" in told.title and "Nothing you did" in told.body
    assert not Notification.objects.filter(recipient=mentor, kind=Notification.Kind.MENTORSHIP)
    assert Notification.objects.filter(recipient=admin_user, title__contains="has left").exists()
    assert departure.ended_mentorships == 1
    mentor.refresh_from_db()
    assert not mentor.is_active
    assert Participant.objects.get(user=mentor, program=program).status == "withdrawn"
    # The session they had is over at its next request.
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    # The mentee's page says why, in the words of the closing reason.
    client.force_login(mentee)
    page = client.get(reverse("matching:mentorship", args=[mentorship.pk])).content.decode()
    assert "Ended early:\n    left the organization" in page


def test_a_leaving_mentee_withdraws_their_requests_and_the_mentor_is_told(
    program, org_admin, mentee, waiting
):
    person_leave(
        organization=program.organization, user=mentee, actor=org_admin, via=Departure.Via.ADMIN
    )
    waiting.refresh_from_db()
    assert waiting.status == MentorshipRequest.Status.WITHDRAWN
    told = Notification.objects.get(recipient=waiting.mentor.user, kind=Notification.Kind.REQUEST)
    assert "has left the organization" in told.title


def test_a_pending_invitation_to_the_leaver_is_revoked(program, org_admin, mentee):
    invitation = InvitationFactory(program=program, email=mentee.email, role=Role.MENTOR)
    person_leave(
        organization=program.organization, user=mentee, actor=org_admin, via=Departure.Via.ADMIN
    )
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED


def test_coming_back_restores_access_but_not_the_ended_mentorship(
    program, org_admin, mentor, mentorship
):
    person_leave(
        organization=program.organization, user=mentor, actor=org_admin, via=Departure.Via.ADMIN
    )
    person_return(
        organization=program.organization, user=mentor, actor=org_admin, via=Departure.Via.ADMIN
    )
    mentor.refresh_from_db()
    assert mentor.is_active
    assert Participant.objects.get(user=mentor, program=program).status == "active"
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ENDED
    assert Departure.objects.get(user=mentor).returned_at is not None


def test_refusals_leave_everything_as_it_was(
    program, org_admin, admin_user, mentor, mentorship, outsider
):
    organization = program.organization
    with pytest.raises(DomainError, match="organization admin"):
        person_leave(
            organization=organization, user=mentor, actor=admin_user, via=Departure.Via.ADMIN
        )
    with pytest.raises(DomainError, match="your own"):
        person_leave(
            organization=organization, user=org_admin, actor=org_admin, via=Departure.Via.ADMIN
        )
    with pytest.raises(DomainError, match="has not left"):
        person_return(
            organization=organization, user=mentor, actor=org_admin, via=Departure.Via.ADMIN
        )
    mentorship.refresh_from_db()
    mentor.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ACTIVE and mentor.is_active
    assert not Departure.objects.exists()
    person_leave(organization=organization, user=mentor, actor=org_admin, via=Departure.Via.ADMIN)
    with pytest.raises(DomainError, match="left the organization already"):
        person_leave(
            organization=organization, user=mentor, actor=org_admin, via=Departure.Via.ADMIN
        )


def test_someone_who_also_takes_part_elsewhere_keeps_their_account(
    program, org_admin, mentor, other_program
):
    ParticipantFactory(user=mentor, program=other_program, role=Role.MENTEE)
    person_leave(
        organization=program.organization, user=mentor, actor=org_admin, via=Departure.Via.ADMIN
    )
    mentor.refresh_from_db()
    assert mentor.is_active
    assert Participant.objects.get(user=mentor, program=other_program).status == "active"


def test_the_page_records_a_leaver_and_refuses_strangers(
    client, program, org_admin, admin_user, mentor, mentorship, outsider
):
    url = reverse("identity:page", args=[program.organization.slug])
    client.force_login(admin_user)  # a program admin is not an organization admin
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "leave", "person": mentor.pk}).status_code == 404
    client.force_login(org_admin)
    assert client.post(url, {"action": "leave", "person": outsider.pk}).status_code == 404
    response = client.post(url, {"action": "leave", "person": mentor.pk}, follow=True)
    assert "has left: 1 mentorship(s) ended" in response.content.decode()
    assert Departure.objects.filter(user=mentor, via=Departure.Via.ADMIN).exists()
    response = client.post(url, {"action": "token", "token-name": ""})
    assert "Name the token" in response.content.decode() or "required" in response.content.decode()

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from mentorship.errors import DomainError
from programs.models import AuditEntry, Participant, Program, Role
from programs.services import participant_apply, participant_withdraw
from tests.programs.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def test_admin_creates_a_program_and_becomes_its_admin(client, program, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("programs:create"),
        {
            "organization": program.organization.pk,
            "name": "Spring Cohort",
            "slug": "spring-cohort",
            "kind": "group",
            "starts_on": "2027-03-01",
            "ends_on": "2027-09-01",
            "matching_mode": "both",
            "checkin_cadence_months": 3,
            "request_expiry_days": 10,
            "max_pending_requests_per_mentee": 2,
            "max_mentors_per_mentee": 3,
            "relationship_length_months": 6,
            "stalled_after_days": 60,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    created = Program.objects.get(slug="spring-cohort")
    assert created.kind == Program.Kind.GROUP
    assert Participant.objects.filter(
        program=created, user=admin_user, role=Role.ADMIN, status="active"
    ).exists()


def test_program_refuses_to_end_before_it_starts(client, program, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("programs:settings", args=[program.slug]),
        {
            "name": program.name,
            "kind": "one_on_one",
            "starts_on": "2027-03-01",
            "ends_on": "2027-01-01",
            "matching_mode": "mentee_chooses",
            "checkin_cadence_months": 3,
            "request_expiry_days": 10,
            "max_pending_requests_per_mentee": 2,
            "max_mentors_per_mentee": 3,
            "relationship_length_months": 6,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    program.refresh_from_db()
    assert program.ends_on is None


def test_settings_change_is_audited(client, program, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("programs:settings", args=[program.slug]),
        {
            "name": "Pathways 2",
            "kind": "one_on_one",
            "starts_on": program.starts_on.isoformat(),
            "matching_mode": "mentee_chooses",
            "checkin_cadence_months": 6,
            "request_expiry_days": 10,
            "max_pending_requests_per_mentee": 2,
            "max_mentors_per_mentee": 3,
            "relationship_length_months": 6,
            "stalled_after_days": 60,
        },
    )
    assert response.status_code == 302
    program.refresh_from_db()
    assert (program.name, program.checkin_cadence_months) == ("Pathways 2", 6)
    entry = AuditEntry.objects.get(program=program, action="program.update")
    assert "checkin_cadence_months" in entry.detail["fields"]


def test_slug_must_be_unique_and_not_reserved(client, program, admin_user):
    client.force_login(admin_user)
    for slug, message in (("pathways", "Another program uses"), ("new", "reserved")):
        response = client.post(
            reverse("programs:create"),
            {
                "organization": program.organization.pk,
                "name": "X",
                "slug": slug,
                "kind": "peer",
                "starts_on": "2027-01-01",
                "matching_mode": "mentee_chooses",
                "checkin_cadence_months": 3,
                "request_expiry_days": 14,
                "max_pending_requests_per_mentee": 3,
                "max_mentors_per_mentee": 3,
                "relationship_length_months": 6,
            },
        )
        assert message in str(response.context["form"].errors["slug"])


def test_apply_to_open_program_and_admin_approves(client, program, admin_user, outsider):
    program.enrollment_open = True
    program.save()
    applicant = ParticipantFactory(
        program=ParticipantFactory(program__organization=program.organization).program
    ).user
    client.force_login(applicant)
    response = client.post(reverse("programs:apply", args=[program.slug]), {"role": "mentee"})
    assert response.status_code == 302
    participant = Participant.objects.get(user=applicant, program=program)
    assert participant.status == Participant.Status.APPLIED
    assert admin_user.notifications.filter(kind="application").exists()

    client.force_login(admin_user)
    manage = client.get(reverse("programs:manage", args=[program.slug]))
    assert applicant.email in manage.content.decode()
    client.post(reverse("programs:approve", args=[program.slug, participant.pk]))
    participant.refresh_from_db()
    assert participant.status == Participant.Status.ACTIVE
    assert applicant.notifications.filter(kind="approval", title__startswith="Welcome").exists()
    assert AuditEntry.objects.filter(action="participant.approve", subject=applicant.email).exists()


def test_admin_declines_an_application(client, program, admin_user):
    program.enrollment_open = True
    program.save()
    applicant = ParticipantFactory(program__organization=program.organization).user
    participant = participant_apply(program=program, user=applicant, role=Role.MENTOR)
    client.force_login(admin_user)
    client.post(
        reverse("programs:decline", args=[program.slug, participant.pk]),
        {"reason": "Full this term."},
    )
    participant.refresh_from_db()
    assert participant.status == Participant.Status.DECLINED
    note = applicant.notifications.get(kind="approval")
    assert note.body == "Full this term."


def test_apply_refused_when_enrollment_is_closed(program):
    applicant = ParticipantFactory(program__organization=program.organization).user
    with pytest.raises(DomainError, match="not open for applications"):
        participant_apply(program=program, user=applicant, role=Role.MENTEE)
    assert not Participant.objects.filter(user=applicant, program=program).exists()


def test_apply_refused_twice(program, mentee):
    program.enrollment_open = True
    program.save()
    with pytest.raises(DomainError, match="already a mentee"):
        participant_apply(program=program, user=mentee, role=Role.MENTEE)


def test_apply_refused_as_admin(program, mentee):
    program.enrollment_open = True
    program.save()
    with pytest.raises(DomainError, match="Apply as a mentor or as a mentee"):
        participant_apply(program=program, user=mentee, role=Role.ADMIN)


def test_approve_refuses_someone_who_did_not_apply(client, program, admin_user, mentee):
    participant = Participant.objects.get(user=mentee, program=program)
    client.force_login(admin_user)
    response = client.post(
        reverse("programs:approve", args=[program.slug, participant.pk]), follow=True
    )
    assert "Only applications can be approved" in response.content.decode()


def test_last_admin_cannot_be_withdrawn(program, admin_user):
    participant = Participant.objects.get(user=admin_user, program=program)
    with pytest.raises(DomainError, match="at least one admin"):
        participant_withdraw(participant=participant, actor=admin_user)
    participant.refresh_from_db()
    assert participant.status == Participant.Status.ACTIVE


def test_program_page_shows_rules_and_roles(client, program, mentee):
    program.ends_on = date(2030, 1, 1)
    program.save()
    client.force_login(mentee)
    page = client.get(reverse("programs:detail", args=[program.slug])).content.decode()
    assert "every 3 months" in page
    assert "Mentee" in page


def test_participant_list_filters(client, program, admin_user, mentor, mentee):
    client.force_login(admin_user)
    page = client.get(reverse("programs:manage", args=[program.slug]), {"role": "mentor"})
    rows = [p.user for p in page.context["page"]]
    assert rows == [mentor]
    page = client.get(reverse("programs:manage", args=[program.slug]), {"q": "Mia"})
    assert [p.user for p in page.context["page"]] == [mentee]


def test_joining_a_peer_program_makes_you_mentor_and_mentee(program, admin_user):
    from programs.services import participant_add

    program.kind = Program.Kind.PEER
    program.save()
    newcomer = ParticipantFactory(program__organization=program.organization).user
    participant_add(program=program, user=newcomer, role=Role.MENTEE, actor=admin_user)
    roles = set(
        Participant.objects.filter(user=newcomer, program=program, status="active").values_list(
            "role", flat=True
        )
    )
    assert roles == {Role.MENTOR, Role.MENTEE}


def test_joining_a_one_on_one_program_gives_one_role(program, admin_user):
    from programs.services import participant_add

    newcomer = ParticipantFactory(program__organization=program.organization).user
    participant_add(program=program, user=newcomer, role=Role.MENTEE, actor=admin_user)
    assert list(
        Participant.objects.filter(user=newcomer, program=program).values_list("role", flat=True)
    ) == [Role.MENTEE]


def test_home_tells_an_admin_how_many_applications_wait(client, program, admin_user):
    # Was: the count joined the admin's own participation row, so it was always 0 and the line
    # never showed.
    for _ in range(2):
        ParticipantFactory(program=program, role=Role.MENTEE, status=Participant.Status.APPLIED)
    ParticipantFactory(program=program, role=Role.MENTOR)  # active: not waiting
    client.force_login(admin_user)
    page = client.get(reverse("home")).content.decode()
    assert "2 applications to Pathways" in page

"""Starting a mentorship: capacity, the pair, the program, and two starts at once."""

from __future__ import annotations

import pytest
import time_machine
from django.utils import timezone

from matching.models import Mentorship
from matching.services.start import mentorship_start
from mentorship.errors import DomainError
from programs.models import Participant, Role
from tests.helpers import race
from tests.matching.factories import MentorProfileFactory, MentorshipFactory
from tests.programs.factories import ParticipantFactory


@pytest.mark.django_db
def test_start_pairs_a_mentor_and_a_mentee(program, mentor_participant, mentee_p):
    # The end date is counted from today and the start stamped a moment later: one instant, or
    # across midnight the two are 179 days apart.
    with time_machine.travel(timezone.now(), tick=False):
        mentorship = mentorship_start(
            mentor=mentor_participant, mentee=mentee_p, advisor_role="career"
        )
    assert mentorship.program == program
    assert mentorship.status == Mentorship.Status.ACTIVE
    assert mentorship.advisor_role == "career"
    assert (mentorship.ends_on - mentorship.started_at.date()).days == 30 * 6


@pytest.mark.django_db
def test_start_refuses_beyond_capacity(program, mentor_participant, mentee_p):
    MentorProfileFactory(participant=mentor_participant, capacity=1)
    mentorship_start(mentor=mentor_participant, mentee=mentee_p)
    second = ParticipantFactory(program=program, role=Role.MENTEE)
    with pytest.raises(DomainError) as error:
        mentorship_start(mentor=mentor_participant, mentee=second)
    assert "capacity" in error.value.message
    assert Mentorship.objects.count() == 1


@pytest.mark.django_db
def test_start_refuses_a_mentor_with_capacity_zero(mentor_participant, mentee_p):
    MentorProfileFactory(participant=mentor_participant, capacity=0)
    with pytest.raises(DomainError):
        mentorship_start(mentor=mentor_participant, mentee=mentee_p)
    assert not Mentorship.objects.exists()


@pytest.mark.django_db
def test_a_paused_mentorship_counts_against_capacity(program, mentor_participant, mentee_p):
    MentorProfileFactory(participant=mentor_participant, capacity=1)
    MentorshipFactory(mentor=mentor_participant, mentee=mentee_p, status=Mentorship.Status.PAUSED)
    with pytest.raises(DomainError):
        mentorship_start(
            mentor=mentor_participant, mentee=ParticipantFactory(program=program, role=Role.MENTEE)
        )


@pytest.mark.django_db
def test_a_finished_mentorship_frees_capacity(program, mentor_participant, mentee_p):
    MentorProfileFactory(participant=mentor_participant, capacity=1)
    MentorshipFactory(
        mentor=mentor_participant, mentee=mentee_p, status=Mentorship.Status.COMPLETED
    )
    second = ParticipantFactory(program=program, role=Role.MENTEE)
    assert mentorship_start(mentor=mentor_participant, mentee=second).mentee == second


@pytest.mark.django_db
def test_start_refuses_a_pair_already_working_together(mentor_participant, mentee_p):
    MentorProfileFactory(participant=mentor_participant, capacity=5)
    mentorship_start(mentor=mentor_participant, mentee=mentee_p)
    with pytest.raises(DomainError):
        mentorship_start(mentor=mentor_participant, mentee=mentee_p)
    assert Mentorship.objects.count() == 1


@pytest.mark.django_db
def test_start_refuses_pairing_someone_with_themselves(program, mentor, mentor_participant):
    as_mentee = ParticipantFactory(program=program, user=mentor, role=Role.MENTEE)
    with pytest.raises(DomainError) as error:
        mentorship_start(mentor=mentor_participant, mentee=as_mentee)
    assert "themselves" in error.value.message
    assert not Mentorship.objects.exists()


@pytest.mark.django_db
def test_start_refuses_a_pair_from_different_programs(mentor_participant, other_program):
    elsewhere = ParticipantFactory(program=other_program, role=Role.MENTEE)
    with pytest.raises(DomainError) as error:
        mentorship_start(mentor=mentor_participant, mentee=elsewhere)
    assert "same program" in error.value.message
    assert not Mentorship.objects.exists()


@pytest.mark.django_db
def test_start_refuses_two_mentees(program, mentee_p):
    other_mentee = ParticipantFactory(program=program, role=Role.MENTEE)
    with pytest.raises(DomainError):
        mentorship_start(mentor=other_mentee, mentee=mentee_p)
    assert not Mentorship.objects.exists()


@pytest.mark.django_db
def test_start_refuses_an_admin_as_mentor(program, admin_user, mentee_p):
    admin = Participant.objects.get(user=admin_user, program=program)
    with pytest.raises(DomainError):
        mentorship_start(mentor=admin, mentee=mentee_p)
    assert not Mentorship.objects.exists()


@pytest.mark.django_db
def test_start_refuses_more_mentors_than_the_program_allows_a_mentee(
    program, mentor_participant, mentee_p
):
    program.max_mentors_per_mentee = 1
    program.save(update_fields=["max_mentors_per_mentee"])
    mentorship_start(mentor=mentor_participant, mentee=mentee_p)
    second_mentor = ParticipantFactory(program=program, role=Role.MENTOR)
    with pytest.raises(DomainError):
        mentorship_start(mentor=second_mentor, mentee=mentee_p)
    assert Mentorship.objects.count() == 1


@pytest.mark.django_db
def test_start_refuses_a_withdrawn_mentee(program, mentor_participant):
    withdrawn = ParticipantFactory(
        program=program, role=Role.MENTEE, status=Participant.Status.WITHDRAWN
    )
    with pytest.raises(DomainError):
        mentorship_start(mentor=mentor_participant, mentee=withdrawn)
    assert not Mentorship.objects.exists()


# ---------------------------------------------------------------------------
# Races that only a real PostgreSQL can show
# ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_starts_at_once_with_a_mentor_of_capacity_one_make_one_mentorship(
    postgres, program, mentor_participant
):
    MentorProfileFactory(participant=mentor_participant, capacity=1)
    first, second = ParticipantFactory.create_batch(2, program=program, role=Role.MENTEE)
    results = race(
        [
            lambda: mentorship_start(mentor=mentor_participant, mentee=first),
            lambda: mentorship_start(mentor=mentor_participant, mentee=second),
        ]
    )
    assert sum(isinstance(r, Mentorship) for r in results) == 1
    assert sum(isinstance(r, DomainError) for r in results) == 1
    assert Mentorship.objects.filter(mentor=mentor_participant).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_starts_at_once_for_a_mentor_without_a_profile_stay_within_default_capacity(
    postgres, program, mentor_participant
):
    """The profile is created on first use; three starts at once still respect capacity 2."""
    mentees = ParticipantFactory.create_batch(3, program=program, role=Role.MENTEE)
    results = race(
        [(lambda m=m: mentorship_start(mentor=mentor_participant, mentee=m)) for m in mentees]
    )
    assert len(results) == 3
    assert Mentorship.objects.filter(mentor=mentor_participant).count() == 2
    assert sum(isinstance(r, DomainError) for r in results) == 1

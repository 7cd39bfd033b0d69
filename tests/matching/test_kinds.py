"""Kinds of mentoring, per program: group circles and flash sessions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from matching.models import Mentorship
from matching.services.start import mentorship_start
from mentorship.errors import DomainError
from programs.models import Program, Role
from tests.matching.factories import MentorProfileFactory
from tests.programs.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def _pair(program: Program, capacity: int = 3):
    mentor = ParticipantFactory(program=program, role=Role.MENTOR)
    MentorProfileFactory(participant=mentor, capacity=capacity)
    return mentor


def test_group_program_puts_every_mentee_in_the_mentors_one_group(program):
    program.kind = Program.Kind.GROUP
    program.save()
    mentor = _pair(program)
    first, second = ParticipantFactory.create_batch(2, program=program, role=Role.MENTEE)
    a = mentorship_start(mentor=mentor, mentee=first)
    b = mentorship_start(mentor=mentor, mentee=second)
    assert a.group_id is not None
    assert a.group_id == b.group_id


def test_group_capacity_counts_circles_of_the_programs_size(program):
    program.kind = Program.Kind.GROUP
    program.circle_size = 2
    program.save()
    mentor = _pair(program, capacity=1)  # one circle of two
    mentees = ParticipantFactory.create_batch(3, program=program, role=Role.MENTEE)
    mentorship_start(mentor=mentor, mentee=mentees[0])
    mentorship_start(mentor=mentor, mentee=mentees[1])
    with pytest.raises(DomainError, match=r"at capacity \(1 circle of 2\)"):
        mentorship_start(mentor=mentor, mentee=mentees[2])
    assert Mentorship.objects.filter(mentor=mentor).count() == 2


def test_a_second_circle_opens_when_the_first_is_full_and_a_leaver_frees_a_place(program):
    program.kind = Program.Kind.GROUP
    program.circle_size = 2
    program.save()
    mentor = _pair(program, capacity=2)  # two circles of two
    mentees = ParticipantFactory.create_batch(5, program=program, role=Role.MENTEE)
    started = [mentorship_start(mentor=mentor, mentee=m) for m in mentees[:4]]
    circles = [m.group for m in started]
    assert [c.number for c in circles] == [1, 1, 2, 2]
    with pytest.raises(DomainError, match="2 circles of 2"):
        mentorship_start(mentor=mentor, mentee=mentees[4])
    started[0].status = Mentorship.Status.ENDED
    started[0].save()
    joined = mentorship_start(mentor=mentor, mentee=mentees[4])
    assert joined.group == circles[0]


def test_group_members_see_each_other_on_the_mentorship_page(client, program):
    program.kind = Program.Kind.GROUP
    program.save()
    mentor = _pair(program)
    first = ParticipantFactory(program=program, role=Role.MENTEE, user__full_name="Ana First")
    second = ParticipantFactory(program=program, role=Role.MENTEE, user__full_name="Bo Second")
    mine = mentorship_start(mentor=mentor, mentee=first)
    mentorship_start(mentor=mentor, mentee=second)
    client.force_login(first.user)
    page = client.get(reverse("matching:mentorship", args=[mine.pk])).content.decode()
    assert "with Bo Second: the circle's meetings and norms are shared" in page
    assert reverse("meetings:circle", args=[mine.group_id]) in page


def test_one_on_one_program_has_no_groups(program):
    mentor = _pair(program)
    mentorship = mentorship_start(
        mentor=mentor, mentee=ParticipantFactory(program=program, role=Role.MENTEE)
    )
    assert mentorship.group_id is None
    assert not mentorship.single_session


def test_flash_program_makes_a_single_session_relationship(program):
    program.kind = Program.Kind.FLASH
    program.save()
    mentor = _pair(program)
    mentorship = mentorship_start(
        mentor=mentor, mentee=ParticipantFactory(program=program, role=Role.MENTEE)
    )
    assert mentorship.single_session
    assert mentorship.ends_on is not None


def test_board_suggests_mentors_with_room_for_empty_seats(client, program):
    from matching.models import AdvisorRole

    mentee = ParticipantFactory(program=program, role=Role.MENTEE)
    career = ParticipantFactory(program=program, role=Role.MENTOR, user__full_name="Cara Career")
    MentorProfileFactory(participant=career, advisor_roles=[AdvisorRole.CAREER], capacity=1)
    full = ParticipantFactory(program=program, role=Role.MENTOR, user__full_name="Fay Full")
    MentorProfileFactory(participant=full, advisor_roles=[AdvisorRole.CAREER], capacity=1)
    mentorship_start(mentor=full, mentee=ParticipantFactory(program=program, role=Role.MENTEE))
    client.force_login(mentee.user)
    page = client.get(reverse("matching:board", args=[program.slug])).content.decode()
    assert "Cara Career" in page
    assert "Fay Full" not in page


def test_home_counts_requests_waiting_for_the_mentor(client, program):
    from matching.models import MentorshipRequest
    from tests.matching.factories import MentorshipRequestFactory

    request = MentorshipRequestFactory()
    client.force_login(request.mentor.user)
    page = client.get(reverse("home")).content.decode()
    assert "1 request waiting for your answer" in page
    MentorshipRequest.objects.filter(pk=request.pk).update(
        waiting_on=MentorshipRequest.WaitingOn.MENTEE
    )
    client.force_login(request.mentee.user)
    assert (
        "1 mentor question waiting for your reply" in client.get(reverse("home")).content.decode()
    )

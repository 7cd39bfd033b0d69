"""Cross-app rules: flash mentorships complete after their session; agreed norms set the end date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from matching.models import Mentorship
from matching.services.start import mentorship_start
from meetings.models import Meeting
from meetings.services.scheduling import flash_sessions_complete_due, meeting_mark_held
from meetings.services.together import agreement_confirm, agreement_propose
from notifications.models import Notification
from programs.models import Program, Role
from tests.matching.factories import MentorProfileFactory
from tests.programs.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def _mentorship(program: Program) -> Mentorship:
    mentor = ParticipantFactory(program=program, role=Role.MENTOR)
    MentorProfileFactory(participant=mentor, capacity=3)
    return mentorship_start(
        mentor=mentor, mentee=ParticipantFactory(program=program, role=Role.MENTEE)
    )


def test_a_flash_mentorship_completes_when_its_session_is_held(program):
    program.kind = Program.Kind.FLASH
    program.save()
    mentorship = _mentorship(program)
    now = timezone.now()
    meeting = Meeting.objects.create(
        mentorship=mentorship,
        starts_at=now - timedelta(hours=2),
        ends_at=now - timedelta(hours=1, minutes=30),
        status=Meeting.Status.CONFIRMED,
    )
    meeting_mark_held(meeting=meeting, actor=mentorship.mentee.user)
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.COMPLETED
    assert mentorship.closing_reason == "ran_course"


def test_a_flash_session_nobody_marked_held_is_complete_a_week_after_it_was_due(program):
    program.kind = Program.Kind.FLASH
    program.save()
    mentorship = _mentorship(program)
    due = timezone.now() - timedelta(days=3)
    Meeting.objects.create(
        mentorship=mentorship,
        starts_at=due,
        ends_at=due + timedelta(minutes=30),
        status=Meeting.Status.MISSED,
    )
    # Four days after it was due: not yet.
    assert flash_sessions_complete_due() == 0
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ACTIVE

    assert flash_sessions_complete_due(now=due + timedelta(days=8)) == 1
    mentorship.refresh_from_db()
    assert (mentorship.status, mentorship.closing_reason) == (
        Mentorship.Status.COMPLETED,
        "ran_course",
    )
    told = Notification.objects.filter(title__startswith="Your flash session with")
    assert {n.recipient_id for n in told} == {mentorship.mentor.user_id, mentorship.mentee.user_id}
    assert flash_sessions_complete_due(now=due + timedelta(days=9)) == 0  # once


def test_a_one_on_one_mentorship_is_not_completed_by_the_flash_scan(program):
    mentorship = _mentorship(program)
    due = timezone.now() - timedelta(days=30)
    Meeting.objects.create(mentorship=mentorship, starts_at=due, ends_at=due + timedelta(hours=1))
    assert flash_sessions_complete_due() == 0
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ACTIVE


def test_a_one_on_one_mentorship_stays_active_after_a_held_meeting(program):
    mentorship = _mentorship(program)
    now = timezone.now()
    meeting = Meeting.objects.create(
        mentorship=mentorship,
        starts_at=now - timedelta(hours=2),
        ends_at=now - timedelta(hours=1),
        status=Meeting.Status.CONFIRMED,
    )
    meeting_mark_held(meeting=meeting, actor=mentorship.mentor.user)
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ACTIVE


def test_confirmed_norms_set_the_relationships_end_date(program):
    mentorship = _mentorship(program)
    end = timezone.localdate() + timedelta(days=200)
    agreement_propose(
        mentorship=mentorship,
        actor=mentorship.mentee.user,
        frequency="monthly",
        format="video",
        channel="Video link in the invite",
        ends_on=end,
    )
    agreement_confirm(mentorship=mentorship, actor=mentorship.mentor.user, version=1)
    mentorship.refresh_from_db()
    assert mentorship.ends_on == end
    assert mentorship.changes.filter(note__startswith="End date").exists()

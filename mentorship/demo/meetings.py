"""Ten pairs at work: agreed norms, a held meeting with notes, an action item, advice (half
reported back) and thanks, and an upcoming meeting in a free slot with an agenda."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from matching.models import Mentorship
from meetings.models import Meeting
from meetings.services.scheduling import meeting_confirm, meeting_propose, slots_for
from meetings.services.together import (
    action_item_add,
    advice_add,
    advice_report_back,
    agenda_item_add,
    agreement_confirm,
    agreement_propose,
    appreciation_send,
    feedback_leave,
    shared_notes_save,
)
from programs.models import Program


def meetings_seed(*, program: Program) -> None:
    if Meeting.objects.filter(mentorship__program=program).exists():
        return
    now = timezone.now()
    mentorships = list(
        Mentorship.objects.filter(program=program, status=Mentorship.Status.ACTIVE)
        .select_related("mentor__user", "mentee__user")
        .order_by("mentee__user__email")[:10]
    )
    for number, mentorship in enumerate(mentorships):
        _norms(mentorship, confirmed=number < 8)
        _held(mentorship, number, now)
        _upcoming(mentorship, number, now)


def _norms(mentorship: Mentorship, *, confirmed: bool) -> None:
    mentor, mentee = mentorship.mentor.user, mentorship.mentee.user
    agreement_propose(
        mentorship=mentorship,
        actor=mentee,
        frequency="monthly",
        format="video",
        channel="The video link in the calendar invite",
        between_meetings="Short messages in chat, answered within two working days",
        meeting_minutes=30,
        other="Agenda questions at least a day before.",
    )
    if confirmed:
        agreement_confirm(mentorship=mentorship, actor=mentor, version=1)


def _held(mentorship: Mentorship, number: int, now: datetime) -> None:
    """A meeting held 10 + ``number`` days ago, with notes, an action item, advice and thanks."""
    mentor, mentee = mentorship.mentor.user, mentorship.mentee.user
    # History cannot be proposed in the past, so the held meeting is written as it happened.
    start = (now - timedelta(days=10 + number)).replace(hour=14, minute=0, second=0, microsecond=0)
    held = Meeting.objects.create(
        mentorship=mentorship,
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        status=Meeting.Status.HELD,
        proposed_by=mentee,
        confirmed_at=start - timedelta(days=3),
        held_at=start + timedelta(minutes=30),
    )
    shared_notes_save(
        meeting=held,
        author=mentee,
        text="We talked through my goal and what to try first.\n- Start with the smallest version.",
    )
    action_item_add(
        mentorship=mentorship,
        actor=mentee,
        owner=mentee,
        text="Draft a one-page plan and send it before the next meeting",
        due_on=timezone.localdate() + timedelta(days=1 if number == 0 else 5 + number),
        meeting=held,
    )
    advice = advice_add(
        mentorship=mentorship,
        actor=mentor,
        text="Ask for feedback early, before the work feels finished.",
        meeting=held,
    )
    if number % 2 == 0:
        advice_report_back(
            advice=advice,
            actor=mentee,
            outcome="acted",
            result="I shared a rough draft on day two and saved a week of rework.",
        )
        appreciation_send(
            mentorship=mentorship,
            author=mentee,
            kind="win",
            text="The early-feedback advice worked: my draft got approved.",
            advice=advice,
        )
    else:
        appreciation_send(
            mentorship=mentorship,
            author=mentee,
            kind="thanks",
            text="Thank you for your time and patience!",
        )
    feedback_leave(
        meeting=held, author=mentor, helped="Clear questions sent in advance.", change=""
    )


def _upcoming(mentorship: Mentorship, number: int, now: datetime) -> None:
    """An upcoming meeting in a free slot, confirmed, with an agenda."""
    slots = slots_for(mentorship=mentorship, minutes=30, now=now)
    if not slots:
        return
    mentor, mentee = mentorship.mentor.user, mentorship.mentee.user
    upcoming = meeting_propose(
        mentorship=mentorship,
        actor=mentee,
        starts_at=slots[min(number, len(slots) - 1)],
        minutes=30,
    )
    meeting_confirm(meeting=upcoming, actor=mentor)
    agenda_item_add(
        meeting=upcoming,
        author=mentee,
        text="How did you prepare for your first leadership role?",
    )
    agenda_item_add(meeting=upcoming, author=mentee, text="Can we review my one-page plan?")

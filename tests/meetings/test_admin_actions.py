"""Closing a program (final check-ins, expired requests) and each program's inactivity rule."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from matching.models import ClosingReason, Mentorship, MentorshipRequest, StateChange
from meetings.inactivity import Step, inactivity_scan, inactivity_step, last_activity_of
from meetings.models import (
    ActionItem,
    Advice,
    AgendaItem,
    Agreement,
    Appreciation,
    CheckIn,
    Meeting,
    MeetingFeedback,
    PrivateNote,
)
from meetings.services.checkins import FINAL, checkin_answer, checkins_open_final
from meetings.services.closing import program_close
from mentorship.errors import DomainError
from mentorship.schedules import SCHEDULES
from notifications.models import Delivery, Notification, Reminder
from programs.models import AuditEntry, Participant, Program
from tests.matching.factories import (
    MentorProfileFactory,
    MentorshipFactory,
    MentorshipRequestFactory,
    mentee_in,
    mentor_in,
)

pytestmark = pytest.mark.django_db

Status = Mentorship.Status
T0 = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)


@pytest.fixture
def mentor_p(mentor_participant) -> Participant:
    """The shared mentor (conftest.py) with capacity 3: room for the cohort's pairs below."""
    MentorProfileFactory(participant=mentor_participant, capacity=3)
    return mentor_participant


@pytest.fixture
def mentorship(mentor_p, mentee_p) -> Mentorship:
    """The shared pair (conftest.py), started at T0: the inactivity rules count from it."""
    return MentorshipFactory(mentor=mentor_p, mentee=mentee_p, started_at=T0)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# ---------------------------------------------------------------------------
# The final check-in
# ---------------------------------------------------------------------------
def test_a_final_checkin_opens_for_both_people_of_an_ended_mentorship_once(
    mentorship, mentor, mentee
):
    Mentorship.objects.filter(pk=mentorship.pk).update(status=Status.ENDED)
    assert checkins_open_final(mentorships=[mentorship]) == 2
    assert checkins_open_final(mentorships=[mentorship]) == 0
    rows = CheckIn.objects.filter(mentorship=mentorship)
    assert {(c.person_id, c.period_key, c.status) for c in rows} == {
        (mentor.pk, FINAL, "due"),
        (mentee.pk, FINAL, "due"),
    }


def test_a_final_checkin_of_an_ended_mentorship_can_be_answered(mentorship, mentee):
    Mentorship.objects.filter(pk=mentorship.pk).update(status=Status.ENDED)
    checkins_open_final(mentorships=[mentorship])
    checkin = CheckIn.objects.get(person=mentee)
    answered = checkin_answer(
        checkin=checkin, person=mentee, satisfaction=4, energy=4, norms_fit="yes"
    )
    assert answered.status == CheckIn.Status.ANSWERED


def test_no_final_checkins_for_no_mentorships():
    assert checkins_open_final(mentorships=[]) == 0


# ---------------------------------------------------------------------------
# Closing a program
# ---------------------------------------------------------------------------
@pytest.fixture
def cohort(program, mentorship, mentor_p):
    """An active and a paused mentorship, one already ended, and a pending request."""
    paused = MentorshipFactory(mentor=mentor_p, mentee=mentee_in(program), status=Status.PAUSED)
    done = MentorshipFactory(
        mentor=mentor_p,
        mentee=mentee_in(program),
        status=Status.COMPLETED,
        closing_reason="goals_met",
    )
    request = MentorshipRequestFactory(mentor=mentor_in(program), mentee=mentee_in(program))
    Program.objects.filter(pk=program.pk).update(enrollment_open=True)
    program.refresh_from_db()
    return {"active": mentorship, "paused": paused, "done": done, "request": request}


def test_closing_a_program_ends_live_mentorships_with_final_checkins(
    program, admin_user, cohort, mentor, mentee
):
    closed = program_close(program=program, actor=admin_user)
    assert (closed.ended, closed.final_checkins, closed.requests_expired) == (2, 4, 1)
    for key in ("active", "paused"):
        cohort[key].refresh_from_db()
        assert (cohort[key].status, cohort[key].closing_reason) == (Status.ENDED, "program_closed")
        assert CheckIn.objects.filter(mentorship=cohort[key], period_key=FINAL).count() == 2
    cohort["done"].refresh_from_db()
    assert cohort["done"].status == Status.COMPLETED
    assert not CheckIn.objects.filter(mentorship=cohort["done"]).exists()
    changes = StateChange.objects.filter(mentorship=cohort["active"])
    assert [(c.actor, c.to_status) for c in changes] == [(admin_user, "ended")]


def test_closing_a_program_expires_requests_closes_enrollment_and_ends_today(
    program, admin_user, cohort
):
    # One instant for the service's today and the test's: across midnight they differed.
    with time_machine.travel(timezone.now(), tick=False):
        program_close(program=program, actor=admin_user)
        today = timezone.localdate()
    program.refresh_from_db()
    assert (program.enrollment_open, program.ends_on) == (False, today)
    cohort["request"].refresh_from_db()
    assert cohort["request"].status == MentorshipRequest.Status.EXPIRED
    assert Delivery.objects.filter(kind=Reminder.REQUEST_EXPIRED).count() == 1


def test_closing_a_program_tells_each_person_once_and_is_audited(
    program, admin_user, cohort, mentor, mentee
):
    with time_machine.travel(timezone.now(), tick=False):
        program_close(program=program, actor=admin_user)
        today = timezone.localdate()
    titles = list(Notification.objects.filter(recipient=mentor).values_list("title", flat=True))
    assert titles == ["Pathways has closed: your mentorships in it have ended"]
    assert Notification.objects.filter(recipient=mentee).count() == 1
    entry = AuditEntry.objects.get(action="program.close")
    assert entry.actor == admin_user
    assert entry.changes == [
        ("ends on", None, today.isoformat()),
        ("enrollment open", True, False),
        ("live mentorships", 2, 0),
        ("pending requests", 1, 0),
    ]
    assert entry.detail["final_checkins"] == 4


def test_closing_keeps_an_earlier_end_date(program, admin_user, mentorship):
    earlier = timezone.localdate() - timedelta(days=3)
    Program.objects.filter(pk=program.pk).update(ends_on=earlier)
    program_close(program=program, actor=admin_user)
    program.refresh_from_db()
    assert program.ends_on == earlier


def _unchanged(program: Program, cohort: dict) -> None:
    program.refresh_from_db()
    assert (program.enrollment_open, program.ends_on) == (True, None)
    for key in ("active", "paused"):
        before = cohort[key].status
        cohort[key].refresh_from_db()
        assert cohort[key].status == before
    cohort["request"].refresh_from_db()
    assert cohort["request"].status == MentorshipRequest.Status.PENDING
    assert not CheckIn.objects.exists()
    assert not AuditEntry.objects.filter(action="program.close").exists()
    assert not Notification.objects.filter(kind=Notification.Kind.MENTORSHIP).exists()


@pytest.mark.parametrize("who", ["mentor", "mentee", "outsider"])
def test_only_the_programs_admins_can_close_it(request, program, cohort, who):
    with pytest.raises(DomainError, match="Only the admins of Pathways"):
        program_close(program=program, actor=request.getfixturevalue(who))
    _unchanged(program, cohort)


def test_a_program_that_has_not_started_cannot_close(program, admin_user, cohort):
    # One instant: a tomorrow set before midnight was the service's today after it.
    with time_machine.travel(timezone.now(), tick=False):
        Program.objects.filter(pk=program.pk).update(starts_on=timezone.localdate() + DAY)
        with pytest.raises(DomainError, match="cannot close before it starts"):
            program_close(program=program, actor=admin_user)


def test_a_closed_program_cannot_close_again(program, admin_user, mentorship):
    program_close(program=program, actor=admin_user)
    with pytest.raises(DomainError, match="closed already"):
        program_close(program=program, actor=admin_user)
    assert AuditEntry.objects.filter(action="program.close").count() == 1


def test_a_failure_half_way_through_closing_leaves_nothing(
    program, admin_user, cohort, monkeypatch
):
    """Mentorships end and check-ins open before the requests expire: a crash there undoes all."""

    def crash(**kwargs: object) -> int:
        raise RuntimeError("the database went away")

    monkeypatch.setattr("meetings.services.closing.requests_expire_for_program", crash)
    with pytest.raises(RuntimeError):
        program_close(program=program, actor=admin_user)
    _unchanged(program, cohort)
    assert not StateChange.objects.exists()


def test_the_close_page_says_what_ends_and_how_many_people_are_told(program, admin_user, cohort):
    response = _client(admin_user).get(reverse("meetings:program_close", args=[program.slug]))
    assert response.status_code == 200
    assert (
        response.context["live_mentorships"],
        response.context["pending_requests"],
        response.context["people_told"],
    ) == (2, 1, 4)  # the mentor and two mentees of the live pairs, and the waiting mentee
    page = " ".join(response.content.decode().split())
    assert "Closing ends <strong>2 mentorships</strong>" in page
    assert "<strong>4 people are told</strong>" in page
    assert "Close it and tell 4 people" in page
    _unchanged(program, cohort)


def test_the_close_button_needs_the_box_ticked_next_to_it(program, admin_user, cohort):
    client = _client(admin_user)
    url = reverse("meetings:program_close", args=[program.slug])
    response = client.post(url, {})
    assert response.status_code == 200
    assert response.context["form"].errors["confirm"]
    _unchanged(program, cohort)
    response = client.post(url, {"confirm": "on"})
    assert response.url == reverse("programs:enrollment", args=[program.slug])
    cohort["active"].refresh_from_db()
    assert cohort["active"].status == Status.ENDED


def test_the_close_button_shows_a_refusal_next_to_the_form(program, admin_user, mentorship):
    # Tomorrow in the admin's zone, where the page counts days, at one instant: a tomorrow in
    # UTC was already today in Berlin from 23:00 UTC, and any tomorrow was today past midnight.
    client = _client(admin_user)
    with time_machine.travel(timezone.now(), tick=False):
        tomorrow = timezone.localdate(timezone=admin_user.zoneinfo) + DAY
        Program.objects.filter(pk=program.pk).update(starts_on=tomorrow)
        response = client.post(
            reverse("meetings:program_close", args=[program.slug]), {"confirm": "on"}
        )
    assert "cannot close before it starts" in str(response.context["form"].errors)


def test_the_close_button_is_for_this_programs_admins_only(
    client, program, cohort, mentor, mentee, outsider
):
    url = reverse("meetings:program_close", args=[program.slug])
    assert "/accounts/login/" in client.post(url, {"confirm": "on"}).url
    assert _client(mentor).post(url, {"confirm": "on"}).status_code == 403
    assert _client(mentee).post(url, {"confirm": "on"}).status_code == 403
    assert _client(outsider).post(url, {"confirm": "on"}).status_code == 404
    assert _client(outsider).get(url).status_code == 404
    assert _client(mentor).get(url).status_code == 403
    _unchanged(program, cohort)


# ---------------------------------------------------------------------------
# The inactivity rule: the pure step
# ---------------------------------------------------------------------------
STALLED_AFTER = 60 * DAY
CLOSE_AFTER = 30 * DAY


def _step(last: datetime, now: datetime, stalled_since: datetime | None = None, close=CLOSE_AFTER):
    return inactivity_step(
        last_activity=last,
        stalled_since=stalled_since,
        now=now,
        stalled_after=STALLED_AFTER,
        close_after=close,
    )


def test_quiet_for_one_second_less_than_the_period_is_not_stalled():
    assert _step(T0, T0 + STALLED_AFTER - SECOND) == Step.KEEP


def test_quiet_for_exactly_the_period_is_stalled():
    assert _step(T0, T0 + STALLED_AFTER) == Step.FLAG


def test_a_stalled_one_closes_exactly_the_grace_period_after_the_flag():
    flagged = T0 + STALLED_AFTER
    assert _step(T0, flagged + CLOSE_AFTER - SECOND, stalled_since=flagged) == Step.KEEP
    assert _step(T0, flagged + CLOSE_AFTER, stalled_since=flagged) == Step.CLOSE


def test_without_a_grace_period_a_stalled_one_never_closes():
    flagged = T0 + STALLED_AFTER
    assert _step(T0, flagged + 1000 * DAY, stalled_since=flagged, close=None) == Step.KEEP


def test_activity_after_the_flag_clears_it_or_flags_anew_if_quiet_again():
    flagged = T0 + STALLED_AFTER
    assert _step(flagged + DAY, flagged + 2 * DAY, stalled_since=flagged) == Step.CLEAR
    assert _step(flagged + DAY, flagged + DAY + STALLED_AFTER, stalled_since=flagged) == Step.FLAG


# ---------------------------------------------------------------------------
# What counts as activity
# ---------------------------------------------------------------------------
def _meeting(mentorship: Mentorship, **values: object) -> Meeting:
    return Meeting.objects.create(
        mentorship=mentorship,
        starts_at=T0 + DAY,
        ends_at=T0 + DAY + timedelta(minutes=30),
        status=Meeting.Status.HELD,
        **values,
    )


def _at(row: object, moment: datetime, *fields: str) -> None:
    type(row).objects.filter(pk=row.pk).update(**dict.fromkeys(fields, moment))  # type: ignore[attr-defined]


ACTIVITY: dict[str, Callable[[Mentorship, datetime], None]] = {
    "a meeting change by one of the two": lambda m, at: _at(
        StateChange.objects.create(
            mentorship=m, actor=m.mentee.user, from_status="proposed", to_status="confirmed"
        ),
        at,
        "created_at",
    ),
    "a resume by anyone": lambda m, at: _at(
        StateChange.objects.create(
            mentorship=m, actor=None, from_status="paused", to_status="active"
        ),
        at,
        "created_at",
    ),
    "shared notes written": lambda m, at: _at(
        _meeting(m, shared_notes="We talked."), at, "updated_at"
    ),
    "an agenda question": lambda m, at: _at(
        AgendaItem.objects.create(meeting=_meeting(m), author=m.mentee.user, text="Q?"),
        at,
        "created_at",
    ),
    "an action item ticked off": lambda m, at: _at(
        ActionItem.objects.create(mentorship=m, owner=m.mentee.user, text="Do it"),
        at,
        "updated_at",
    ),
    "advice reported back": lambda m, at: _at(
        Advice.objects.create(mentorship=m, recorded_by=m.mentor.user, text="Try"),
        at,
        "updated_at",
    ),
    "a thank-you": lambda m, at: _at(
        Appreciation.objects.create(mentorship=m, author=m.mentee.user, text="Thanks"),
        at,
        "created_at",
    ),
    "feedback after a meeting": lambda m, at: _at(
        MeetingFeedback.objects.create(meeting=_meeting(m), author=m.mentor.user, helped="All"),
        at,
        "updated_at",
    ),
    "the norms confirmed": lambda m, at: _at(
        Agreement.objects.create(mentorship=m, version=1, channel="Video"), at, "updated_at"
    ),
    "a check-in answered": lambda m, at: _at(
        CheckIn.objects.create(
            mentorship=m,
            person=m.mentee.user,
            period_key="2026-Q1",
            due_on=T0.date(),
            status=CheckIn.Status.ANSWERED,
            satisfaction=4,
            energy=4,
        ),
        at,
        "answered_at",
    ),
}

NOT_ACTIVITY: dict[str, Callable[[Mentorship, datetime], None]] = {
    "a private note": lambda m, at: _at(
        PrivateNote.objects.create(meeting=_meeting(m), author=m.mentee.user, text="Secret"),
        at,
        "updated_at",
        "created_at",
    ),
    "a meeting marked missed by the software": lambda m, at: _at(
        StateChange.objects.create(
            mentorship=m, actor=None, from_status="confirmed", to_status="missed"
        ),
        at,
        "created_at",
    ),
    "an unanswered check-in": lambda m, at: _at(
        CheckIn.objects.create(
            mentorship=m, person=m.mentee.user, period_key="2026-Q1", due_on=T0.date()
        ),
        at,
        "created_at",
        "updated_at",
    ),
}


@pytest.mark.parametrize("what", list(ACTIVITY))
def test_each_kind_of_activity_restarts_the_clock(mentorship, what):
    at = T0 + 10 * DAY
    ACTIVITY[what](mentorship, at)
    assert last_activity_of([mentorship]) == {mentorship.pk: at}
    inactivity_scan(now=at + STALLED_AFTER - SECOND)
    mentorship.refresh_from_db()
    assert mentorship.stalled_since is None
    inactivity_scan(now=at + STALLED_AFTER)
    mentorship.refresh_from_db()
    assert mentorship.stalled_since == at + STALLED_AFTER


@pytest.mark.parametrize("what", list(NOT_ACTIVITY))
def test_what_is_not_activity_leaves_the_clock_alone(mentorship, what):
    NOT_ACTIVITY[what](mentorship, T0 + 10 * DAY)
    assert last_activity_of([mentorship]) == {mentorship.pk: T0}


# ---------------------------------------------------------------------------
# The scan
# ---------------------------------------------------------------------------
def _quiet_nudges() -> list[tuple[int, str]]:
    return sorted(
        Delivery.objects.filter(kind=Reminder.ADMIN_NUDGE).values_list(
            "recipient_id", "subject_key"
        )
    )


def test_the_scan_flags_a_quiet_mentorship_and_nudges_both_people_once(mentorship, mentor, mentee):
    now = T0 + STALLED_AFTER
    assert inactivity_scan(now=now - SECOND).flagged == 0
    assert _quiet_nudges() == []
    assert inactivity_scan(now=now).flagged == 1
    assert inactivity_scan(now=now + DAY).flagged == 0  # a rerun is a no-op
    key = f"mentorship:{mentorship.pk}"
    assert _quiet_nudges() == sorted([(mentor.pk, key), (mentee.pk, key)])
    nudge = Delivery.objects.get(recipient=mentee)
    assert nudge.title == "Your mentorship with Mo Mentor has gone quiet"
    assert "60 days" in nudge.body and "closes it" not in nudge.body
    mentorship.refresh_from_db()
    assert mentorship.stalled_since == now


def test_by_default_a_stalled_mentorship_is_never_closed(mentorship):
    inactivity_scan(now=T0 + STALLED_AFTER)
    inactivity_scan(now=T0 + 900 * DAY)
    mentorship.refresh_from_db()
    assert mentorship.status == Status.ACTIVE


@pytest.fixture
def auto_close(program) -> Program:
    Program.objects.filter(pk=program.pk).update(auto_close_after_days=30)
    program.refresh_from_db()
    return program


def test_with_a_grace_period_the_nudge_says_so(mentorship, auto_close, mentee):
    inactivity_scan(now=T0 + STALLED_AFTER)
    assert (
        "next 30 days, Pathways closes it as inactive"
        in Delivery.objects.get(recipient=mentee).body
    )


def test_a_stalled_mentorship_closes_as_inactive_exactly_the_grace_period_after_the_nudge(
    mentorship, auto_close, mentor, mentee
):
    flagged = T0 + STALLED_AFTER
    inactivity_scan(now=flagged)
    assert inactivity_scan(now=flagged + CLOSE_AFTER - SECOND).closed == 0
    mentorship.refresh_from_db()
    assert mentorship.status == Status.ACTIVE
    assert inactivity_scan(now=flagged + CLOSE_AFTER).closed == 1
    mentorship.refresh_from_db()
    assert (mentorship.status, mentorship.closing_reason) == (Status.ENDED, "inactive")
    assert mentorship.stalled_since is None
    change = StateChange.objects.get(mentorship=mentorship)
    assert (change.actor, change.to_status) == (None, "ended")
    assert list(Notification.objects.filter(recipient=mentee).values_list("title", flat=True)) == [
        "Your mentorship with Mo Mentor was closed as inactive"
    ]
    assert inactivity_scan(now=flagged + 2 * CLOSE_AFTER).closed == 0  # idempotent
    assert Notification.objects.filter(recipient=mentor).count() == 1


def test_activity_after_the_nudge_clears_the_flag_and_saves_the_mentorship(mentorship, auto_close):
    flagged = T0 + STALLED_AFTER
    inactivity_scan(now=flagged)
    ACTIVITY["an action item ticked off"](mentorship, flagged + DAY)
    assert inactivity_scan(now=flagged + 2 * DAY).cleared == 1
    mentorship.refresh_from_db()
    assert mentorship.stalled_since is None
    inactivity_scan(now=flagged + CLOSE_AFTER)
    mentorship.refresh_from_db()
    assert mentorship.status == Status.ACTIVE


def test_activity_just_before_closing_is_seen_under_the_lock(mentorship, auto_close, monkeypatch):
    """The scan read the batch, then someone acted: the closing re-reads and spares it."""
    import meetings.inactivity as inactivity

    flagged = T0 + STALLED_AFTER
    inactivity_scan(now=flagged)
    real = inactivity._close

    def act_first(candidates: list[int], now: datetime) -> int:
        ACTIVITY["a thank-you"](mentorship, flagged + DAY)
        return real(candidates, now)

    monkeypatch.setattr(inactivity, "_close", act_first)
    assert inactivity_scan(now=flagged + CLOSE_AFTER).closed == 0
    mentorship.refresh_from_db()
    assert mentorship.status == Status.ACTIVE


def test_paused_mentorships_are_left_alone(mentorship, auto_close):
    Mentorship.objects.filter(pk=mentorship.pk).update(status=Status.PAUSED)
    inactivity_scan(now=T0 + 500 * DAY)
    mentorship.refresh_from_db()
    assert (mentorship.status, mentorship.stalled_since) == (Status.PAUSED, None)
    assert _quiet_nudges() == []


def test_the_rule_waits_while_the_mentor_is_away_and_starts_over_after(
    mentorship, auto_close, mentor_p
):
    flagged = T0 + STALLED_AFTER
    inactivity_scan(now=flagged)
    mentor_p.mentor_profile.away_until = (flagged + 60 * DAY).date()
    mentor_p.mentor_profile.save()
    inactivity_scan(now=flagged + CLOSE_AFTER)
    mentorship.refresh_from_db()
    assert (mentorship.status, mentorship.stalled_since) == (Status.ACTIVE, None)


def test_each_program_uses_its_own_period(mentorship, program, other_program):
    other = MentorshipFactory(
        mentor=mentor_in(other_program), mentee=mentee_in(other_program), started_at=T0
    )
    Program.objects.filter(pk=other_program.pk).update(stalled_after_days=30)
    inactivity_scan(now=T0 + 30 * DAY)
    mentorship.refresh_from_db()
    other.refresh_from_db()
    assert (mentorship.stalled_since, other.stalled_since) == (None, T0 + 30 * DAY)


def _scan_queries(now: datetime) -> int:
    with CaptureQueriesContext(connection) as ctx:
        inactivity_scan(now=now)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("now", [T0 + DAY, T0 + STALLED_AFTER], ids=["quiet", "flagging"])
def test_the_scan_runs_a_fixed_number_of_queries_whatever_the_number(program, now):
    def pairs(n: int) -> None:
        for _ in range(n):
            MentorshipFactory(mentor=mentor_in(program), mentee=mentee_in(program), started_at=T0)

    pairs(2)
    small = _scan_queries(now)
    Mentorship.objects.update(stalled_since=None)
    Delivery.objects.all().delete()
    pairs(8)
    assert _scan_queries(now) == small


def test_the_task_is_named_and_scheduled(mentorship):
    from meetings.tasks import close_inactive

    assert close_inactive.name == "meetings.close_inactive"
    assert ("meetings.close_inactive", 3600) in SCHEDULES.values()
    Mentorship.objects.filter(pk=mentorship.pk).update(started_at=timezone.now())
    assert close_inactive() == 0  # nothing is quiet yet
    Mentorship.objects.filter(pk=mentorship.pk).update(started_at=timezone.now() - 61 * DAY)
    assert close_inactive() == 1


def test_closing_reasons_of_the_software_are_labelled(mentorship):
    assert ClosingReason("inactive").label == "Inactive"
    assert ClosingReason("program_closed").label == "The program closed"

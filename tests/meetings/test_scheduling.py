"""Scheduling services and pages: refusals naming the rule, confirm, reschedule, cancel (late),
held, the missed-meeting scan, privacy and query counts."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from matching.models import Mentorship, StateChange
from meetings.models import Meeting
from meetings.services import scheduling
from meetings.services.scheduling import (
    late_cancellations,
    meeting_cancel,
    meeting_confirm,
    meeting_mark_held,
    meeting_mark_missed_one_due,
    meeting_propose,
    meeting_reschedule,
    meetings_mark_missed_due,
)
from meetings.tasks import mark_missed
from mentorship.errors import DomainError
from notifications.models import Notification
from programs.models import Participant, Role
from tests.helpers import assert_flat_queries, race
from tests.matching.factories import MentorshipFactory
from tests.meetings.helpers import NOW
from tests.programs.factories import ParticipantFactory

UTC = ZoneInfo("UTC")
# NOW is Sunday 1 March 2026, noon UTC. Mondays 09:00–11:00 New York are 14:00–16:00 UTC on 2 March
# (EST) and 13:00–15:00 UTC from 9 March (EDT).
MON_2_MAR_9AM_NY = datetime(2026, 3, 2, 14, tzinfo=UTC)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def mentorship(mentorship_with_windows: Mentorship) -> Mentorship:
    """Here the pair's mentor keeps Monday windows in New York, on the frozen clock (conftest)."""
    return mentorship_with_windows


def propose(mentorship, actor, starts_at=MON_2_MAR_9AM_NY, minutes=30) -> Meeting:
    return meeting_propose(mentorship=mentorship, actor=actor, starts_at=starts_at, minutes=minutes)


def confirmed(mentorship, starts_at=MON_2_MAR_9AM_NY) -> Meeting:
    meeting = propose(mentorship, mentorship.mentee.user, starts_at)
    return meeting_confirm(meeting=meeting, actor=mentorship.mentor.user)


def another_mentorship_of(person: Participant, *, as_mentor: bool):
    """A second mentorship of the same user, in another program."""
    other_program_role = Role.MENTOR if as_mentor else Role.MENTEE
    me = ParticipantFactory(user=person.user, role=other_program_role)
    them = ParticipantFactory(program=me.program, role=Role.MENTEE if as_mentor else Role.MENTOR)
    pair = (me, them) if as_mentor else (them, me)
    return MentorshipFactory(mentor=pair[0], mentee=pair[1], program=me.program)


# ---------------------------------------------------------------------------
# propose
# ---------------------------------------------------------------------------
def test_propose_creates_a_proposed_meeting_and_tells_the_other(mentorship, mentor, mentee):
    meeting = propose(mentorship, mentee, minutes=45)
    assert meeting.status == Meeting.Status.PROPOSED
    assert meeting.proposed_by == mentee
    assert meeting.ends_at - meeting.starts_at == timedelta(minutes=45)
    note = Notification.objects.get(recipient=mentor)
    assert note.kind == Notification.Kind.MENTORSHIP
    assert note.link == f"/meetings/{meeting.pk}/"
    assert "Mon 2 Mar 09:00 New York time" in note.title
    change = StateChange.objects.get(mentorship=mentorship)
    assert (change.to_status, change.actor) == ("proposed", mentee)
    assert change.note.startswith("meeting")


def test_the_mentor_may_propose_too(mentorship, mentor):
    assert propose(mentorship, mentor).proposed_by == mentor


def test_propose_outside_the_windows_names_them_and_three_times_in_the_actors_zone(
    mentorship, mentee, mentor
):
    with pytest.raises(DomainError) as refused:
        propose(mentorship, mentee, utc(2026, 3, 2, 18))
    assert refused.value.message == (
        "That time is outside Dana Mentor's contact windows (Mon 09:00–11:00 New York time). "
        "Times that fit: Mon 2 Mar 15:00, Mon 2 Mar 15:30, Mon 2 Mar 16:00 (Berlin time)."
    )
    with pytest.raises(DomainError) as refused:
        propose(mentorship, mentor, utc(2026, 3, 2, 18))
    assert refused.value.message.endswith(
        "Times that fit: Mon 2 Mar 09:00, Mon 2 Mar 09:30, Mon 2 Mar 10:00 (New York time)."
    )
    assert not Meeting.objects.exists()


def test_propose_without_enough_notice_is_refused_with_later_times(mentorship, mentee, clock):
    clock.move_to(utc(2026, 3, 2, 0))
    with pytest.raises(DomainError) as refused:
        propose(mentorship, mentee)
    # After the US change 09:00 New York is 14:00 in Berlin.
    assert refused.value.message == (
        "Meetings with Dana Mentor need 24 hours' notice. "
        "Times that fit: Mon 9 Mar 14:00, Mon 9 Mar 14:30, Mon 9 Mar 15:00 (Berlin time)."
    )


def test_propose_refuses_a_clash_with_the_mentors_meeting_in_another_mentorship(mentorship, mentee):
    elsewhere = another_mentorship_of(mentorship.mentor, as_mentor=True)
    Meeting.objects.create(
        mentorship=elsewhere,
        starts_at=MON_2_MAR_9AM_NY,
        ends_at=MON_2_MAR_9AM_NY + timedelta(hours=1),
        status=Meeting.Status.CONFIRMED,
    )
    with pytest.raises(DomainError) as refused:
        propose(mentorship, mentee)
    assert refused.value.message.startswith("That time clashes with another meeting.")
    assert "Times that fit: Mon 2 Mar 16:00," in refused.value.message


def test_propose_refuses_a_clash_with_the_mentees_own_other_meeting(mentorship, mentee):
    elsewhere = another_mentorship_of(mentorship.mentee, as_mentor=False)
    Meeting.objects.create(
        mentorship=elsewhere,
        starts_at=MON_2_MAR_9AM_NY,
        ends_at=MON_2_MAR_9AM_NY + timedelta(minutes=30),
        status=Meeting.Status.PROPOSED,
    )
    with pytest.raises(DomainError, match="clashes with another meeting"):
        propose(mentorship, mentee)


def test_a_cancelled_meeting_does_not_block_its_slot(mentorship, mentee):
    meeting_cancel(meeting=propose(mentorship, mentee), actor=mentee)
    assert propose(mentorship, mentee).status == Meeting.Status.PROPOSED


def test_propose_refuses_a_second_proposal_for_the_same_slot(mentorship, mentee, mentor):
    propose(mentorship, mentee)
    with pytest.raises(DomainError, match="clashes"):
        propose(mentorship, mentor)


def test_a_paused_mentorship_cannot_schedule(mentorship, mentee):
    Mentorship.objects.filter(pk=mentorship.pk).update(status=Mentorship.Status.PAUSED)
    mentorship.refresh_from_db()
    with pytest.raises(DomainError, match="This mentorship is paused"):
        propose(mentorship, mentee)
    assert scheduling.slots_for(mentorship=mentorship, minutes=30) == []


def test_an_away_mentor_is_refused_until_their_return(mentorship, mentee):
    mentorship.mentor.mentor_profile.away_until = date(2026, 3, 5)
    mentorship.mentor.mentor_profile.save()
    with pytest.raises(DomainError) as refused:
        propose(mentorship, mentee)
    assert refused.value.message.startswith("Dana Mentor is away until 5 March 2026.")
    assert "Times that fit: Mon 9 Mar 14:00" in refused.value.message
    assert propose(mentorship, mentee, utc(2026, 3, 9, 13)).status == Meeting.Status.PROPOSED


def test_a_mentor_away_for_longer_has_no_slots(mentorship):
    mentorship.mentor.mentor_profile.away_until = date(2026, 6, 1)
    mentorship.mentor.mentor_profile.save()
    assert scheduling.slots_for(mentorship=mentorship, minutes=30) == []


def test_an_outsider_cannot_propose(mentorship, outsider):
    with pytest.raises(DomainError, match="Only the two people"):
        propose(mentorship, outsider)


def test_propose_refuses_an_odd_length(mentorship, mentee):
    with pytest.raises(DomainError) as refused:
        propose(mentorship, mentee, minutes=5)
    assert refused.value.field == "minutes"


def test_slots_leave_out_the_mentors_other_meetings(mentorship, mentee):
    confirmed(mentorship)
    starts = scheduling.slots_for(mentorship=mentorship, minutes=30, days=2)
    assert starts == [utc(2026, 3, 2, 14, 30), utc(2026, 3, 2, 15), utc(2026, 3, 2, 15, 30)]


@pytest.mark.django_db(transaction=True)
def test_two_proposals_at_once_cannot_take_the_same_slot(postgres, mentorship, mentor, mentee):
    results = race(
        [
            lambda: propose(mentorship, mentee),
            lambda: propose(mentorship, mentor, MON_2_MAR_9AM_NY + timedelta(minutes=15)),
        ]
    )
    assert sum(isinstance(r, Meeting) for r in results) == 1
    assert Meeting.objects.count() == 1


# ---------------------------------------------------------------------------
# confirm
# ---------------------------------------------------------------------------
def test_the_other_person_confirms(mentorship, mentor, mentee):
    meeting = meeting_confirm(meeting=propose(mentorship, mentee), actor=mentor)
    assert meeting.status == Meeting.Status.CONFIRMED
    assert meeting.confirmed_at == NOW
    assert Notification.objects.filter(recipient=mentee, title__contains="confirmed").exists()


def test_the_proposer_cannot_confirm_their_own_time(mentorship, mentee):
    with pytest.raises(DomainError, match="You proposed this time"):
        meeting_confirm(meeting=propose(mentorship, mentee), actor=mentee)


def test_confirm_checks_the_slot_again(mentorship, mentor, mentee):
    meeting = propose(mentorship, mentee)
    # A clash that appeared since (written directly, as an import or admin might).
    Meeting.objects.create(
        mentorship=another_mentorship_of(mentorship.mentor, as_mentor=True),
        starts_at=MON_2_MAR_9AM_NY,
        ends_at=MON_2_MAR_9AM_NY + timedelta(minutes=30),
        status=Meeting.Status.CONFIRMED,
    )
    with pytest.raises(DomainError, match="clashes with another meeting"):
        meeting_confirm(meeting=meeting, actor=mentor)


def test_confirm_needs_no_fresh_notice_but_not_a_past_time(mentorship, mentor, mentee, clock):
    meeting = propose(mentorship, mentee)
    clock.move_to(MON_2_MAR_9AM_NY - timedelta(hours=2))
    assert meeting_confirm(meeting=meeting, actor=mentor).status == Meeting.Status.CONFIRMED
    other = propose(mentorship, mentee, utc(2026, 3, 9, 13))
    clock.move_to(utc(2026, 3, 9, 13, 5))
    with pytest.raises(DomainError, match="in the past"):
        meeting_confirm(meeting=other, actor=mentor)


def test_confirm_refuses_a_cancelled_meeting(mentorship, mentor, mentee):
    meeting = meeting_cancel(meeting=propose(mentorship, mentee), actor=mentee)
    with pytest.raises(DomainError, match="Only a proposed meeting"):
        meeting_confirm(meeting=meeting, actor=mentor)


# ---------------------------------------------------------------------------
# cancel and late cancellations
# ---------------------------------------------------------------------------
def test_cancel_with_notice_is_not_late(mentorship, mentee, mentor):
    meeting = confirmed(mentorship, utc(2026, 3, 9, 13))
    meeting = meeting_cancel(meeting=meeting, actor=mentor)
    assert (meeting.status, meeting.cancelled_by, meeting.cancelled_late) == (
        Meeting.Status.CANCELLED,
        mentor,
        False,
    )
    assert late_cancellations(mentorship) == 0
    assert Notification.objects.filter(recipient=mentee, title__contains="cancelled").exists()


def test_cancel_inside_the_notice_is_allowed_but_late(mentorship, mentee, clock):
    meeting = confirmed(mentorship)
    clock.move_to(MON_2_MAR_9AM_NY - timedelta(hours=3))
    meeting = meeting_cancel(meeting=meeting, actor=mentee)
    assert meeting.status == Meeting.Status.CANCELLED
    assert meeting.cancelled_late is True
    assert late_cancellations(mentorship) == 1
    assert StateChange.objects.filter(note__endswith="cancelled late").count() == 1


def test_withdrawing_an_unconfirmed_proposal_is_never_late(mentorship, mentee, clock):
    meeting = propose(mentorship, mentee)
    clock.move_to(MON_2_MAR_9AM_NY - timedelta(hours=1))
    assert meeting_cancel(meeting=meeting, actor=mentee).cancelled_late is False


def test_cancel_after_the_start_is_refused(mentorship, mentee, clock):
    meeting = confirmed(mentorship)
    clock.move_to(MON_2_MAR_9AM_NY + timedelta(minutes=1))
    with pytest.raises(DomainError, match="already started"):
        meeting_cancel(meeting=meeting, actor=mentee)


def test_cancel_twice_is_refused(mentorship, mentee):
    meeting = meeting_cancel(meeting=propose(mentorship, mentee), actor=mentee)
    with pytest.raises(DomainError, match="this one is cancelled"):
        meeting_cancel(meeting=meeting, actor=mentee)


def test_an_outsider_cannot_cancel(mentorship, mentee, outsider):
    with pytest.raises(DomainError):
        meeting_cancel(meeting=propose(mentorship, mentee), actor=outsider)


# ---------------------------------------------------------------------------
# reschedule
# ---------------------------------------------------------------------------
def test_reschedule_goes_back_to_proposed_by_the_mover(mentorship, mentor, mentee):
    meeting = confirmed(mentorship, utc(2026, 3, 9, 13))
    meeting = meeting_reschedule(
        meeting=meeting, actor=mentor, starts_at=utc(2026, 3, 9, 13, 30), minutes=60
    )
    assert meeting.status == Meeting.Status.PROPOSED
    assert meeting.proposed_by == mentor
    assert meeting.confirmed_at is None
    assert (meeting.starts_at, meeting.ends_at) == (
        utc(2026, 3, 9, 13, 30),
        utc(2026, 3, 9, 14, 30),
    )
    assert meeting.cancelled_late is False
    assert meeting_confirm(meeting=meeting, actor=mentee).status == Meeting.Status.CONFIRMED


def test_reschedule_inside_the_notice_is_late(mentorship, mentor, clock):
    meeting = confirmed(mentorship)
    clock.move_to(MON_2_MAR_9AM_NY - timedelta(hours=5))
    meeting = meeting_reschedule(
        meeting=meeting, actor=mentor, starts_at=utc(2026, 3, 9, 13), minutes=30
    )
    assert meeting.cancelled_late is True
    assert late_cancellations(mentorship) == 1


def test_reschedule_checks_the_new_time(mentorship, mentee):
    meeting = confirmed(mentorship)
    with pytest.raises(DomainError, match="outside Dana Mentor's contact windows"):
        meeting_reschedule(meeting=meeting, actor=mentee, starts_at=utc(2026, 3, 3, 14), minutes=30)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CONFIRMED


def test_reschedule_after_the_start_is_refused(mentorship, mentee, clock):
    meeting = confirmed(mentorship)
    clock.move_to(MON_2_MAR_9AM_NY + timedelta(minutes=5))
    with pytest.raises(DomainError, match="already started"):
        meeting_reschedule(meeting=meeting, actor=mentee, starts_at=utc(2026, 3, 9, 13), minutes=30)


# ---------------------------------------------------------------------------
# held and missed
# ---------------------------------------------------------------------------
def test_held_only_after_the_start(mentorship, mentee, mentor, clock):
    meeting = confirmed(mentorship)
    with pytest.raises(DomainError, match="not started yet"):
        meeting_mark_held(meeting=meeting, actor=mentee)
    clock.move_to(MON_2_MAR_9AM_NY + timedelta(minutes=40))
    meeting = meeting_mark_held(meeting=meeting, actor=mentee)
    assert meeting.status == Meeting.Status.HELD
    assert meeting.held_at == MON_2_MAR_9AM_NY + timedelta(minutes=40)


def test_held_refuses_a_proposal_nobody_confirmed(mentorship, mentee, clock):
    meeting = propose(mentorship, mentee)
    clock.move_to(MON_2_MAR_9AM_NY + timedelta(hours=1))
    with pytest.raises(DomainError, match="Only a confirmed meeting"):
        meeting_mark_held(meeting=meeting, actor=mentee)


def test_a_confirmed_meeting_nobody_marked_held_becomes_missed_a_day_later(
    mentorship, mentor, mentee, clock
):
    meeting = confirmed(mentorship)
    clock.move_to(meeting.ends_at + timedelta(hours=23))
    assert meeting_mark_missed_one_due() is False
    clock.move_to(meeting.ends_at + timedelta(days=1, minutes=1))
    assert meeting_mark_missed_one_due() is True
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.MISSED
    assert Notification.objects.filter(title__contains="marked missed").count() == 2


def test_the_missed_scan_is_safe_to_run_twice(mentorship, clock):
    meeting = confirmed(mentorship)
    clock.move_to(meeting.ends_at + timedelta(days=2))
    assert meetings_mark_missed_due() == 1
    assert meetings_mark_missed_due() == 0
    assert mark_missed() == 0
    assert StateChange.objects.filter(to_status="missed").count() == 1
    assert Notification.objects.filter(title__contains="marked missed").count() == 2


def test_the_missed_scan_leaves_held_and_unconfirmed_meetings(mentorship, mentee, clock):
    held = confirmed(mentorship)
    proposal = propose(mentorship, mentee, utc(2026, 3, 9, 13))
    clock.move_to(MON_2_MAR_9AM_NY + timedelta(minutes=10))
    meeting_mark_held(meeting=held, actor=mentee)
    clock.move_to(utc(2026, 3, 20))
    assert mark_missed() == 0
    proposal.refresh_from_db()
    assert proposal.status == Meeting.Status.PROPOSED


def test_a_missed_meeting_can_still_be_marked_held(mentorship, mentor, clock):
    meeting = confirmed(mentorship)
    clock.move_to(meeting.ends_at + timedelta(days=2))
    mark_missed()
    meeting.refresh_from_db()
    assert meeting_mark_held(meeting=meeting, actor=mentor).status == Meeting.Status.HELD


def test_a_failing_row_leaves_the_scan_instead_of_looping(mentorship, clock, monkeypatch):
    meeting = confirmed(mentorship)
    clock.move_to(meeting.ends_at + timedelta(days=2))

    def broken(**kwargs):
        raise RuntimeError("mail server down")

    monkeypatch.setattr(scheduling, "notify", broken)
    with pytest.raises(RuntimeError):
        meeting_mark_missed_one_due()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.MISSED
    assert meeting_mark_missed_one_due() is False


# ---------------------------------------------------------------------------
# pages
# ---------------------------------------------------------------------------
def _client(client, user):
    client.force_login(user)
    return client


def test_the_picker_offers_free_slots_in_the_viewers_zone(client, mentorship, mentee, mentor):
    url = reverse("meetings:meeting_propose", args=[mentorship.pk])
    page = _client(client, mentee).get(url).content.decode()
    assert "Monday 2 March" in page
    assert ">15:00<" in page and ">14:00<" in page  # 2 March (EST) and 9 March (EDT) in Berlin
    assert MON_2_MAR_9AM_NY.isoformat() in page
    page = _client(client, mentor).get(url).content.decode()
    assert ">09:00<" in page and ">15:00<" not in page


def test_proposing_a_picked_slot_redirects_to_the_meeting(client, mentorship, mentee):
    response = _client(client, mentee).post(
        reverse("meetings:meeting_propose", args=[mentorship.pk]),
        {"slot": MON_2_MAR_9AM_NY.isoformat(), "minutes": 30},
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/meetings/{meeting.pk}/"
    assert meeting.starts_at == MON_2_MAR_9AM_NY


def test_a_typed_time_is_read_in_the_viewers_zone(client, mentorship, mentee):
    _client(client, mentee).post(
        reverse("meetings:meeting_propose", args=[mentorship.pk]),
        {"date": "2026-03-02", "time": "15:30", "minutes": 30},
    )
    assert Meeting.objects.get().starts_at == utc(2026, 3, 2, 14, 30)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2028-03-01"])
def test_a_typed_date_out_of_range_is_refused_beside_the_date(client, mentorship, mentee, day):
    response = _client(client, mentee).post(
        reverse("meetings:meeting_propose", args=[mentorship.pk]),
        {"date": day, "time": "12:00", "minutes": 30},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"date": [OUT_OF_RANGE]}
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("slot", ["0001-01-01T00:00:00+14:00", "9999-12-31T12:00:00+00:00"])
def test_a_slot_out_of_range_is_refused_above_the_form(client, mentorship, mentee, slot):
    response = _client(client, mentee).post(
        reverse("meetings:meeting_propose", args=[mentorship.pk]), {"slot": slot, "minutes": 30}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [OUT_OF_RANGE]
    assert not Meeting.objects.exists()


def test_a_refused_time_shows_the_rule_on_the_page(client, mentorship, mentee):
    response = _client(client, mentee).post(
        reverse("meetings:meeting_propose", args=[mentorship.pk]),
        {"date": "2026-03-03", "time": "15:00", "minutes": 30},
    )
    assert response.status_code == 200
    assert "outside Dana Mentor&#x27;s contact windows" in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "admin_user"])
def test_nobody_else_can_open_the_picker(client, mentorship, who, request):
    url = reverse("meetings:meeting_propose", args=[mentorship.pk])
    viewer = _client(client, request.getfixturevalue(who))
    assert viewer.get(url).status_code == 404
    assert (
        viewer.post(url, {"slot": MON_2_MAR_9AM_NY.isoformat(), "minutes": 30}).status_code == 404
    )


@pytest.mark.parametrize(
    "action", ["meeting_confirm", "meeting_cancel", "meeting_held", "meeting_reschedule"]
)
def test_nobody_else_can_act_on_a_meeting(client, mentorship, mentee, admin_user, action):
    meeting = propose(mentorship, mentee)
    response = _client(client, admin_user).post(reverse(f"meetings:{action}", args=[meeting.pk]))
    assert response.status_code == 404


def test_confirm_and_cancel_pages_redirect_with_a_message(client, mentorship, mentee, mentor):
    meeting = propose(mentorship, mentee)
    viewer = _client(client, mentor)
    assert viewer.get(reverse("meetings:meeting_confirm", args=[meeting.pk])).status_code == 405
    response = viewer.post(reverse("meetings:meeting_confirm", args=[meeting.pk]))
    assert response["Location"] == meeting.get_absolute_url()
    response = viewer.post(reverse("meetings:meeting_cancel", args=[meeting.pk]))
    assert response["Location"] == meeting.get_absolute_url()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED


def test_a_refused_action_redirects_with_the_reason(client, mentorship, mentee):
    meeting = propose(mentorship, mentee)
    response = _client(client, mentee).post(
        reverse("meetings:meeting_confirm", args=[meeting.pk]), follow=False
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PROPOSED


def test_the_reschedule_page_moves_the_meeting(client, mentorship, mentee, mentor):
    meeting = confirmed(mentorship)
    url = reverse("meetings:meeting_reschedule", args=[meeting.pk])
    viewer = _client(client, mentor)
    assert viewer.get(url).status_code == 200
    response = viewer.post(url, {"slot": utc(2026, 3, 9, 13).isoformat(), "minutes": 30})
    assert response["Location"] == meeting.get_absolute_url()
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.status) == (utc(2026, 3, 9, 13), Meeting.Status.PROPOSED)


def test_held_page(client, mentorship, mentee, clock):
    meeting = confirmed(mentorship)
    clock.move_to(MON_2_MAR_9AM_NY + timedelta(minutes=10))
    _client(client, mentee).post(reverse("meetings:meeting_held", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD


def test_my_meetings_lists_upcoming_and_past(client, mentorship, mentee):
    confirmed(mentorship)
    past = confirmed(mentorship, utc(2026, 3, 9, 13))
    Meeting.objects.filter(pk=past.pk).update(
        starts_at=utc(2026, 2, 23, 14), ends_at=utc(2026, 2, 23, 14, 30), status="held"
    )
    response = _client(client, mentee).get(reverse("meetings:meetings"))
    upcoming, past_list = response.context["upcoming"], response.context["past"]
    assert [m.pk for m in upcoming] == [m.pk for m in Meeting.objects.filter(status="confirmed")]
    assert [m.pk for m in past_list] == [past.pk]
    assert "Dana Mentor" in response.content.decode()


def test_my_meetings_shows_nobody_elses(client, mentorship, mentee, outsider):
    confirmed(mentorship)
    response = _client(client, outsider).get(reverse("meetings:meetings"))
    assert response.context["upcoming"] == [] and response.context["past"] == []


def test_my_meetings_query_count_does_not_grow(
    client, mentorship, mentee, django_assert_num_queries
):
    confirmed(mentorship)

    def grow() -> None:
        for _ in range(4):
            elsewhere = another_mentorship_of(mentorship.mentee, as_mentor=False)
            for hours in (0, 24 * 7):
                start = utc(2026, 3, 2, 20) + timedelta(hours=hours)
                Meeting.objects.create(
                    mentorship=elsewhere,
                    starts_at=start,
                    ends_at=start + timedelta(minutes=30),
                    status="confirmed",
                )
                Meeting.objects.create(
                    mentorship=elsewhere,
                    starts_at=start - timedelta(days=30),
                    ends_at=start - timedelta(days=30) + timedelta(minutes=30),
                    status="held",
                )

    assert_flat_queries(
        _client(client, mentee), django_assert_num_queries, reverse("meetings:meetings"), grow
    )


def test_the_picker_query_count_does_not_grow(
    client, mentorship, mentee, django_assert_num_queries
):
    def grow() -> None:
        for week in range(3):
            start = utc(2026, 3, 2, 14) + timedelta(days=7 * week)
            Meeting.objects.create(
                mentorship=mentorship,
                starts_at=start,
                ends_at=start + timedelta(minutes=30),
                status="confirmed",
            )

    assert_flat_queries(
        _client(client, mentee),
        django_assert_num_queries,
        reverse("meetings:meeting_propose", args=[mentorship.pk]),
        grow,
    )


def test_a_meeting_at_the_end_of_time_is_refused_not_a_crash(mentorship, mentee):
    with pytest.raises(DomainError):
        propose(mentorship, mentee, starts_at=datetime(9999, 12, 31, 23, 50, tzinfo=UTC))
    assert not Meeting.objects.exists()


# Mia Mentee reads dates in Berlin, where NOW is 1 March 2026.
OUT_OF_RANGE = "Choose a date between 1 March 2026 and 29 February 2028."


def test_a_meeting_more_than_two_years_ahead_is_refused(mentorship, mentee):
    with pytest.raises(DomainError, match=OUT_OF_RANGE) as refused:
        propose(mentorship, mentee, starts_at=utc(2028, 3, 6, 14))
    assert refused.value.field == "starts_at"
    assert not Meeting.objects.exists()


def test_a_move_to_the_first_day_of_the_calendar_is_refused(mentorship, mentee):
    meeting = propose(mentorship, mentee)
    first_day = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14)))
    with pytest.raises(DomainError, match=OUT_OF_RANGE):
        meeting_reschedule(meeting=meeting, actor=mentee, starts_at=first_day, minutes=30)
    meeting.refresh_from_db()
    assert meeting.starts_at == MON_2_MAR_9AM_NY

"""The admin dashboard: each figure on a small known data set, the nudge, privacy, access and
a query count that does not grow with the program."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from conversations.models import Conversation, Message
from goals.models import Goal
from matching.models import MenteeProfile, Mentorship, MentorshipRequest
from meetings.models import Agreement, CheckIn, Meeting, PrivateNote
from notifications.models import Delivery, Reminder
from programs.models import Participant, Role
from reports import dashboard as dashboard_module
from reports.dashboard import (
    AT_RISK,
    HEALTHY,
    STALLED,
    activity,
    admin_comments,
    cohort_totals,
    funnel,
    health_counts,
    health_of,
    health_table,
    median_days_to_match,
    mentor_load,
    nudge_pair,
)
from tests.goals.factories import GoalFactory
from tests.helpers import count_queries
from tests.matching.factories import (
    MentorshipRequestFactory,
    mentee_in,
)
from tests.programs.factories import InvitationFactory, ParticipantFactory
from tests.reports.helpers import NOW, held_meeting, new_pair

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("dashboard_clock")]


def _agreed(pair: Mentorship, frequency: str) -> None:
    Agreement.objects.create(
        mentorship=pair,
        version=1,
        frequency=frequency,
        channel="video",
        confirmed_at=NOW - timedelta(days=90),
    )


def _checkin(pair: Mentorship, person: Any, *, score: int, period: str = "2026-11", **values: Any):
    return CheckIn.objects.create(
        mentorship=pair,
        person=person,
        period_key=period,
        due_on=NOW.date(),
        status=CheckIn.Status.ANSWERED,
        satisfaction=score,
        energy=score,
        norms_fit="yes",
        answered_at=NOW - timedelta(days=2),
        **values,
    )


# ---------------------------------------------------------------------------
# Funnel
# ---------------------------------------------------------------------------
def test_the_funnel_counts_each_step_of_those_who_passed_the_one_before(program):
    whole = new_pair(program)  # joined, profile, goal, request, matched, met, checked in
    MenteeProfile.objects.create(participant=whole.mentee)
    MentorshipRequestFactory(mentor=whole.mentor, mentee=whole.mentee)
    held_meeting(whole, 10)
    _checkin(whole, whole.mentee.user, score=4)
    profile_only = ParticipantFactory(program=program, role=Role.MENTEE)
    MenteeProfile.objects.create(participant=profile_only)
    # A goal without a profile does not count as "has goals": the steps are cumulative.
    GoalFactory(owner=ParticipantFactory(program=program, role=Role.MENTEE))
    InvitationFactory(program=program, role=Role.MENTEE)  # invited, not joined yet
    InvitationFactory(program=program, role=Role.MENTOR)  # mentors are not in this funnel
    steps = funnel(program=program)
    assert [(s.label, s.count) for s in steps] == [
        ("Invited or applied", 4),
        ("Joined", 3),
        ("Profile complete", 2),
        ("Has goals", 1),
        ("Requested a mentor or proposed in a round", 1),
        ("Matched", 1),
        ("Met at least once", 1),
        ("Checked in", 1),
    ]
    assert [s.of_previous for s in steps] == [None, 75, 67, 50, 100, 100, 100, 100]


def test_an_empty_program_has_a_funnel_of_zeros(program):
    assert all(step.count == 0 for step in funnel(program=program))


# ---------------------------------------------------------------------------
# Health
# ---------------------------------------------------------------------------
@pytest.fixture
def pairs(program):
    weekly_quiet = new_pair(program)
    _agreed(weekly_quiet, "weekly")
    held_meeting(weekly_quiet, 15)  # more than twice a week ago: stalled
    weekly_fine = new_pair(program)
    _agreed(weekly_fine, "weekly")
    held_meeting(weekly_fine, 13)
    never_met = new_pair(program, started_days_ago=61)  # no norms: 60 days is the limit
    new = new_pair(program, started_days_ago=59)
    unhappy = new_pair(program)
    held_meeting(unhappy, 5)
    _checkin(unhappy, unhappy.mentee.user, score=2)
    cancelling = new_pair(program)
    held_meeting(cancelling, 5)
    for days in (40, 10):
        Meeting.objects.create(
            mentorship=cancelling,
            starts_at=NOW - timedelta(days=days),
            ends_at=NOW - timedelta(days=days) + timedelta(hours=1),
            status=Meeting.Status.CANCELLED,
            cancelled_at=NOW - timedelta(days=days, hours=2),
            cancelled_late=True,
        )
    return {
        "weekly_quiet": weekly_quiet,
        "weekly_fine": weekly_fine,
        "never_met": never_met,
        "new": new,
        "unhappy": unhappy,
        "cancelling": cancelling,
    }


def test_each_pair_gets_the_state_its_rule_gives(program, pairs):
    states = {row.pk: health_of(row) for row in health_table(program=program)}
    assert states == {
        pairs["weekly_quiet"].pk: STALLED,
        pairs["never_met"].pk: STALLED,
        pairs["unhappy"].pk: AT_RISK,
        pairs["cancelling"].pk: AT_RISK,
    }
    assert health_counts(program=program) == {HEALTHY: 2, AT_RISK: 2, STALLED: 2}


def test_the_table_filters_by_state_quietest_first(program, pairs):
    stalled = list(health_table(program=program, health=STALLED))
    assert [row.pk for row in stalled] == [pairs["never_met"].pk, pairs["weekly_quiet"].pk]
    assert {row.pk for row in health_table(program=program, health=AT_RISK)} == {
        pairs["unhappy"].pk,
        pairs["cancelling"].pk,
    }


def test_paused_and_ended_pairs_are_not_counted(program):
    new_pair(program, status=Mentorship.Status.PAUSED)
    new_pair(program, status=Mentorship.Status.ENDED)
    assert health_counts(program=program) == {HEALTHY: 0, AT_RISK: 0, STALLED: 0}


def test_a_pair_is_nudged_once_a_week_at_most(program, dashboard_clock):
    pair = new_pair(program)
    assert nudge_pair(program=program, mentorship=pair) is True
    assert nudge_pair(program=program, mentorship=pair) is False
    assert set(
        Delivery.objects.filter(kind=Reminder.ADMIN_NUDGE).values_list("recipient_id", flat=True)
    ) == {pair.mentor.user_id, pair.mentee.user_id}
    dashboard_clock.shift(timedelta(days=7))
    assert nudge_pair(program=program, mentorship=pair) is True
    assert Delivery.objects.filter(kind=Reminder.ADMIN_NUDGE).count() == 4


# ---------------------------------------------------------------------------
# Activity, load, time to match, comments
# ---------------------------------------------------------------------------
def test_activity_counts_per_week_and_averages_per_period(program, settings):
    settings.PRIVACY_THRESHOLD = 1  # the arithmetic on one pair (withholding: test_privacy.py)
    pair = new_pair(program)
    for days in (0.5, 1, 8):  # two this week (from Monday 23 Nov), one the week before
        held_meeting(pair, days)
    request = MentorshipRequestFactory(mentor=pair.mentor, mentee=mentee_in(program))
    MentorshipRequest.objects.filter(pk=request.pk).update(
        status=MentorshipRequest.Status.ACCEPTED, answered_at=NOW - timedelta(hours=1)
    )
    goal = GoalFactory(owner=pair.mentee)
    Goal.objects.filter(pk=goal.pk).update(status="achieved", achieved_at=NOW - timedelta(days=9))
    _checkin(pair, pair.mentee.user, score=4, period="2026-10")
    _checkin(pair, pair.mentor.user, score=2, period="2026-10")
    _checkin(pair, pair.mentee.user, score=5, period="2026-11")
    Message.objects.create(
        conversation=Conversation.objects.create(mentorship=pair),
        author=pair.mentee.user,
        text="Private words the admins never see",
    )
    meetings, requests, goals, written, checkins = activity(program=program)
    assert written.lines["Messages"][-1] == 1.0  # a count, never the text
    assert meetings.lines["Meetings"][-2:] == [1.0, 2.0]
    assert sum(meetings.lines["Meetings"]) == 3
    assert requests.lines["Sent"][-1] == 1.0 and requests.lines["Accepted"][-1] == 1.0
    assert goals.lines["Goals"][-3:] == [1.0, 0.0, 0.0]
    assert checkins.labels == ["2026-10", "2026-11"]
    assert checkins.lines["Satisfaction"] == [3.0, 5.0]


def test_mentor_load_shows_mentees_waiting_requests_and_time_to_answer(program):
    pair = new_pair(program)
    pending = MentorshipRequestFactory(mentor=pair.mentor, mentee=mentee_in(program))
    answered = MentorshipRequestFactory(mentor=pair.mentor, mentee=mentee_in(program))
    MentorshipRequest.objects.filter(pk=answered.pk).update(
        status="declined", created_at=NOW - timedelta(days=3), answered_at=NOW - timedelta(days=1)
    )
    [row] = [r for r in mentor_load(program=program) if r.participant_id == pair.mentor_id]
    assert (row.live, row.capacity, row.waiting) == (1, 3, 1)
    assert row.response == timedelta(days=2)
    assert pending.status == "pending"


def test_the_median_wait_for_a_first_mentorship(program):
    assert median_days_to_match(program=program) is None
    for wait in (2, 4, 10):
        pair = new_pair(program, started_days_ago=20)
        Participant.objects.filter(pk=pair.mentee_id).update(
            joined_at=NOW - timedelta(days=20 + wait)
        )
    assert median_days_to_match(program=program) == 4.0
    pair = new_pair(program, started_days_ago=20)
    Participant.objects.filter(pk=pair.mentee_id).update(joined_at=NOW - timedelta(days=26))
    assert median_days_to_match(program=program) == 5.0  # the middle two: 4 and 6


def test_comments_for_admins_come_without_names_and_shared_ones_never(program, settings):
    settings.PRIVACY_THRESHOLD = 2  # one pair's two answers (withholding: test_privacy.py)
    pair = new_pair(program)
    _checkin(pair, pair.mentee.user, score=4, comment="For the admins", comment_visibility="admins")
    _checkin(
        pair, pair.mentor.user, score=4, comment="Only for my mentee", comment_visibility="shared"
    )
    [period] = admin_comments(program=program)
    assert (period.period, period.answers, period.comments) == ("2026-11", 2, ["For the admins"])
    assert period.more == 0


def test_the_dashboard_shows_a_few_comments_per_period_and_counts_the_rest(
    client, program, admin_user, monkeypatch
):
    for number in range(5):
        pair = new_pair(program)
        _checkin(
            pair, pair.mentee.user, score=4, comment=f"Note {number}", comment_visibility="admins"
        )
    [period] = admin_comments(program=program, shown=3)
    assert (period.comments, period.more) == (["Note 0", "Note 1", "Note 2"], 2)

    client.force_login(admin_user)
    url = reverse("reports:dashboard", args=[program.slug])
    page = client.get(url).content.decode()
    assert "Note 4" in page and "comments-2026-11-more" not in page  # five: all shown

    monkeypatch.setattr(dashboard_module, "COMMENTS_SHOWN", 3)
    page = client.get(url).content.decode()
    assert "Note 2" in page and "Note 3" not in page
    assert "And 2 more comments this period" in page


# ---------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------
def test_the_page_shows_the_figures_and_no_private_words(client, program, admin_user, pairs):
    pair = pairs["unhappy"]
    Goal.objects.create(owner=pair.mentee, title="SECRET-GOAL", position=9)
    meeting = held_meeting(pair, 3)
    PrivateNote.objects.create(meeting=meeting, author=pair.mentee.user, text="SECRET-NOTE")
    CheckIn.objects.filter(mentorship=pair).update(
        comment="SECRET-SHARED", comment_visibility="shared"
    )
    client.force_login(admin_user)
    page = client.get(reverse("reports:dashboard", args=[program.slug])).content.decode()
    for secret in ("SECRET-GOAL", "SECRET-NOTE", "SECRET-SHARED"):
        assert secret not in page
    assert 'id="funnel"' in page and "<svg" in page and 'id="chart-0-table"' in page
    assert pairs["never_met"].mentee.user.get_full_name() in page


def test_the_page_filters_to_stalled(client, program, admin_user, pairs):
    client.force_login(admin_user)
    page = client.get(reverse("reports:dashboard", args=[program.slug]), {"health": "stalled"})
    rows = [row for row, _state in page.context["rows"]]
    assert {row.pk for row in rows} == {pairs["never_met"].pk, pairs["weekly_quiet"].pk}


def test_the_nudge_button_nudges_and_comes_back_to_the_same_filter(client, program, admin_user):
    pair = new_pair(program)
    client.force_login(admin_user)
    url = reverse("reports:nudge", args=[program.slug, pair.pk])
    response = client.post(url, {"back": "?health=stalled"})
    assert response["Location"].endswith("/dashboard/?health=stalled")
    assert Delivery.objects.filter(kind=Reminder.ADMIN_NUDGE).count() == 2
    response = client.post(url, {"back": "https://evil.example/"}, follow=True)
    assert "nudged this week already" in response.content.decode()
    assert response.redirect_chain[-1][0].endswith("/dashboard/")
    assert Delivery.objects.filter(kind=Reminder.ADMIN_NUDGE).count() == 2
    # Before the next click the row says when the pair was nudged.
    row = next(r for r, _state in response.context["rows"] if r.pk == pair.pk)
    assert row.last_nudged is not None
    day = timezone.localtime(row.last_nudged).strftime("%-d %b")
    assert f"nudged {day}" in " ".join(response.content.decode().split())


def test_nobody_but_the_program_s_admins_reaches_the_dashboard_or_nudges(
    client, program, mentor, mentee, outsider
):
    pair = new_pair(program)
    urls = [
        reverse("reports:dashboard", args=[program.slug]),
        reverse("reports:nudge", args=[program.slug, pair.pk]),
    ]
    assert client.get(urls[0]).status_code == 302  # to the login page
    for user, status in ((mentor, 403), (mentee, 403), (outsider, 404)):
        client.force_login(user)
        assert client.get(urls[0]).status_code == status
        assert client.post(urls[1]).status_code == status
    assert not Delivery.objects.exists()


def test_a_mentorship_of_another_program_cannot_be_nudged(
    client, program, admin_user, other_program
):
    elsewhere = new_pair(other_program)
    client.force_login(admin_user)
    response = client.post(reverse("reports:nudge", args=[program.slug, elsewhere.pk]))
    assert response.status_code == 404
    assert not Delivery.objects.exists()


def test_the_page_runs_the_same_queries_for_a_small_and_a_large_program(
    client, program, admin_user, django_assert_num_queries
):
    def grow(times: int) -> None:
        for _ in range(times):
            pair = new_pair(program)
            held_meeting(pair, 3)
            held_meeting(pair, 70)
            _checkin(pair, pair.mentee.user, score=2, comment="hm", comment_visibility="admins")
            MentorshipRequestFactory(mentor=pair.mentor, mentee=mentee_in(program))
        for _ in range(3 * times):
            InvitationFactory(program=program)

    # One of each kind of row first (an empty table or list needs no query to show it).
    grow(1)
    client.force_login(admin_user)
    url = reverse("reports:dashboard", args=[program.slug])
    small = count_queries(client, url)
    grow(12)
    with django_assert_num_queries(small):
        assert client.get(url).status_code == 200


# ---------------------------------------------------------------------------
# End-of-cohort summary
# ---------------------------------------------------------------------------
def test_the_totals_count_the_whole_cohort(program, settings):
    settings.PRIVACY_THRESHOLD = 2  # one pair's two answers (withholding: test_privacy.py)
    active = new_pair(program)
    held_meeting(active, 3)
    held_meeting(active, 30)
    Meeting.objects.create(
        mentorship=active,
        starts_at=NOW,
        ends_at=NOW + timedelta(hours=1),
        status=Meeting.Status.CANCELLED,
    )
    new_pair(program, status=Mentorship.Status.COMPLETED)
    new_pair(program, status=Mentorship.Status.ENDED)
    MentorshipRequestFactory(mentor=active.mentor, mentee=mentee_in(program))
    accepted = MentorshipRequestFactory(mentor=active.mentor, mentee=mentee_in(program))
    MentorshipRequest.objects.filter(pk=accepted.pk).update(status="accepted")
    Goal.objects.filter(pk=GoalFactory(owner=active.mentee).pk).update(status="achieved")
    _checkin(active, active.mentee.user, score=4)
    _checkin(active, active.mentor.user, score=2)
    totals = cohort_totals(program=program)
    assert (totals.mentors, totals.mentees) == (3, 5)
    assert (totals.started, totals.active, totals.completed, totals.ended) == (3, 1, 1, 1)
    assert (totals.meetings_held, totals.goals_achieved) == (2, 1)
    assert (totals.requests_sent, totals.requests_accepted, totals.acceptance) == (2, 1, 50)
    assert (totals.checkins_answered, totals.satisfaction) == (2, 3.0)


def test_an_empty_program_has_zero_totals(program):
    totals = cohort_totals(program=program)
    assert (totals.started, totals.meetings_held, totals.goals_achieved) == (0, 0, 0)
    assert totals.acceptance is None and totals.satisfaction is None


def test_the_summary_page_is_for_admins_and_prints_the_figures(client, program, admin_user, mentee):
    held_meeting(new_pair(program), 3)
    url = reverse("reports:summary", args=[program.slug])
    client.force_login(mentee)
    assert client.get(url).status_code == 403
    client.force_login(admin_user)
    page = client.get(url).content.decode()
    assert 'id="totals"' in page and "meetings held" in page and "<svg" in page
    assert page.count('class="chart"') == 5


def test_a_pair_flagged_by_the_inactivity_rule_is_stalled(program):
    pair = new_pair(program)
    held_meeting(pair, 2)
    Mentorship.objects.filter(pk=pair.pk).update(stalled_since=NOW - timedelta(days=1))
    assert health_counts(program=program) == {HEALTHY: 0, AT_RISK: 0, STALLED: 1}

"""Check-ins: opening per period, nudges through the ledger, answering, privacy, admin figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from matching.models import Mentorship
from meetings.models import CheckIn
from meetings.services.checkins import (
    checkin_answer,
    checkin_skip,
    checkins_open_due,
    period_of,
)
from mentorship.errors import DomainError
from notifications.models import Delivery, Notification, Reminder
from programs.models import Participant, Role
from tests.goals.factories import GoalFactory, GoalShareFactory
from tests.helpers import assert_flat_queries
from tests.matching.factories import MentorProfileFactory, MentorshipFactory
from tests.programs.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

Q4_START = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
BEFORE = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def mentorship(mentor_participant, mentee_p) -> Mentorship:
    """The pair, started BEFORE the quarters these tests check in on; the mentor has no profile."""
    return MentorshipFactory.create(mentor=mentor_participant, mentee=mentee_p, started_at=BEFORE)


def nudges(**filters: object) -> list[tuple[int, str]]:
    return sorted(
        Delivery.objects.filter(kind=Reminder.CHECK_IN, **filters).values_list(
            "recipient_id", "period_key"
        )
    )


def checkin_of(user, mentorship: Mentorship) -> CheckIn:
    return CheckIn.objects.get(person=user, mentorship=mentorship)


def answer(checkin: CheckIn, person, **values: object) -> CheckIn:
    values = {"satisfaction": 4, "energy": 5, "norms_fit": "yes", **values}
    return checkin_answer(checkin=checkin, person=person, **values)  # type: ignore[arg-type]


# Periods --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "cadence", "key", "start"),
    [
        (date(2026, 11, 15), 3, "2026-Q4", date(2026, 10, 1)),
        (date(2026, 1, 1), 3, "2026-Q1", date(2026, 1, 1)),
        (date(2026, 7, 31), 6, "2026-H2", date(2026, 7, 1)),
        (date(2026, 3, 5), 1, "2026-03", date(2026, 3, 1)),
        (date(2026, 12, 31), 12, "2026", date(2026, 1, 1)),
        (date(2026, 9, 1), 4, "2026-P09", date(2026, 9, 1)),
    ],
)
def test_period_is_a_calendar_block_of_the_cadence_from_january(day, cadence, key, start):
    assert period_of(day, cadence) == (key, start)


# Opening and nudges ---------------------------------------------------------------------------


def test_opening_twice_creates_one_checkin_per_person(mentorship, mentor, mentee):
    checkins_open_due(now=Q4_START)
    checkins_open_due(now=Q4_START + timedelta(hours=1))
    rows = CheckIn.objects.filter(mentorship=mentorship)
    assert sorted(rows.values_list("person_id", "period_key", "status", "due_on")) == sorted(
        [
            (mentor.pk, "2026-Q4", "due", date(2026, 10, 1)),
            (mentee.pk, "2026-Q4", "due", date(2026, 10, 1)),
        ]
    )


def test_a_flash_session_gets_no_periodic_checkins(mentorship):
    Mentorship.objects.filter(pk=mentorship.pk).update(single_session=True)
    checkins_open_due(now=Q4_START)
    assert not CheckIn.objects.filter(mentorship=mentorship).exists()


def test_both_people_get_one_first_nudge_linking_to_their_checkin(mentorship, mentor, mentee):
    checkins_open_due(now=Q4_START)
    checkins_open_due(now=Q4_START + timedelta(hours=1))
    assert nudges() == sorted([(mentor.pk, "first"), (mentee.pk, "first")])
    mine = Delivery.objects.get(recipient=mentee, kind=Reminder.CHECK_IN)
    checkin = checkin_of(mentee, mentorship)
    assert mine.subject_key == f"checkin:{checkin.pk}"
    assert mine.link == reverse("meetings:checkin", kwargs={"pk": checkin.pk})
    assert "Mo Mentor" in mine.title


def test_next_period_opens_a_new_checkin(mentorship):
    checkins_open_due(now=Q4_START)
    checkins_open_due(now=datetime(2027, 1, 1, 9, 0, tzinfo=UTC))
    assert sorted(CheckIn.objects.values_list("period_key", flat=True)) == [
        "2026-Q4",
        "2026-Q4",
        "2027-Q1",
        "2027-Q1",
    ]


def test_a_relationship_begun_this_period_waits_for_the_next(mentorship):
    Mentorship.objects.filter(pk=mentorship.pk).update(started_at=Q4_START + timedelta(days=1))
    checkins_open_due(now=Q4_START + timedelta(days=2))
    assert not CheckIn.objects.exists()


def test_paused_mentorship_gets_no_checkin_and_no_nudge(mentorship):
    Mentorship.objects.filter(pk=mentorship.pk).update(status=Mentorship.Status.PAUSED)
    checkins_open_due(now=Q4_START)
    assert not CheckIn.objects.exists()
    assert nudges() == []


def test_away_mentor_is_not_nudged_but_the_mentee_is(mentorship, mentee):
    MentorProfileFactory(participant=mentorship.mentor, away_until=date(2026, 12, 1))
    checkins_open_due(now=Q4_START)
    assert nudges() == [(mentee.pk, "first")]


def test_second_nudge_after_five_days_only_if_unanswered(mentorship, mentor, mentee):
    checkins_open_due(now=Q4_START)
    checkins_open_due(now=Q4_START + timedelta(days=4, hours=23))
    assert nudges(period_key="again") == []
    answer(checkin_of(mentor, mentorship), mentor)
    checkins_open_due(now=Q4_START + timedelta(days=5))
    assert nudges(period_key="again") == [(mentee.pk, "again")]


def test_answering_suppresses_a_pending_nudge(mentorship, mentee):
    checkins_open_due(now=Q4_START)
    answer(checkin_of(mentee, mentorship), mentee)
    assert Delivery.objects.get(recipient=mentee).state == Delivery.State.SUPPRESSED


def test_scan_query_count_does_not_grow_with_mentorships(program, django_assert_num_queries):
    def make(n: int) -> None:
        for _ in range(n):
            MentorshipFactory(
                mentor=ParticipantFactory(program=program, role=Role.MENTOR),
                mentee=ParticipantFactory(program=program, role=Role.MENTEE),
                started_at=BEFORE,
            )

    # Opening: page, insert, empty page. Nudging: page, away mentors, ledger insert, empty page.
    make(2)
    with django_assert_num_queries(7):
        checkins_open_due(now=Q4_START)
    make(20)
    with django_assert_num_queries(7):
        checkins_open_due(now=Q4_START + timedelta(hours=1))
    assert CheckIn.objects.count() == 44


# Answering ------------------------------------------------------------------------------------


def test_answer_records_the_pulse_and_progress_on_shared_goals(mentorship, mentor, mentee):
    goal = GoalFactory(owner=mentorship.mentee, status="active")
    GoalShareFactory(goal=goal, mentor=mentor)
    checkins_open_due(now=Q4_START)
    done = answer(
        checkin_of(mentor, mentorship),
        mentor,
        comment="Good pace",
        goal_progress={goal.pk: 40},
    )
    done.refresh_from_db()
    assert (done.status, done.satisfaction, done.energy, done.goal_progress) == (
        "answered",
        4,
        5,
        {str(goal.pk): 40},
    )
    assert done.answered_at is not None


def test_answer_refuses_a_goal_not_shared_with_the_mentor(mentorship, mentee):
    private = GoalFactory(owner=mentorship.mentee, status="active")
    checkins_open_due(now=Q4_START)
    with pytest.raises(DomainError, match="not one shared"):
        answer(checkin_of(mentee, mentorship), mentee, goal_progress={private.pk: 10})


def test_answer_refuses_progress_outside_0_to_100(mentorship, mentor, mentee):
    goal = GoalFactory(owner=mentorship.mentee, status="active")
    GoalShareFactory(goal=goal, mentor=mentor)
    checkins_open_due(now=Q4_START)
    with pytest.raises(DomainError) as caught:
        answer(checkin_of(mentee, mentorship), mentee, goal_progress={goal.pk: 140})
    assert caught.value.field == f"goal_{goal.pk}"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"satisfaction": 0}, "satisfaction"),
        ({"energy": 6}, "energy"),
        ({"norms_fit": "maybe"}, "norms_fit"),
        ({"comment_visibility": "everyone"}, "comment_visibility"),
    ],
)
def test_answer_names_the_field_it_refuses(mentorship, mentee, values, field):
    checkins_open_due(now=Q4_START)
    with pytest.raises(DomainError) as caught:
        answer(checkin_of(mentee, mentorship), mentee, **values)
    assert caught.value.field == field
    assert checkin_of(mentee, mentorship).status == CheckIn.Status.DUE


def test_only_its_person_may_answer(mentorship, mentor, mentee):
    checkins_open_due(now=Q4_START)
    with pytest.raises(DomainError, match="Only the person"):
        answer(checkin_of(mentee, mentorship), mentor)


def test_answer_refuses_once_answered_or_skipped(mentorship, mentor, mentee):
    checkins_open_due(now=Q4_START)
    answer(checkin_of(mentee, mentorship), mentee)
    with pytest.raises(DomainError, match="already answered"):
        answer(checkin_of(mentee, mentorship), mentee)
    checkin_skip(checkin=checkin_of(mentor, mentorship), person=mentor)
    with pytest.raises(DomainError, match="already skipped"):
        answer(checkin_of(mentor, mentorship), mentor)


def test_revisit_tells_the_other_person_with_a_link_to_the_agreement(mentorship, mentor, mentee):
    checkins_open_due(now=Q4_START)
    answer(checkin_of(mentee, mentorship), mentee, norms_fit="revisit")
    note = Notification.objects.get(recipient=mentor, kind=Notification.Kind.MENTORSHIP)
    assert note.link == reverse("meetings:agreement", kwargs={"pk": mentorship.pk})
    assert "Mia Mentee" in note.title


# Pages ----------------------------------------------------------------------------------------


def test_form_answers_and_shows_the_agreement_link_after_revisit(client, mentorship, mentee):
    checkins_open_due(now=Q4_START)
    checkin = checkin_of(mentee, mentorship)
    client.force_login(mentee)
    url = reverse("meetings:checkin", kwargs={"pk": checkin.pk})
    response = client.post(
        url,
        {
            "satisfaction": "3",
            "energy": "2",
            "norms_fit": "revisit",
            "comment": "",
            "comment_visibility": "shared",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url
    assert reverse("meetings:agreement", kwargs={"pk": mentorship.pk}) in response.content.decode()
    assert checkin_of(mentee, mentorship).status == CheckIn.Status.ANSWERED


def test_form_shows_messages_next_to_fields(client, mentorship, mentor, mentee):
    goal = GoalFactory(owner=mentorship.mentee, status="active", title="Ship it")
    GoalShareFactory(goal=goal, mentor=mentor)
    checkins_open_due(now=Q4_START)
    checkin = checkin_of(mentee, mentorship)
    client.force_login(mentee)
    response = client.post(
        reverse("meetings:checkin", kwargs={"pk": checkin.pk}),
        {"energy": "9", f"goal_{goal.pk}": "101", "comment_visibility": "shared"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"satisfaction", "energy", "norms_fit", f"goal_{goal.pk}"}
    assert "Choose how satisfied you are" in form.errors["satisfaction"][0]
    assert checkin_of(mentee, mentorship).status == CheckIn.Status.DUE


def test_the_other_person_and_admins_get_404_on_my_checkin(
    client, mentorship, mentor, mentee, admin_user
):
    checkins_open_due(now=Q4_START)
    url = reverse("meetings:checkin", kwargs={"pk": checkin_of(mentee, mentorship).pk})
    for somebody in (mentor, admin_user):
        client.force_login(somebody)
        assert client.get(url).status_code == 404
        assert client.post(url, {"satisfaction": "1"}).status_code == 404
    assert checkin_of(mentee, mentorship).status == CheckIn.Status.DUE


def test_skip_closes_my_checkin(client, mentorship, mentee):
    checkins_open_due(now=Q4_START)
    checkin = checkin_of(mentee, mentorship)
    client.force_login(mentee)
    client.post(reverse("meetings:checkin_skip", kwargs={"pk": checkin.pk}))
    assert checkin_of(mentee, mentorship).status == CheckIn.Status.SKIPPED


def test_admin_figures_show_admins_only_comments_never_shared_ones(
    client, mentorship, mentor, mentee, admin_user, settings
):
    # Two people answer: shown under a threshold of two (withholding: tests/reports/test_privacy.py).
    settings.PRIVACY_THRESHOLD = 2
    checkins_open_due(now=Q4_START)
    answer(
        checkin_of(mentee, mentorship),
        mentee,
        satisfaction=2,
        energy=3,
        norms_fit="revisit",
        comment="Between us: we talk past each other",
        comment_visibility="shared",
    )
    answer(
        checkin_of(mentor, mentorship),
        mentor,
        satisfaction=4,
        energy=5,
        comment="For the admins: I could use advice",
        comment_visibility="admins",
    )
    client.force_login(admin_user)
    page = client.get(reverse("meetings:checkin_figures", kwargs={"slug": "pathways"}))
    text = page.content.decode()
    assert "For the admins: I could use advice" in text
    assert "we talk past each other" not in text
    # Two answers make up the figure: the comment is not tied to the person who wrote it.
    comments = text[text.index('id="admin-comments"') :]
    assert mentor.get_full_name() not in comments
    figures = page.context["figures"]
    assert (figures.total, figures.answered, figures.revisit) == (2, 2, 1)
    assert (figures.satisfaction, figures.energy, figures.answered_share) == (3.0, 4.0, 100)


def test_admin_figures_are_for_admins_only(client, mentorship, mentee):
    client.force_login(mentee)
    url = reverse("meetings:checkin_figures", kwargs={"slug": "pathways"})
    assert client.get(url).status_code == 403


def test_checkin_list_shows_mine_with_flat_queries(
    client, program, mentorship, mentee, django_assert_num_queries
):
    checkins_open_due(now=Q4_START)
    client.force_login(mentee)
    url = reverse("meetings:checkins")
    assert "Mo Mentor" in client.get(url).content.decode()

    def grow() -> None:
        me = Participant.objects.get(user=mentee, program=program)
        for _ in range(6):
            MentorshipFactory(
                mentor=ParticipantFactory(program=program, role=Role.MENTOR),
                mentee=me,
                started_at=BEFORE,
            )
        checkins_open_due(now=Q4_START)
        answer(checkin_of(mentee, mentorship), mentee)

    assert_flat_queries(client, django_assert_num_queries, url, grow)


def test_a_shared_comment_reaches_the_other_person_an_admins_only_one_does_not(
    client, mentorship, mentor, mentee
):
    checkins_open_due(now=Q4_START)
    answer(checkin_of(mentee, mentorship), mentee, comment="Thanks for the time")
    client.force_login(mentor)
    url = reverse("meetings:checkin", kwargs={"pk": checkin_of(mentor, mentorship).pk})
    assert "Thanks for the time" in client.get(url).content.decode()
    CheckIn.objects.filter(person=mentee).update(comment_visibility="admins")
    assert "Thanks for the time" not in client.get(url).content.decode()

"""The mentorship life cycle: pause and resume, close, goal shares on closing, reflections, board."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from goals.models import GoalShare
from matching.models import AdvisorRole, ClosingReason, Mentorship, Reflection, StateChange
from matching.services.mentorships import (
    mentorship_close,
    mentorship_pause,
    mentorship_resume,
    reflection_add,
)
from mentorship.errors import DomainError
from notifications.models import Notification
from programs.models import Participant, Role
from tests.goals.factories import GoalFactory, GoalShareFactory
from tests.matching.factories import MentorshipFactory
from tests.programs.factories import ParticipantFactory

Status = Mentorship.Status

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _status(mentorship: Mentorship) -> str:
    mentorship.refresh_from_db()
    return mentorship.status


def _titles(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


# ---------------------------------------------------------------------------
# Pause and resume
# ---------------------------------------------------------------------------
def test_the_mentee_can_pause(mentorship, mentee, mentor):
    mentorship_pause(mentorship=mentorship, actor=mentee)
    assert _status(mentorship) == Status.PAUSED
    change = StateChange.objects.get(mentorship=mentorship)
    assert (change.from_status, change.to_status, change.actor) == ("active", "paused", mentee)
    assert _titles(mentor) == ["Mia Mentee paused your mentorship"]


def test_the_mentor_can_pause(mentorship, mentee, mentor):
    mentorship_pause(mentorship=mentorship, actor=mentor)
    assert _status(mentorship) == Status.PAUSED
    assert _titles(mentee) == ["Mo Mentor paused your mentorship"]


def test_the_other_side_can_resume(mentorship, mentee, mentor):
    mentorship_pause(mentorship=mentorship, actor=mentee)
    mentorship_resume(mentorship=mentorship, actor=mentor)
    assert _status(mentorship) == Status.ACTIVE
    assert _titles(mentee) == ["Mo Mentor resumed your mentorship"]
    changes = StateChange.objects.filter(mentorship=mentorship)
    assert [(c.from_status, c.to_status) for c in changes] == [
        ("active", "paused"),
        ("paused", "active"),
    ]


def test_pause_refuses_a_paused_mentorship(paused, mentee):
    with pytest.raises(DomainError, match="Only an active mentorship can be paused"):
        mentorship_pause(mentorship=paused, actor=mentee)
    assert not StateChange.objects.exists()


def test_resume_refuses_an_active_mentorship(mentorship, mentee):
    with pytest.raises(DomainError, match="Only a paused mentorship can be resumed"):
        mentorship_resume(mentorship=mentorship, actor=mentee)
    assert _status(mentorship) == Status.ACTIVE


def test_an_outsider_cannot_pause(mentorship, outsider):
    with pytest.raises(DomainError, match="Only the two people in a mentorship can pause it"):
        mentorship_pause(mentorship=mentorship, actor=outsider)
    assert _status(mentorship) == Status.ACTIVE


def test_an_outsider_cannot_resume(paused, outsider):
    with pytest.raises(DomainError, match="Only the two people in a mentorship can resume it"):
        mentorship_resume(mentorship=paused, actor=outsider)
    assert _status(paused) == Status.PAUSED


def test_a_program_admin_cannot_pause(mentorship, admin_user):
    with pytest.raises(DomainError):
        mentorship_pause(mentorship=mentorship, actor=admin_user)
    assert _status(mentorship) == Status.ACTIVE


def test_pausing_from_the_page_pauses(mentorship, mentee):
    response = _client(mentee).post(reverse("matching:mentorship_pause", args=[mentorship.pk]))
    assert response.url == f"/mentorships/{mentorship.pk}/"
    assert _status(mentorship) == Status.PAUSED


def test_an_outsider_gets_404_on_pausing_from_the_page(mentorship, outsider):
    response = _client(outsider).post(reverse("matching:mentorship_pause", args=[mentorship.pk]))
    assert response.status_code == 404
    assert _status(mentorship) == Status.ACTIVE


# ---------------------------------------------------------------------------
# Close
# ---------------------------------------------------------------------------
def test_closing_with_goals_met_completes(mentorship, mentee):
    mentorship_close(mentorship=mentorship, actor=mentee, reason=ClosingReason.GOALS_MET)
    assert _status(mentorship) == Status.COMPLETED


def test_closing_because_it_ran_its_course_completes(mentorship, mentor):
    mentorship_close(mentorship=mentorship, actor=mentor, reason=ClosingReason.RAN_ITS_COURSE)
    assert _status(mentorship) == Status.COMPLETED


def test_closing_as_not_a_fit_ends_early(mentorship, mentee):
    mentorship_close(mentorship=mentorship, actor=mentee, reason=ClosingReason.NOT_A_FIT)
    assert _status(mentorship) == Status.ENDED


def test_closing_records_the_reason_the_time_and_the_change(mentorship, mentee):
    mentorship_close(
        mentorship=mentorship, actor=mentee, reason=ClosingReason.SCHEDULE, note=" Time zones. "
    )
    mentorship.refresh_from_db()
    assert mentorship.closing_reason == ClosingReason.SCHEDULE
    assert mentorship.closed_at is not None
    change = StateChange.objects.get(mentorship=mentorship)
    assert (change.from_status, change.to_status, change.actor, change.note) == (
        "active",
        "ended",
        mentee,
        "Time zones.",
    )


def test_closing_tells_the_other_side_only(mentorship, mentee, mentor):
    mentorship_close(mentorship=mentorship, actor=mentee, reason=ClosingReason.GOALS_MET)
    assert _titles(mentor) == [
        "Your mentorship was completed: take a minute for a closing reflection"
    ]
    assert _titles(mentee) == []


def test_a_paused_mentorship_can_be_closed(paused, mentor):
    mentorship_close(mentorship=paused, actor=mentor, reason=ClosingReason.GOALS_MET)
    assert _status(paused) == Status.COMPLETED


def test_an_admin_closing_ends_it_whatever_the_reason(mentorship, admin_user, mentee, mentor):
    mentorship_close(mentorship=mentorship, actor=admin_user, reason=ClosingReason.GOALS_MET)
    assert _status(mentorship) == Status.ENDED
    assert _titles(mentee) == ["Your mentorship was ended: take a minute for a closing reflection"]
    assert _titles(mentor) == _titles(mentee)


def test_an_admin_of_another_program_cannot_close(mentorship, outsider):
    with pytest.raises(DomainError, match="or the program's admins, can close it"):
        mentorship_close(mentorship=mentorship, actor=outsider, reason=ClosingReason.OTHER)
    assert _status(mentorship) == Status.ACTIVE


def test_closing_twice_is_refused(mentorship, mentee, mentor):
    mentorship_close(mentorship=mentorship, actor=mentee, reason=ClosingReason.GOALS_MET)
    with pytest.raises(DomainError, match="This mentorship is completed already."):
        mentorship_close(mentorship=mentorship, actor=mentor, reason=ClosingReason.NOT_A_FIT)
    mentorship.refresh_from_db()
    assert (mentorship.status, mentorship.closing_reason) == (Status.COMPLETED, "goals_met")
    assert StateChange.objects.filter(mentorship=mentorship).count() == 1


def test_closing_refuses_an_unknown_reason(mentorship, mentee):
    with pytest.raises(DomainError) as error:
        mentorship_close(mentorship=mentorship, actor=mentee, reason="bored")
    assert error.value.field == "reason"
    assert _status(mentorship) == Status.ACTIVE


def test_closing_from_the_page_completes(mentorship, mentee):
    response = _client(mentee).post(
        reverse("matching:mentorship_close", args=[mentorship.pk]),
        {"reason": "goals_met", "note": ""},
    )
    assert response.url == f"/mentorships/{mentorship.pk}/"
    assert _status(mentorship) == Status.COMPLETED


# ---------------------------------------------------------------------------
# Closing takes the mentor's view of the mentee's goals with it
# ---------------------------------------------------------------------------
def test_closing_removes_the_mentees_goal_shares_with_that_mentor(
    program, mentorship, mentee_p, mentor, mentee
):
    goals = GoalFactory.create_batch(2, owner=mentee_p)
    for goal in goals:
        GoalShareFactory(goal=goal, mentor=mentor)
    second_mentor = ParticipantFactory(program=program, role=Role.MENTOR).user
    kept = GoalShareFactory(goal=goals[0], mentor=second_mentor)
    someone_elses = GoalShareFactory(
        goal=GoalFactory(owner=ParticipantFactory(program=program)), mentor=mentor
    )
    mentorship_close(mentorship=mentorship, actor=mentee, reason=ClosingReason.GOALS_MET)
    assert set(GoalShare.objects.all()) == {kept, someone_elses}


def test_after_closing_the_mentor_gets_404_on_the_goal_page(mentorship, mentee_p, mentor, mentee):
    goal = GoalFactory(owner=mentee_p)
    GoalShareFactory(goal=goal, mentor=mentor)
    as_mentor = _client(mentor)
    assert as_mentor.get(goal.get_absolute_url()).status_code == 200
    mentorship_close(mentorship=mentorship, actor=mentee, reason=ClosingReason.NOT_A_FIT)
    assert as_mentor.get(goal.get_absolute_url()).status_code == 404


# ---------------------------------------------------------------------------
# Reflections
# ---------------------------------------------------------------------------
@pytest.fixture
def closed(mentorship, mentee) -> Mentorship:
    return mentorship_close(mentorship=mentorship, actor=mentee, reason=ClosingReason.GOALS_MET)


def test_reflection_is_refused_while_the_mentorship_runs(mentorship, mentee):
    with pytest.raises(DomainError, match="Reflections come when the mentorship closes."):
        reflection_add(mentorship=mentorship, author=mentee, text="Going well.")
    assert not Reflection.objects.exists()


def test_reflection_is_refused_while_the_mentorship_is_paused(paused, mentee):
    with pytest.raises(DomainError):
        reflection_add(mentorship=paused, author=mentee, text="Taking a break.")
    assert not Reflection.objects.exists()


def test_each_person_reflects_once_after_closing(closed, mentee, mentor):
    reflection_add(mentorship=closed, author=mentee, text="  I gave the talk.  ")
    reflection_add(mentorship=closed, author=mentor, text="Proud of Mia.")
    assert sorted(Reflection.objects.values_list("author__full_name", "text")) == [
        ("Mia Mentee", "I gave the talk."),
        ("Mo Mentor", "Proud of Mia."),
    ]


def test_a_second_reflection_by_the_same_person_is_refused(closed, mentee):
    reflection_add(mentorship=closed, author=mentee, text="I gave the talk.")
    with pytest.raises(DomainError, match="You have written your reflection already."):
        reflection_add(mentorship=closed, author=mentee, text="And another thing.")
    assert Reflection.objects.count() == 1


def test_an_outsider_cannot_reflect(closed, outsider):
    with pytest.raises(DomainError, match="Only the two people in a mentorship reflect on it."):
        reflection_add(mentorship=closed, author=outsider, text="Looks nice.")
    assert not Reflection.objects.exists()


def test_an_empty_reflection_is_refused(closed, mentee):
    with pytest.raises(DomainError, match="Write a few words."):
        reflection_add(mentorship=closed, author=mentee, text="   ")


def test_reflecting_from_the_page_saves_it_and_hides_the_form(closed, mentee):
    client = _client(mentee)
    url = reverse("matching:mentorship", args=[closed.pk])
    assert client.get(url).context["reflection_form"] is not None
    client.post(reverse("matching:mentorship_reflect", args=[closed.pk]), {"text": "Thanks!"})
    response = client.get(url)
    assert response.context["reflection_form"] is None
    assert "Thanks!" in response.content.decode()


# ---------------------------------------------------------------------------
# The board of advisors
# ---------------------------------------------------------------------------
def _board(client: Client, program) -> object:
    return client.get(reverse("matching:board", kwargs={"slug": program.slug}))


def test_board_groups_mentors_by_role_and_shows_empty_seats(program, mentee_p, mentee):
    def mentor_named(name: str) -> Participant:
        return ParticipantFactory(program=program, role=Role.MENTOR, user__full_name=name)

    MentorshipFactory(mentor=mentor_named("Tess Tech"), mentee=mentee_p, advisor_role="technical")
    MentorshipFactory(mentor=mentor_named("Cal Career"), mentee=mentee_p, advisor_role="career")
    MentorshipFactory(
        mentor=mentor_named("Pat Paused"),
        mentee=mentee_p,
        advisor_role="career",
        status=Status.PAUSED,
    )
    response = _board(_client(mentee), program)
    assert response.status_code == 200
    seats = {
        seat.role: sorted(m.mentor.user.full_name for m in seat.mentorships)
        for seat in response.context["seats"]
    }
    assert seats == {
        "technical": ["Tess Tech"],
        "career": ["Cal Career", "Pat Paused"],
        "industry": [],
        "leadership": [],
        "other": [],
    }
    content = response.content.decode()
    assert content.count("Empty seat.") == 3
    assert reverse("matching:directory", kwargs={"slug": program.slug}) in content


def test_board_gives_mentors_without_a_role_a_seat_of_their_own(program, mentee_p, mentee):
    MentorshipFactory(mentor=ParticipantFactory(program=program, role=Role.MENTOR), mentee=mentee_p)
    seats = _board(_client(mentee), program).context["seats"]
    assert [len(s.mentorships) for s in seats if s.role == ""] == [1]
    assert len(seats) == len(AdvisorRole.choices) + 1


def test_board_leaves_out_finished_mentorships(program, mentee_p, mentee):
    MentorshipFactory(
        mentor=ParticipantFactory(program=program, role=Role.MENTOR),
        mentee=mentee_p,
        advisor_role="technical",
        status=Status.COMPLETED,
    )
    seats = _board(_client(mentee), program).context["seats"]
    assert all(not seat.mentorships for seat in seats)


def test_board_is_403_for_someone_who_is_not_a_mentee(program, mentor):
    assert _board(_client(mentor), program).status_code == 403


def test_board_is_404_for_an_outsider(program, outsider):
    assert _board(_client(outsider), program).status_code == 404

"""Home's next step: set a goal → find a mentor (or wait for the round) → agree norms → first
meeting; the check-ins due in the navigation and on Home; prompts that resolve themselves."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from goals.models import Goal
from goals.services import GOAL_PROMPT, goal_create
from matching.models import Mentorship, MentorshipRequest
from matching.services.requests import request_create, request_decline
from meetings.models import Agreement, CheckIn, Meeting
from meetings.selectors import next_steps_for
from notifications.models import Notification
from notifications.services import notify
from programs.models import Participant, Program
from tests.goals.factories import GoalFactory
from tests.helpers import assert_flat_queries
from tests.matching.factories import MentorshipFactory, MentorshipRequestFactory, mentor_in
from tests.programs.factories import TopicFactory

pytestmark = pytest.mark.django_db


def _steps(user) -> list[tuple[str, str]]:
    return [(step.title, step.link) for step in next_steps_for(user=user)]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_new_mentee_is_asked_for_a_goal_first(mentee, mentee_p):
    assert _steps(mentee) == [("Set a goal", reverse("goals:start"))]


def test_a_draft_goal_asks_to_be_made_active(mentee, mentee_p):
    GoalFactory(owner=mentee_p, status=Goal.Status.DRAFT)
    [step] = next_steps_for(user=mentee)
    assert (step.title, step.link) == ("Make a goal active", reverse("goals:list"))
    assert "You have 1 draft goal:" in step.text


def test_with_a_goal_the_mentee_is_sent_to_the_directory(program, mentee, mentee_p):
    GoalFactory(owner=mentee_p)
    directory = reverse("matching:directory", kwargs={"slug": program.slug})
    assert _steps(mentee) == [("Find a mentor", directory)]


def test_in_a_peer_program_the_step_says_peer(program, mentee, mentee_p):
    Program.objects.filter(pk=program.pk).update(kind=Program.Kind.PEER)
    GoalFactory(owner=mentee_p)
    assert _steps(mentee)[0][0] == "Find a peer"


def test_when_admins_match_the_mentee_waits_for_the_round(program, mentee, mentee_p):
    Program.objects.filter(pk=program.pk).update(matching_mode=Program.MatchingMode.ADMIN_ASSIGNS)
    GoalFactory(owner=mentee_p)
    [step] = next_steps_for(user=mentee)
    assert step.title == "Wait for the program's matching round"
    assert "match people in rounds" in step.text


def test_a_pending_request_is_waited_for_with_its_date(mentee, mentee_p, mentor_p):
    GoalFactory(owner=mentee_p)
    sent = MentorshipRequestFactory(mentee=mentee_p, mentor=mentor_p)
    [step] = next_steps_for(user=mentee)
    assert step.title == f"Waiting for {mentor_p.user.get_full_name()}"
    assert step.link == reverse("matching:request", kwargs={"pk": sent.pk})
    assert timezone.localtime(sent.expires_at).strftime("%B") in step.text


def test_a_new_pair_agrees_norms_then_plans_the_first_meeting_then_is_done(
    mentor, mentee, mentee_p, mentorship
):
    GoalFactory(owner=mentee_p)
    name = mentorship.mentor.user.get_full_name()
    agreement_url = reverse("meetings:agreement", kwargs={"pk": mentorship.pk})
    assert _steps(mentee) == [(f"Agree how you will work with {name}", agreement_url)]
    # The mentor is on the same path with the same pair.
    assert _steps(mentor)[0][1] == agreement_url

    agreement = Agreement.objects.create(mentorship=mentorship, version=1, channel="Video")
    assert _steps(mentee)[0][1] == agreement_url  # proposed, not yet agreed
    agreement.confirmed_at = timezone.now()
    agreement.save()
    propose = reverse("meetings:meeting_propose", kwargs={"pk": mentorship.pk})
    assert _steps(mentee) == [(f"Plan your first meeting with {name}", propose)]

    start = timezone.now() + timedelta(days=3)
    meeting = Meeting.objects.create(
        mentorship=mentorship, starts_at=start, ends_at=start + timedelta(minutes=30)
    )
    assert _steps(mentee) == []
    meeting.status = Meeting.Status.CANCELLED
    meeting.save()
    assert _steps(mentee)[0][0] == f"Plan your first meeting with {name}"


def test_a_single_session_skips_the_norms(mentee, mentee_p, mentorship):
    Mentorship.objects.filter(pk=mentorship.pk).update(single_session=True)
    assert _steps(mentee)[0][0].startswith("Plan your first meeting")


def test_a_mentor_without_mentees_has_no_step(mentor, mentor_p):
    assert _steps(mentor) == []


def test_people_who_left_a_program_get_no_step_there(mentee, mentee_p):
    Participant.objects.filter(pk=mentee_p.pk).update(status=Participant.Status.WITHDRAWN)
    assert _steps(mentee) == []


def test_home_shows_the_next_step_instead_of_nothing_waits(mentee, mentee_p):
    page = " ".join(_client(mentee).get(reverse("home")).content.decode().split())
    assert "Your next step" in page
    assert "Set a goal" in page
    assert "Nothing waits for you" not in page


def test_home_says_nothing_waits_when_the_path_is_walked(mentor, mentor_p):
    page = " ".join(_client(mentor).get(reverse("home")).content.decode().split())
    assert "Your next step" not in page
    assert "Nothing waits for you. Well done." in page


def test_home_queries_do_not_grow_with_programs_and_pairs(
    program, mentee, mentee_p, mentor_p, django_assert_num_queries
):
    GoalFactory(owner=mentee_p)
    MentorshipFactory(mentor=mentor_p, mentee=mentee_p)

    def grow() -> None:
        for _ in range(3):
            MentorshipFactory(mentor=mentor_in(program), mentee=mentee_p)
            MentorshipRequestFactory(mentee=mentee_p, mentor=mentor_in(program))

    assert_flat_queries(_client(mentee), django_assert_num_queries, reverse("home"), grow)


# ---------------------------------------------------------------------------
# Check-ins due
# ---------------------------------------------------------------------------
def _due(mentorship: Mentorship, person) -> CheckIn:
    return CheckIn.objects.create(
        mentorship=mentorship,
        person=person,
        period_key="2026-Q4",
        due_on=timezone.localdate(),
        status=CheckIn.Status.DUE,
    )


def test_due_check_ins_are_counted_in_the_navigation_and_on_home(mentee, mentorship):
    _due(mentorship, mentee)
    page = " ".join(_client(mentee).get(reverse("home")).content.decode().split())
    assert 'Check-ins <span class="badge rounded-pill text-bg-warning">1<span' in page
    assert "1 check-in due" in page


def test_answered_check_ins_and_other_peoples_are_not_counted(mentor, mentee, mentorship):
    _due(mentorship, mentor)
    answered = _due(mentorship, mentee)
    CheckIn.objects.filter(pk=answered.pk).update(status=CheckIn.Status.ANSWERED)
    response = _client(mentee).get(reverse("home"))
    assert response.context["nav"]["checkins_due"] == 0
    assert "check-in due" not in response.content.decode()


# ---------------------------------------------------------------------------
# Prompts that resolve themselves
# ---------------------------------------------------------------------------
def test_writing_a_goal_resolves_the_prompt_to_write_one(mentee, mentee_p):
    prompt = notify(recipient=mentee, kind="general", title="Write a goal", resolved_by=GOAL_PROMPT)
    other = notify(recipient=mentee, kind="general", title="Something else")
    goal_create(owner=mentee_p, title="Speak at a conference", why="To grow")
    prompt.refresh_from_db()
    other.refresh_from_db()
    assert prompt.read_at is not None
    assert other.read_at is None


def test_an_answered_request_no_longer_asks_the_mentor_for_an_answer(
    program, mentor, mentee_p, mentor_p
):
    goal = GoalFactory(owner=mentee_p)
    sent = request_create(
        mentee=mentee_p,
        mentor=mentor_p,
        goals=[goal],
        topic=TopicFactory(organization=program.organization),
        why_this_mentor="Your talk at the summit is why I started.",
    )
    ask = Notification.objects.get(recipient=mentor)
    assert ask.read_at is None and ask.resolved_by == f"request:{sent.pk}:answer"

    request_decline(request=sent, actor=mentor, reason=MentorshipRequest.DeclineReason.NO_TIME)

    ask.refresh_from_db()
    assert ask.read_at is not None
    # The mentee's "cannot take your request" is news, not a prompt: it stays unread.
    assert Notification.objects.get(recipient=mentee_p.user).read_at is None


# ---------------------------------------------------------------------------
# Finding a mentor from the navigation
# ---------------------------------------------------------------------------
def test_a_mentee_finds_a_mentor_from_the_navigation(program, mentee, mentee_p):
    Program.objects.filter(pk=program.pk).update(max_mentors_per_mentee=1)  # no board
    page = _client(mentee).get(reverse("home")).content.decode()
    directory = reverse("matching:directory", kwargs={"slug": program.slug})
    assert f'href="{directory}">Find a mentor' in page
    assert reverse("matching:board", kwargs={"slug": program.slug}) not in page


def test_a_peer_program_says_find_a_peer_and_a_board_shows_when_allowed(program, mentee, mentee_p):
    Program.objects.filter(pk=program.pk).update(kind=Program.Kind.PEER, max_mentors_per_mentee=3)
    page = _client(mentee).get(reverse("home")).content.decode()
    assert "Find a peer" in page and "Find a mentor" not in page
    assert (
        f'href="{reverse("matching:board", kwargs={"slug": program.slug})}">Board of advisors'
        in page
    )


def test_mentors_and_admins_get_no_find_a_mentor_link(mentor, mentor_p, admin_user):
    for user in (mentor, admin_user):
        assert "Find a mentor" not in _client(user).get(reverse("home")).content.decode()


def test_where_admins_match_there_is_no_directory_link(program, mentee, mentee_p):
    Program.objects.filter(pk=program.pk).update(matching_mode=Program.MatchingMode.ADMIN_ASSIGNS)
    assert "Find a mentor" not in _client(mentee).get(reverse("home")).content.decode()

"""The request life cycle in services: every limit with its words, every answer, every wrong side."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from goals.models import Goal
from matching.models import (
    AdvisorRole,
    MentorProfile,
    Mentorship,
    MentorshipRequest,
    RequestMessage,
    StateChange,
)
from matching.services.requests import (
    request_accept,
    request_answer,
    request_ask_info,
    request_create,
    request_decline,
    request_follow_redirect,
    request_redirect,
    request_withdraw,
)
from mentorship.errors import DomainError
from notifications.models import Notification
from programs.models import Participant, Program, Role
from tests.goals.factories import GoalFactory
from tests.helpers import race
from tests.matching.factories import (
    MentorProfileFactory,
    MentorshipFactory,
    MentorshipRequestFactory,
    mentee_in,
    mentor_in,
    profile_of,
)
from tests.programs.factories import ParticipantFactory, ProgramFactory, TopicFactory

Status = MentorshipRequest.Status
WaitingOn = MentorshipRequest.WaitingOn
NO_TIME = MentorshipRequest.DeclineReason.NO_TIME

pytestmark = pytest.mark.django_db


@pytest.fixture
def send(mentee_p, mentor_p, goal, topic) -> Callable[..., MentorshipRequest]:
    """Send a request from the mentee (to the mentor unless ``mentor=`` says otherwise)."""

    def _send(**overrides: object) -> MentorshipRequest:
        values: dict[str, object] = {
            "mentee": mentee_p,
            "mentor": mentor_p,
            "goals": [goal],
            "topic": topic,
            "why_this_mentor": "Your talk at the summit is why I started.",
            "first_step": "A 20-minute call about my abstract",
        }
        values.update(overrides)
        return request_create(**values)  # type: ignore[arg-type]

    return _send


def _written() -> tuple[int, int, int, int]:
    return (
        MentorshipRequest.objects.count(),
        StateChange.objects.count(),
        Notification.objects.count(),
        RequestMessage.objects.count(),
    )


@pytest.fixture
def refused(send) -> Callable[..., str]:
    """Send a request that must be refused; check nothing was written; return the words."""

    def _refused(**overrides: object) -> str:
        before = _written()
        with pytest.raises(DomainError) as error:
            send(**overrides)
        assert _written() == before
        return error.value.message

    return _refused


def _titles(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


# ---------------------------------------------------------------------------
# Create
# ---------------------------------------------------------------------------
def test_create_sends_a_pending_request_with_what_it_cites(send, mentee_p, mentor_p, goal, topic):
    request = send(advisor_role=AdvisorRole.CAREER)
    assert request.status == Status.PENDING
    assert request.waiting_on == WaitingOn.MENTOR
    assert (request.mentee, request.mentor, request.topic) == (mentee_p, mentor_p, topic)
    assert list(request.goals.all()) == [goal]
    assert request.advisor_role == AdvisorRole.CAREER
    assert request.first_step == "A 20-minute call about my abstract"


def test_create_expires_after_the_programs_expiry_days(send, program):
    program.request_expiry_days = 5
    program.save()
    before = timezone.now()
    request = send()
    assert before + timedelta(days=5) <= request.expires_at <= timezone.now() + timedelta(days=5)


def test_create_records_the_change_from_nothing_to_pending(send, mentee):
    request = send()
    change = StateChange.objects.get(request=request)
    assert (change.from_status, change.to_status, change.actor) == ("", Status.PENDING, mentee)
    assert change.mentorship is None


def test_create_notifies_the_mentor(send, mentor, mentee):
    request = send()
    notification = Notification.objects.get(recipient=mentor)
    assert notification.kind == Notification.Kind.REQUEST
    assert notification.title == "Mia Mentee asks for your help with Public speaking"
    assert notification.link == f"/requests/{request.pk}/"
    assert not Notification.objects.filter(recipient=mentee).exists()


def test_create_refuses_before_the_program_starts(refused, program):
    program.starts_on = timezone.localdate() + timedelta(days=3)
    program.save()
    assert "Pathways is not running now" in refused()


def test_create_refuses_after_the_program_ends(refused, program):
    program.ends_on = timezone.localdate() - timedelta(days=1)
    program.save()
    assert "Pathways is not running now" in refused()


def test_create_refuses_in_a_program_where_admins_assign_mentors(refused, program):
    program.matching_mode = Program.MatchingMode.ADMIN_ASSIGNS
    program.save()
    assert refused() == "In Pathways the admins match people; ask them rather than a mentor."


def test_create_refuses_a_mentor_who_is_not_accepting_requests(refused, mentor_p):
    MentorProfile.objects.filter(participant=mentor_p).update(accepting_requests=False)
    assert refused() == (
        "Mo Mentor is not accepting new requests right now. Try another mentor from the directory."
    )


def test_create_refuses_a_mentor_without_a_profile(refused, mentor_p):
    MentorProfile.objects.filter(participant=mentor_p).delete()
    assert "Mo Mentor is not accepting new requests" in refused()


def test_create_refuses_a_mentor_who_is_away(refused, mentor_p):
    back = timezone.localdate() + timedelta(days=10)
    MentorProfile.objects.filter(participant=mentor_p).update(away_until=back)
    assert refused() == (
        f"Mo Mentor is away until {back:%d %b %Y}. Ask again after that, or try another mentor."
    )


def test_create_accepts_a_mentor_whose_away_date_is_today(send, mentor_p):
    MentorProfile.objects.filter(participant=mentor_p).update(away_until=timezone.localdate())
    assert send().status == Status.PENDING


def test_create_refuses_a_mentor_who_is_full(refused, program, mentor_p):
    MentorProfile.objects.filter(participant=mentor_p).update(capacity=1)
    MentorshipFactory(mentor=mentor_p, mentee=ParticipantFactory(program=program))
    assert refused() == ("Mo Mentor is full (1 mentee). Try another mentor from the directory.")


def test_create_refuses_asking_your_own_mentor(refused, mentor_p, mentee_p):
    MentorshipFactory(mentor=mentor_p, mentee=mentee_p)
    assert refused() == "Mo Mentor is already your mentor."


def test_create_refuses_a_mentee_with_the_most_mentors_the_program_allows(
    refused, program, mentee_p
):
    program.max_mentors_per_mentee = 1
    program.save()
    MentorshipFactory(mentor=mentor_in(program), mentee=mentee_p)
    assert "the most Pathways allows" in refused()


def test_most_mentors_refusal_reads_well_for_one_mentor(refused, program, mentee_p):
    program.max_mentors_per_mentee = 1
    program.save()
    MentorshipFactory(mentor=mentor_in(program), mentee=mentee_p)
    assert refused() == "You already have 1 mentor, the most Pathways allows."


def test_create_refuses_asking_yourself(program, mentee, mentee_p, goal, topic):
    yourself = ParticipantFactory(user=mentee, program=program, role=Role.MENTOR)
    MentorProfileFactory(participant=yourself)
    with pytest.raises(DomainError, match="You cannot ask yourself."):
        request_create(
            mentee=mentee_p,
            mentor=yourself,
            goals=[goal],
            topic=topic,
            why_this_mentor="I know myself best of all.",
        )
    assert not MentorshipRequest.objects.exists()


def test_create_refuses_a_second_pending_request_to_the_same_mentor(send, refused):
    send()
    assert refused() == "You already have a request waiting with Mo Mentor."


def test_create_refuses_beyond_the_most_pending_requests(send, refused, program):
    program.max_pending_requests_per_mentee = 2
    program.save()
    send(mentor=mentor_in(program))
    send(mentor=mentor_in(program))
    assert refused().startswith("You have 2 requests waiting, the most Pathways allows.")


def test_create_refuses_within_30_days_of_a_decline(send, refused, mentor):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        request_decline(request=send(), actor=mentor, reason=NO_TIME)
        traveller.shift(timedelta(days=29))
        again = timezone.localdate() + timedelta(days=1)
        assert refused() == (
            f"Mo Mentor declined your last request; you can ask again from {again:%d %b %Y}."
        )


def test_create_allows_asking_again_30_days_after_a_decline(send, mentor):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        request_decline(request=send(), actor=mentor, reason=NO_TIME)
        traveller.shift(timedelta(days=30, minutes=1))
        assert send().status == Status.PENDING


def test_create_refuses_a_goal_of_someone_else(refused, program):
    someone_elses = GoalFactory(owner=ParticipantFactory(program=program))
    assert refused(goals=[someone_elses]) == (
        "A request cites your own active goals in this program."
    )


def test_create_refuses_a_goal_that_is_not_active(refused, mentee_p):
    draft = GoalFactory(owner=mentee_p, status=Goal.Status.DRAFT)
    assert refused(goals=[draft]) == "A request cites your own active goals in this program."


def test_create_refuses_no_goals(refused):
    assert refused(goals=[]) == "Say which of your goals this is about."


def test_create_refuses_a_topic_of_another_organization(refused):
    assert refused(topic=TopicFactory()) == "Pick a topic from this program's list."


def test_create_refuses_a_topic_the_mentor_cannot_help_with_in_their_words(
    refused, mentor_p, topic
):
    profile = MentorProfile.objects.get(participant=mentor_p)
    profile.cannot_help_topics.set([topic])
    profile.cannot_help_with = "Conference talks: I have never given one."
    profile.save()
    name = mentor_p.user.get_full_name()
    assert refused() == (
        f"{name} cannot help with Public speaking: they list it under “Cannot help with”. "
        "In their words: “Conference talks: I have never given one.” Pick another topic, or "
        "ask a mentor who offers it."
    )


def test_a_topic_the_mentor_cannot_help_with_is_refused_without_words_too(refused, mentor_p, topic):
    MentorProfile.objects.get(participant=mentor_p).cannot_help_topics.set([topic])
    assert "In their words" not in refused()
    assert refused().startswith(f"{mentor_p.user.get_full_name()} cannot help with Public")


def test_another_topic_of_a_mentor_with_limits_is_sent(send, mentor_p, program):
    MentorProfile.objects.get(participant=mentor_p).cannot_help_topics.set(
        [TopicFactory(organization=program.organization, name="Hiring")]
    )
    assert send().status == Status.PENDING


def test_create_refuses_an_empty_why(refused):
    assert refused(why_this_mentor="   ") == "Say in a sentence why you are asking this mentor."


# ---------------------------------------------------------------------------
# Accept
# ---------------------------------------------------------------------------
def test_accept_starts_the_mentorship(send, mentor, mentor_p, mentee_p):
    request = send(advisor_role=AdvisorRole.TECHNICAL)
    mentorship = request_accept(request=request, actor=mentor)
    assert (mentorship.mentor, mentorship.mentee) == (mentor_p, mentee_p)
    assert mentorship.status == Mentorship.Status.ACTIVE
    assert mentorship.advisor_role == AdvisorRole.TECHNICAL
    request.refresh_from_db()
    assert request.status == Status.ACCEPTED
    assert request.mentorship == mentorship


def test_accept_sets_answered_at_and_closed_at(send, mentor):
    request = send()
    request_accept(request=request, actor=mentor)
    request.refresh_from_db()
    assert request.answered_at is not None
    assert request.closed_at is not None


def test_accept_records_the_request_and_mentorship_changes(send, mentor):
    request = send()
    mentorship = request_accept(request=request, actor=mentor)
    request_change = StateChange.objects.filter(request=request).last()
    assert (request_change.from_status, request_change.to_status) == (Status.PENDING, "accepted")
    assert request_change.actor == mentor
    mentorship_change = StateChange.objects.get(mentorship=mentorship)
    assert (mentorship_change.from_status, mentorship_change.to_status) == ("", "active")
    assert mentorship_change.actor == mentor


def test_accept_notifies_the_mentee(send, mentor, mentee):
    request_accept(request=send(), actor=mentor)
    assert _titles(mentee) == ["Mo Mentor said yes: you are now working together"]


def test_accept_refuses_when_the_mentor_is_full(send, program, mentor, mentor_p):
    request = send()
    MentorProfile.objects.filter(participant=mentor_p).update(capacity=1)
    MentorshipFactory(mentor=mentor_p, mentee=ParticipantFactory(program=program))
    with pytest.raises(DomainError) as error:
        request_accept(request=request, actor=mentor)
    assert "capacity" in error.value.message
    request.refresh_from_db()
    assert request.status == Status.PENDING
    assert Mentorship.objects.filter(mentor=mentor_p).count() == 1


def test_accept_closes_the_mentees_other_requests_for_the_same_role(send, program, mentor):
    accepted = send(advisor_role=AdvisorRole.CAREER)
    other = send(mentor=mentor_in(program), advisor_role=AdvisorRole.CAREER)
    request_accept(request=accepted, actor=mentor)
    other.refresh_from_db()
    assert other.status == Status.CLOSED
    assert other.closed_at is not None
    change = StateChange.objects.filter(request=other).last()
    assert (change.from_status, change.to_status, change.actor) == ("pending", "closed", None)


def test_accept_tells_the_mentors_of_closed_requests(send, program, mentor):
    accepted = send(advisor_role=AdvisorRole.CAREER)
    other_mentor = mentor_in(program)
    send(mentor=other_mentor, advisor_role=AdvisorRole.CAREER)
    request_accept(request=accepted, actor=mentor)
    assert "Mia Mentee's request is closed: another mentor accepted" in _titles(other_mentor.user)


def test_accept_leaves_requests_for_other_roles_open(send, program, mentor):
    accepted = send(advisor_role=AdvisorRole.CAREER)
    other_mentor = mentor_in(program)
    technical = send(mentor=other_mentor, advisor_role=AdvisorRole.TECHNICAL)
    no_role = send(mentor=mentor_in(program))
    request_accept(request=accepted, actor=mentor)
    technical.refresh_from_db()
    no_role.refresh_from_db()
    assert (technical.status, no_role.status) == (Status.PENDING, Status.PENDING)
    assert _titles(other_mentor.user) == ["Mia Mentee asks for your help with Public speaking"]


def test_accept_without_a_role_in_a_one_on_one_program_closes_all_other_requests(
    send, program, mentor
):
    assert program.kind == Program.Kind.ONE_ON_ONE
    accepted = send()
    others = [
        send(mentor=mentor_in(program)),
        send(mentor=mentor_in(program), advisor_role=AdvisorRole.LEADERSHIP),
    ]
    request_accept(request=accepted, actor=mentor)
    assert {r.status for r in MentorshipRequest.objects.filter(pk__in=[o.pk for o in others])} == {
        Status.CLOSED
    }


def test_accept_without_a_role_in_a_peer_program_closes_no_other_request(send, program, mentor):
    program.kind = Program.Kind.PEER
    program.save()
    accepted = send()
    other = send(mentor=mentor_in(program))
    request_accept(request=accepted, actor=mentor)
    other.refresh_from_db()
    assert other.status == Status.PENDING


def test_accept_leaves_other_mentees_requests_alone(send, program, mentor, mentor_p):
    accepted = send()
    elsewhere = MentorshipRequestFactory(mentor=mentor_p, mentee=mentee_in(program))
    request_accept(request=accepted, actor=mentor)
    elsewhere.refresh_from_db()
    assert elsewhere.status == Status.PENDING


# ---------------------------------------------------------------------------
# Ask for more information, and answer
# ---------------------------------------------------------------------------
def test_ask_info_waits_on_the_mentee_with_the_question_in_the_thread(send, mentor):
    request = request_ask_info(request=send(), actor=mentor, question="Which conference?")
    request.refresh_from_db()
    assert request.status == Status.PENDING
    assert request.waiting_on == WaitingOn.MENTEE
    assert request.answered_at is not None
    assert [(m.author, m.body) for m in request.messages.all()] == [(mentor, "Which conference?")]


def test_ask_info_notifies_the_mentee_with_the_question(send, mentor, mentee):
    request_ask_info(request=send(), actor=mentor, question="Which conference?")
    notification = Notification.objects.get(recipient=mentee)
    assert notification.title == "Mo Mentor asks a question about your request"
    assert notification.body == "Which conference?"


def test_ask_info_refuses_an_empty_question(send, mentor):
    request = send()
    with pytest.raises(DomainError, match="Write your question"):
        request_ask_info(request=request, actor=mentor, question="  ")
    assert not RequestMessage.objects.exists()


def test_answer_puts_the_request_back_with_the_mentor(send, mentor, mentee):
    request = request_ask_info(request=send(), actor=mentor, question="Which conference?")
    request_answer(request=request, actor=mentee, answer="PyCon, in May.")
    request.refresh_from_db()
    assert request.waiting_on == WaitingOn.MENTOR
    assert [m.body for m in request.messages.all()] == ["Which conference?", "PyCon, in May."]
    assert "Mia Mentee answered your question" in _titles(mentor)


def test_answer_is_refused_when_nothing_was_asked(send, mentee):
    request = send()
    with pytest.raises(DomainError) as error:
        request_answer(request=request, actor=mentee, answer="Unprompted")
    assert error.value.message == (
        "The mentor has not asked anything; the request is waiting for them."
    )
    assert not RequestMessage.objects.exists()


# ---------------------------------------------------------------------------
# Decline
# ---------------------------------------------------------------------------
def test_decline_records_the_reason_and_note(send, mentor):
    request = request_decline(
        request=send(), actor=mentor, reason=NO_TIME, note="  Launch season.  "
    )
    request.refresh_from_db()
    assert request.status == Status.DECLINED
    assert (request.decline_reason, request.decline_note) == (NO_TIME, "Launch season.")
    assert request.answered_at is not None
    assert request.closed_at is not None
    change = StateChange.objects.filter(request=request).last()
    assert (change.to_status, change.note, change.actor) == ("declined", "Launch season.", mentor)


def test_decline_tells_the_mentee_the_reason_and_note(send, mentor, mentee):
    request_decline(request=send(), actor=mentor, reason=NO_TIME, note="Launch season.")
    notification = Notification.objects.get(recipient=mentee)
    assert notification.title == "Mo Mentor cannot take your request"
    assert notification.body.startswith("I do not have the time right now. Launch season")
    assert notification.body.endswith("The directory has other mentors.")


def test_decline_note_ending_in_a_full_stop_is_not_doubled(send, mentor, mentee):
    request_decline(request=send(), actor=mentor, reason=NO_TIME, note="Launch season.")
    assert Notification.objects.get(recipient=mentee).body == (
        "I do not have the time right now. Launch season. The directory has other mentors."
    )


def test_decline_with_a_pause_sets_the_mentors_away_date(send, mentor, mentor_p):
    back = timezone.localdate() + timedelta(days=20)
    request_decline(request=send(), actor=mentor, reason=NO_TIME, pause_until=back)
    assert profile_of(mentor_p).away_until == back


def test_decline_without_a_pause_leaves_the_away_date_alone(send, mentor, mentor_p):
    request_decline(request=send(), actor=mentor, reason=NO_TIME)
    assert profile_of(mentor_p).away_until is None


def test_decline_refuses_a_pause_date_in_the_past(send, mentor, mentor_p):
    request = send()
    with pytest.raises(DomainError) as error:
        request_decline(
            request=request,
            actor=mentor,
            reason=NO_TIME,
            pause_until=timezone.localdate() - timedelta(days=1),
        )
    assert error.value.field == "pause_until"
    request.refresh_from_db()
    assert request.status == Status.PENDING
    assert profile_of(mentor_p).away_until is None


def test_decline_refuses_an_unknown_reason(send, mentor):
    request = send()
    with pytest.raises(DomainError) as error:
        request_decline(request=request, actor=mentor, reason="too_busy_golfing")
    assert error.value.field == "reason"
    request.refresh_from_db()
    assert request.status == Status.PENDING


# ---------------------------------------------------------------------------
# Redirect, and follow the suggestion
# ---------------------------------------------------------------------------
@pytest.fixture
def suggested(program) -> Participant:
    return mentor_in(program)


def test_redirect_suggests_another_mentor_of_the_program(send, mentor, mentee, suggested):
    request = request_redirect(request=send(), actor=mentor, suggested=suggested, note="Ask Sam.")
    request.refresh_from_db()
    assert request.status == Status.REDIRECTED
    assert request.redirected_to == suggested
    assert request.answered_at is not None
    name = suggested.user.get_full_name()
    assert _titles(mentee) == [f"Mo Mentor suggests you ask {name} instead"]


def test_redirect_refuses_the_same_mentor(send, mentor, mentor_p):
    request = send()
    with pytest.raises(DomainError, match="Suggest someone else"):
        request_redirect(request=request, actor=mentor, suggested=mentor_p)
    request.refresh_from_db()
    assert request.status == Status.PENDING


def test_redirect_refuses_someone_who_is_not_a_mentor(send, mentor, program):
    request = send()
    with pytest.raises(DomainError, match="Suggest an active mentor of this program"):
        request_redirect(
            request=request, actor=mentor, suggested=ParticipantFactory(program=program)
        )
    request.refresh_from_db()
    assert request.status == Status.PENDING


def test_redirect_refuses_a_mentor_of_another_program(send, mentor, program):
    request = send()
    elsewhere = mentor_in(ProgramFactory(organization=program.organization))
    with pytest.raises(DomainError, match="Suggest an active mentor of this program"):
        request_redirect(request=request, actor=mentor, suggested=elsewhere)
    request.refresh_from_db()
    assert request.status == Status.PENDING


def test_redirect_refuses_a_mentor_who_left_the_program(send, mentor, suggested):
    request = send()
    Participant.objects.filter(pk=suggested.pk).update(status=Participant.Status.WITHDRAWN)
    suggested.refresh_from_db()
    with pytest.raises(DomainError, match="Suggest an active mentor of this program"):
        request_redirect(request=request, actor=mentor, suggested=suggested)


def test_follow_redirect_sends_the_same_ask_to_the_suggested_mentor(
    send, mentor, mentee, suggested, goal, topic
):
    first = request_redirect(request=send(), actor=mentor, suggested=suggested)
    follow_up = request_follow_redirect(request=first, actor=mentee)
    assert follow_up.pk != first.pk
    assert follow_up.status == Status.PENDING
    assert follow_up.mentor == suggested
    assert follow_up.redirected_from == first
    assert list(follow_up.goals.all()) == [goal]
    assert follow_up.topic == topic
    assert follow_up.why_this_mentor.startswith("Mo Mentor suggested you.")


def test_follow_redirect_refuses_a_second_follow(send, mentor, mentee, suggested):
    first = request_redirect(request=send(), actor=mentor, suggested=suggested)
    follow_up = request_follow_redirect(request=first, actor=mentee)
    request_withdraw(request=follow_up, actor=mentee)
    with pytest.raises(DomainError) as error:
        request_follow_redirect(request=first, actor=mentee)
    assert error.value.message == "You followed this suggestion already."
    assert MentorshipRequest.objects.filter(mentor=suggested).count() == 1


def test_follow_redirect_refuses_a_request_that_was_not_redirected(send, mentee):
    request = send()
    with pytest.raises(DomainError, match="This request was not redirected"):
        request_follow_redirect(request=request, actor=mentee)


def test_the_mentor_cannot_follow_a_redirect(send, mentor, suggested):
    first = request_redirect(request=send(), actor=mentor, suggested=suggested)
    with pytest.raises(DomainError, match="Only the request's mentee"):
        request_follow_redirect(request=first, actor=mentor)


# ---------------------------------------------------------------------------
# Withdraw
# ---------------------------------------------------------------------------
def test_withdraw_by_the_mentee_closes_the_request(send, mentee):
    request = request_withdraw(request=send(), actor=mentee)
    request.refresh_from_db()
    assert request.status == Status.WITHDRAWN
    assert request.closed_at is not None
    assert request.answered_at is None
    change = StateChange.objects.filter(request=request).last()
    assert (change.from_status, change.to_status, change.actor) == ("pending", "withdrawn", mentee)


def test_withdraw_tells_the_mentor(send, mentor, mentee):
    request_withdraw(request=send(), actor=mentee)
    assert "Mia Mentee withdrew their request" in _titles(mentor)


# ---------------------------------------------------------------------------
# The wrong side, and a closed request
# ---------------------------------------------------------------------------
def _refuses(action: Callable[[], object], request: MentorshipRequest, words: str) -> None:
    with pytest.raises(DomainError) as error:
        action()
    assert words in error.value.message
    request.refresh_from_db()
    assert request.status == Status.PENDING
    assert request.waiting_on == WaitingOn.MENTOR


def test_the_mentee_cannot_accept(send, mentee):
    request = send()
    _refuses(lambda: request_accept(request=request, actor=mentee), request, "mentor can do")
    assert not Mentorship.objects.exists()


def test_the_mentee_cannot_decline(send, mentee):
    request = send()
    _refuses(
        lambda: request_decline(request=request, actor=mentee, reason=NO_TIME),
        request,
        "Only the request's mentor can do that.",
    )


def test_the_mentee_cannot_ask_for_information(send, mentee):
    request = send()
    _refuses(
        lambda: request_ask_info(request=request, actor=mentee, question="Me?"),
        request,
        "Only the request's mentor can do that.",
    )


def test_the_mentor_cannot_withdraw(send, mentor):
    request = send()
    _refuses(
        lambda: request_withdraw(request=request, actor=mentor),
        request,
        "Only the request's mentee can do that.",
    )


def test_the_mentor_cannot_answer(send, mentor):
    request = send()
    _refuses(
        lambda: request_answer(request=request, actor=mentor, answer="Me"),
        request,
        "Only the request's mentee can do that.",
    )


def test_an_outsider_cannot_accept(send, outsider):
    request = send()
    _refuses(lambda: request_accept(request=request, actor=outsider), request, "mentor can do")


@pytest.mark.parametrize(
    "act",
    [
        lambda r, mentor, mentee, other: request_accept(request=r, actor=mentor),
        lambda r, mentor, mentee, other: request_ask_info(request=r, actor=mentor, question="?"),
        lambda r, mentor, mentee, other: request_decline(request=r, actor=mentor, reason=NO_TIME),
        lambda r, mentor, mentee, other: request_redirect(request=r, actor=mentor, suggested=other),
        lambda r, mentor, mentee, other: request_withdraw(request=r, actor=mentee),
        lambda r, mentor, mentee, other: request_answer(request=r, actor=mentee, answer="!"),
    ],
    ids=["accept", "ask", "decline", "redirect", "withdraw", "answer"],
)
def test_every_action_refuses_a_withdrawn_request(send, mentor, mentee, suggested, act):
    request = request_withdraw(request=send(), actor=mentee)
    before = _written()
    with pytest.raises(DomainError) as error:
        act(request, mentor, mentee, suggested)
    assert error.value.message == "This request is withdrawn already."
    assert _written() == before
    request.refresh_from_db()
    assert request.status == Status.WITHDRAWN


def test_accept_refuses_an_accepted_request(send, mentor):
    request = send()
    request_accept(request=request, actor=mentor)
    with pytest.raises(DomainError, match="This request is accepted already."):
        request_accept(request=request, actor=mentor)
    assert Mentorship.objects.count() == 1


# ---------------------------------------------------------------------------
# PostgreSQL only: row locks decide, not luck
# ---------------------------------------------------------------------------
@pytest.mark.postgres
def test_request_actions_can_lock_the_request_row_on_postgresql(postgres, send, mentee):
    request = request_withdraw(request=send(), actor=mentee)
    assert request.status == Status.WITHDRAWN


# ---------------------------------------------------------------------------
# Two accepts at once (PostgreSQL only: row locks decide, not luck)
# ---------------------------------------------------------------------------
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_accepts_at_once_fill_a_one_seat_mentor_once(postgres, program, mentor):
    mentor_p = Participant.objects.get(user=mentor, program=program, role=Role.MENTOR)
    MentorProfileFactory(participant=mentor_p, capacity=1)
    requests = [
        MentorshipRequestFactory(mentor=mentor_p, mentee=mentee_in(program)) for _ in range(2)
    ]
    results = race([lambda r=r: request_accept(request=r, actor=mentor) for r in requests])
    assert sum(isinstance(r, Mentorship) for r in results) == 1
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(errors) == 1
    assert "capacity" in errors[0].message
    assert Mentorship.objects.filter(mentor=mentor_p).count() == 1
    statuses = sorted(MentorshipRequest.objects.values_list("status", flat=True))
    assert statuses == [Status.ACCEPTED, Status.PENDING]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_requests_sent_at_once_stay_within_the_pending_limit(postgres, program):
    program.max_pending_requests_per_mentee = 1
    program.save()
    mentee_p = mentee_in(program)
    goal = mentee_p.goals.get()
    topic = TopicFactory(organization=program.organization)

    def ask(mentor_p: Participant) -> MentorshipRequest:
        return request_create(
            mentee=mentee_p,
            mentor=mentor_p,
            goals=[goal],
            topic=topic,
            why_this_mentor="Your path is the one I hope to follow.",
        )

    mentors = [mentor_in(program), mentor_in(program)]
    results = race([lambda m=m: ask(m) for m in mentors])
    assert sum(isinstance(r, MentorshipRequest) for r in results) == 1
    assert sum(isinstance(r, DomainError) for r in results) == 1
    assert MentorshipRequest.objects.filter(mentee=mentee_p).count() == 1

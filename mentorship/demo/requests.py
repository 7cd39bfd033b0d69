"""Requests in every state, so inboxes and mentorship pages have content."""

from __future__ import annotations

from accounts.models import User
from goals.models import Goal
from matching.models import AdvisorRole, MentorProfile, MentorshipRequest
from matching.services.requests import (
    request_accept,
    request_ask_info,
    request_create,
    request_decline,
    request_redirect,
)
from programs.models import Participant, Program, Role, Topic


def requests_seed(*, program: Program, mentors: list[User], mentees: list[User]) -> None:
    if MentorshipRequest.objects.filter(program=program).exists():
        return
    people = {
        (p.user_id, p.role): p
        for p in Participant.objects.filter(program=program).select_related("user", "program")
    }

    def ask(mentee_no: int, mentor_no: int, role: str = "", *, then: int = 0) -> MentorshipRequest:
        """mentee_no asks mentor_no (and, if ``then``, the request can go on to that mentor)
        about a topic of their first goal that neither mentor lists under "cannot help with"."""
        mentee = people[(mentees[mentee_no - 1].pk, Role.MENTEE)]
        mentor = people[(mentors[mentor_no - 1].pk, Role.MENTOR)]
        goal = (
            Goal.objects.filter(owner=mentee, status=Goal.Status.ACTIVE)
            .order_by("position")
            .first()
        )
        assert goal is not None
        asked = [mentor.pk] + ([people[(mentors[then - 1].pk, Role.MENTOR)].pk] if then else [])
        cannot = MentorProfile.cannot_help_topics.through.objects.filter(
            mentorprofile__participant_id__in=asked
        ).values("topic_id")
        topics = Topic.objects.filter(organization_id=program.organization_id).exclude(
            pk__in=cannot
        )
        topic = (
            topics.filter(pk__in=goal.topics.values("pk")).order_by("name").first()
            or topics.order_by("name").first()
        )
        return request_create(
            mentee=mentee,
            mentor=mentor,
            goals=[goal],
            topic=topic,
            why_this_mentor="Your profile says you have done exactly what I am trying to do, and you offer coaching.",
            advisor_role=role,
        )

    ask(1, 6, AdvisorRole.TECHNICAL)  # mentee1's open ask for a second seat on the board
    ask(18, 1)  # waits in mentor1's inbox
    question = ask(16, 16)
    request_ask_info(request=question, actor=mentors[15], question="What have you tried so far?")
    ask(17, 17)
    request_decline(
        request=ask(19, 1),
        actor=mentors[0],
        reason=MentorshipRequest.DeclineReason.NOT_MY_AREA,
        note="Mentor 3 knows this far better than I do.",
    )
    request_redirect(
        request=ask(20, 2, then=3), actor=mentors[1], suggested=people[(mentors[2].pk, Role.MENTOR)]
    )
    request_accept(request=ask(21, 5), actor=mentors[4])

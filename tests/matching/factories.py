"""Factories for mentorship requests, and people ready to send or take one."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from goals.models import Goal
from matching.models import MentorProfile, MentorshipRequest
from programs.models import Participant, Program, Role
from tests.factories import ParticipantFactory
from tests.goals.factories import GoalFactory, MentorProfileFactory, TopicFactory


class MentorshipRequestFactory(factory.django.DjangoModelFactory):
    """A pending request; give mentor and mentee participants of the same program.

    It cites one new active goal of the mentee unless ``goals=[...]`` is given.
    """

    class Meta:
        model = MentorshipRequest
        skip_postgeneration_save = True

    mentor = factory.SubFactory(ParticipantFactory, role=Role.MENTOR)
    mentee = factory.SubFactory(
        ParticipantFactory, role=Role.MENTEE, program=factory.SelfAttribute("..mentor.program")
    )
    program = factory.SelfAttribute("mentor.program")
    topic = factory.SubFactory(
        TopicFactory, organization=factory.SelfAttribute("..program.organization")
    )
    why_this_mentor = "You built the kind of team I hope to lead one day."
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))

    @factory.post_generation
    def goals(self, create: bool, extracted: list[Goal] | None, **kwargs: object) -> None:
        if create:
            self.goals.set(extracted if extracted is not None else [GoalFactory(owner=self.mentee)])


def mentor_in(program: Program, **profile: object) -> Participant:
    """A new active mentor of ``program`` with a profile (capacity 2, accepting, unless given)."""
    participant = ParticipantFactory(program=program, role=Role.MENTOR)
    MentorProfileFactory(participant=participant, **profile)
    return participant


def mentee_in(program: Program) -> Participant:
    """A new active mentee of ``program`` with one active goal."""
    participant = ParticipantFactory(program=program, role=Role.MENTEE)
    GoalFactory(owner=participant)
    return participant


def profile_of(participant: Participant) -> MentorProfile:
    return MentorProfile.objects.get(participant=participant)

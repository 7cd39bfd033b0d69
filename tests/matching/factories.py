"""Factories for mentor and mentee profiles, contact windows, mentorships and requests, and
people ready to send or take one."""

from __future__ import annotations

from datetime import time, timedelta

import factory
from django.utils import timezone

from goals.models import Goal
from matching.models import MenteeProfile, MentorProfile, Mentorship, MentorshipRequest
from meetings.models import Availability, ContactWindow
from programs.models import Participant, Program, Role, Topic
from tests.goals.factories import GoalFactory
from tests.programs.factories import ParticipantFactory, TopicFactory


class MentorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorProfile
        skip_postgeneration_save = True

    participant = factory.SubFactory(ParticipantFactory, role=Role.MENTOR)
    headline = "Happy to help"
    capacity = 2

    @factory.post_generation
    def topics(self, create: bool, extracted: list[Topic] | None, **kwargs: object) -> None:
        if create and extracted:
            self.topics.set(extracted)


class MenteeProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MenteeProfile

    participant = factory.SubFactory(ParticipantFactory, role=Role.MENTEE)


class MentorshipFactory(factory.django.DjangoModelFactory):
    """An active mentorship; give mentor and mentee participants of the same program."""

    class Meta:
        model = Mentorship

    mentor = factory.SubFactory(ParticipantFactory, role=Role.MENTOR)
    mentee = factory.SubFactory(
        ParticipantFactory, role=Role.MENTEE, program=factory.SelfAttribute("..mentor.program")
    )
    program = factory.SelfAttribute("mentor.program")


class AvailabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Availability

    participant = factory.SubFactory(ParticipantFactory, role=Role.MENTOR)
    time_zone = "America/New_York"


class ContactWindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactWindow

    availability = factory.SubFactory(AvailabilityFactory)
    weekday = 0
    start_time = time(9, 0)
    end_time = time(11, 0)


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

"""Factories for goals, topics, mentor profiles, mentorships and contact windows."""

from __future__ import annotations

from datetime import time

import factory

from goals.models import Goal, GoalShare, GoalStep, ProgressUpdate
from matching.models import Availability, ContactWindow, MenteeProfile, MentorProfile, Mentorship
from programs.models import Organization, Role, Topic
from tests.factories import OrganizationFactory, ParticipantFactory


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Topic {n}")


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal
        skip_postgeneration_save = True

    owner = factory.SubFactory(ParticipantFactory, role=Role.MENTEE)
    title = factory.Sequence(lambda n: f"Goal {n}")
    # Appended after the owner's existing goals, as goal_create would place it.
    position = factory.LazyAttribute(lambda o: Goal.objects.filter(owner=o.owner).count())

    @factory.post_generation
    def topics(self, create: bool, extracted: list[Topic] | None, **kwargs: object) -> None:
        if create and extracted:
            self.topics.set(extracted)


class GoalStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoalStep

    goal = factory.SubFactory(GoalFactory)
    title = factory.Sequence(lambda n: f"Step {n}")


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    goal = factory.SubFactory(GoalFactory)
    author = factory.LazyAttribute(lambda o: o.goal.owner.user)
    note = factory.Sequence(lambda n: f"Update {n}")
    progress = 10


class GoalShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoalShare

    goal = factory.SubFactory(GoalFactory)
    mentor = factory.SubFactory("tests.factories.UserFactory")


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


def topics_of(organization: Organization, n: int) -> list[Topic]:
    return TopicFactory.create_batch(n, organization=organization)

"""Factories for mentor and mentee profiles, contact windows, mentorships and requests, and
people ready to send or take one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time, timedelta

import factory
from django.utils import timezone

from accounts.models import User
from goals.models import Goal
from matching.models import (
    Availability,
    ContactWindow,
    MenteeProfile,
    MentorProfile,
    Mentorship,
    MentorshipRequest,
)
from programs.models import Participant, Program, Role, Topic
from tests.goals.factories import GoalFactory
from tests.programs.factories import ParticipantFactory, TopicFactory

NEW_YORK = "America/New_York"
MONDAY_9_TO_11 = ((0, time(9), time(11)),)


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
    # A peer program gave the new peer a default profile on joining: this one stands instead.
    MentorProfile.objects.filter(participant=participant).delete()
    MentorProfileFactory(participant=participant, **profile)
    return participant


def mentee_in(program: Program) -> Participant:
    """A new active mentee of ``program`` with one active goal."""
    participant = ParticipantFactory(program=program, role=Role.MENTEE)
    GoalFactory(owner=participant)
    return participant


def profile_of(participant: Participant) -> MentorProfile:
    return MentorProfile.objects.get(participant=participant)


def make_mentor(
    program: Program,
    name: str,
    *,
    topics: Sequence[Topic] = (),
    cannot: Sequence[Topic] = (),
    help_offered: Sequence[str] = (),
    formats: Sequence[str] = (),
    department: str = "Sales",
    headline: str = "Happy to help",
    bio: str = "",
    capacity: int = 2,
    accepting: bool = True,
    away_until: date | None = None,
    seniority: str = "",
    zone: str = NEW_YORK,
    windows: Sequence[tuple[int, time, time]] = MONDAY_9_TO_11,
    user: User | None = None,
) -> Participant:
    """A mentor of ``program`` with a profile and, unless ``windows=()``, contact windows."""
    extra = {"user": user} if user else {"user__full_name": name, "user__department": department}
    participant: Participant = ParticipantFactory.create(program=program, role=Role.MENTOR, **extra)
    profile: MentorProfile = MentorProfileFactory.create(
        participant=participant,
        topics=list(topics),
        help_offered=list(help_offered),
        formats=list(formats),
        headline=headline,
        bio=bio,
        capacity=capacity,
        accepting_requests=accepting,
        away_until=away_until,
        seniority=seniority,
    )
    if cannot:
        profile.cannot_help_topics.set(cannot)
    if windows:
        availability = AvailabilityFactory(participant=participant, time_zone=zone)
        for weekday, start, end in windows:
            ContactWindowFactory(
                availability=availability, weekday=weekday, start_time=start, end_time=end
            )
    return participant

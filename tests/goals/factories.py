"""Factories for goals, their steps, progress updates and shares with mentors."""

from __future__ import annotations

import factory

from goals.models import Goal, GoalShare, GoalStep, ProgressUpdate
from programs.models import Role, Topic
from tests.accounts.factories import UserFactory
from tests.programs.factories import ParticipantFactory


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
    mentor = factory.SubFactory(UserFactory)

"""Fixtures the matching tests share: a paused mentorship, and a goal and topic to ask about."""

from __future__ import annotations

import pytest

from goals.models import Goal
from matching.models import Mentorship
from programs.models import Participant, Program, Topic
from tests.goals.factories import GoalFactory
from tests.programs.factories import TopicFactory


@pytest.fixture
def paused(mentorship: Mentorship) -> Mentorship:
    Mentorship.objects.filter(pk=mentorship.pk).update(status=Mentorship.Status.PAUSED)
    mentorship.refresh_from_db()
    return mentorship


@pytest.fixture
def goal(mentee_p: Participant) -> Goal:
    return GoalFactory(owner=mentee_p, title="Give a conference talk")


@pytest.fixture
def topic(program: Program) -> Topic:
    return TopicFactory(organization=program.organization, name="Public speaking")

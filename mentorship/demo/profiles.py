"""The organization's topics, and each mentor's profile with their boundaries: capacity,
what they cannot help with, contact windows in their own time zone and notice."""

from __future__ import annotations

import random
from datetime import time

from accounts.models import User
from matching.models import (
    AdvisorRole,
    Frequency,
    HelpKind,
    MeetingFormat,
    MentorProfile,
    Seniority,
)
from matching.services.profiles import availability_set, mentor_profile_update
from matching.windows import Window
from mentorship.demo.people import MENTORS
from mentorship.demo.programs import participants_by_person
from programs.models import Program, Role, Topic
from programs.services import topic_create

TOPICS = [
    "Public speaking",
    "System design",
    "Negotiating salary",
    "Career change",
    "People management",
    "Giving feedback",
    "Product strategy",
    "Data analysis",
    "Stakeholder management",
    "Time management",
    "Writing",
    "Cloud architecture",
    "Hiring and interviewing",
    "Sales craft",
    "UX research",
    "Personal finance",
    "Leading without authority",
    "Working across cultures",
    "Security basics",
    "Building a network",
]


def topics_seed(*, program: Program, admin: User) -> list[Topic]:
    """The organization's topic list, by name."""
    existing = {t.name for t in Topic.objects.filter(organization=program.organization)}
    for name in TOPICS:
        if name not in existing:
            topic_create(organization=program.organization, actor=admin, name=name)
    return list(Topic.objects.filter(organization=program.organization).order_by("name"))


def mentor_profiles_seed(
    *, program: Program, mentors: list[User], topics: list[Topic], rng: random.Random
) -> None:
    """A profile and contact windows for each mentor who has none yet."""
    participants = participants_by_person(program)
    help_kinds, formats = list(HelpKind.values), list(MeetingFormat.values)
    for number, user in enumerate(mentors):
        participant = participants[(user.pk, Role.MENTOR)]
        if MentorProfile.objects.filter(participant=participant).exists():
            continue
        name, zone, department, title = MENTORS[number]
        offered = rng.sample(topics, 4)
        mentor_profile_update(
            participant=participant,
            topics=offered,
            cannot_help_topics=[rng.choice([t for t in topics if t not in offered])],
            headline=f"{title} · happy to help with {department.lower()} questions",
            bio=f"{name.split()[0]} has worked in {department.lower()} for years and enjoys helping people find their next step.",
            seniority=rng.choice([Seniority.SENIOR, Seniority.LEAD, Seniority.EXECUTIVE]),
            years_experience=rng.randint(6, 25),
            help_offered=rng.sample(help_kinds, rng.randint(1, 3)),
            advisor_roles=rng.sample(list(AdvisorRole.values)[:4], 2),
            cannot_help_with="Visa and immigration questions." if number % 4 == 0 else "",
            capacity=[2, 2, 3, 1, 2][number % 5],
            accepting_requests=number % 7 != 6,
            formats=rng.sample(formats, rng.randint(2, 4)),
            preferred_frequency=rng.choice(
                [Frequency.BIWEEKLY, Frequency.MONTHLY, Frequency.MONTHLY]
            ),
            communication=rng.choice(MentorProfile.Communication.values),
        )
        start = [8, 9, 10, 13, 15][number % 5]
        windows = [
            Window(day, time(start, 0), time(start + 2, 0)) for day in rng.sample(range(5), 2)
        ]
        windows.append(Window(rng.randrange(5), time(start + 3, 30), time(start + 4, 30)))
        availability_set(
            participant=participant,
            time_zone=zone,
            minimum_notice_hours=[24, 24, 48, 12][number % 4],
            cancellation_notice_hours=24,
            windows=_merge_same_day(windows),
        )


def _merge_same_day(windows: list[Window]) -> list[Window]:
    """Drop a demo window that would overlap another on the same day."""
    kept: list[Window] = []
    for window in windows:
        if all(
            k.weekday != window.weekday or window.end <= k.start or window.start >= k.end
            for k in kept
        ):
            kept.append(window)
    return kept

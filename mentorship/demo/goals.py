"""Each mentee's profile and goals (steps, progress), and the first 15 mentees' mentorships,
with their first goal shared with their mentor."""

from __future__ import annotations

import random

from accounts.models import User
from goals.models import Goal
from goals.services import goal_create, goal_progress_add, goal_step_add, goal_step_toggle
from matching.models import AdvisorRole, HelpKind, MeetingFormat, Mentorship
from matching.services.profiles import goal_share_with_mentors, mentee_profile_update
from matching.services.start import mentorship_start
from mentorship.demo.programs import participants_by_person
from programs.models import Program, Role, Topic

# (title, why, horizon, steps) per mentee, picked round-robin.
GOAL_IDEAS = [
    (
        "Present with confidence to senior leaders",
        "I freeze in big meetings and my ideas get lost.",
        "short",
        [
            "Volunteer for the next team demo",
            "Record a 5-minute practice talk",
            "Ask for feedback from my lead",
        ],
    ),
    (
        "Move into product management within three years",
        "I enjoy the why more than the how.",
        "long",
        ["Shadow a PM for one sprint", "Read two books on product discovery"],
    ),
    (
        "Run effective one-on-ones with my new reports",
        "I start managing two people next month.",
        "short",
        [
            "Draft a one-on-one template",
            "Agree a cadence with each report",
            "Ask a manager how they run theirs",
        ],
    ),
    (
        "Build a network outside my department",
        "I only know my own team.",
        "long",
        ["Join the data guild meeting", "Have coffee with one person a month"],
    ),
    (
        "Ship the onboarding redesign this quarter",
        "It is my first project as lead.",
        "short",
        ["Write the project brief", "Agree scope with design", "Plan the rollout"],
    ),
    (
        "Negotiate my next raise with evidence",
        "I have never asked and I undersell my work.",
        "short",
        ["Collect my wins of the last year", "Research market ranges"],
    ),
]


def mentees_seed(
    *,
    program: Program,
    mentors: list[User],
    mentees: list[User],
    topics: list[Topic],
    rng: random.Random,
) -> None:
    """Profile, first mentorship and goals, mentee by mentee, for each mentee without goals."""
    participants = participants_by_person(program)
    help_kinds, formats = list(HelpKind.values), list(MeetingFormat.values)
    for number, user in enumerate(mentees):
        participant = participants[(user.pk, Role.MENTEE)]
        if Goal.objects.filter(owner=participant).exists():
            continue
        mentee_profile_update(
            participant=participant,
            help_wanted=rng.sample(help_kinds, rng.randint(1, 2)),
            formats=rng.sample(formats, 2),
            hours_per_month=rng.choice([2, 3, 4, 6]),
            note_to_mentors="I prepare an agenda before every meeting." if number % 3 == 0 else "",
        )
        # The first 15 mentees already work with a mentor, so sharing has someone to share with.
        mentor_participant = participants[(mentors[number % len(mentors)].pk, Role.MENTOR)]
        if number < 15 and not Mentorship.objects.filter(mentee=participant).exists():
            mentorship_start(
                mentor=mentor_participant, mentee=participant, advisor_role=AdvisorRole.CAREER
            )
        for index in range(1 + number % 3):
            title, why, horizon, steps = GOAL_IDEAS[(number + index) % len(GOAL_IDEAS)]
            goal = goal_create(
                owner=participant,
                title=title,
                why=why,
                horizon=horizon,
                timeframe="this quarter" if horizon == "short" else "next three years",
                topics=rng.sample(topics, 2),
            )
            for step_number, step in enumerate(steps):
                done = goal_step_add(goal=goal, title=step)
                if step_number == 0 and index == 0:
                    goal_step_toggle(step=done)
            if index == 0:
                goal_progress_add(
                    goal=goal, author=user, note="Got started: first step done.", progress=20
                )
            if number < 15 and index == 0:
                goal_share_with_mentors(
                    goal=goal, owner=user, mentor_ids=[mentor_participant.user_id]
                )

"""One small program of each kind the demo program is not, with people in it, so a visitor sees
all five: reverse mentoring, group circles and flash mentoring (the Leadership Circle is the
peer program, circle_seed)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from goals.services import goal_create
from matching.models import Frequency, MeetingFormat, Mentorship, MentorshipGroup, Seniority
from matching.services.profiles import mentor_profile_update
from matching.services.start import mentorship_start
from meetings.models import AgendaItem, Meeting
from meetings.services.together import circle_norms_set
from mentorship.demo.programs import member, participants_by_person
from programs.models import Organization, Program, Role, Topic
from programs.services import program_create

# (slug, name, kind, description, mentor numbers, mentee numbers): numbers index the demo's
# mentor1..20 and mentee1..40 (from 1). In reverse mentoring the juniors mentor the seniors.
KIND_PROGRAMS = (
    (
        "reverse-mentoring",
        "Reverse Mentoring",
        Program.Kind.REVERSE,
        "Early-career colleagues mentor senior leaders on new tools and how the company looks "
        "from where they sit.",
        {"mentees": (30, 31)},  # juniors as mentors
        {"mentors": (12, 13)},  # seniors as mentees
    ),
    (
        "new-managers-circles",
        "New Managers Circles",
        Program.Kind.GROUP,
        "One experienced manager and a small circle of new ones, meeting together monthly.",
        {"mentors": (14,)},
        {"mentees": (33, 34, 35)},
    ),
    (
        "flash-mentoring",
        "Flash Mentoring",
        Program.Kind.FLASH,
        "One focused conversation with someone who has done it before: no long commitment.",
        {"mentors": (15, 16)},
        {"mentees": (36, 37)},
    ),
)


def _people(
    numbers: Mapping[str, tuple[int, ...]], mentors: list[User], mentees: list[User]
) -> list[User]:
    ((pool, picked),) = numbers.items()
    everyone = mentors if pool == "mentors" else mentees
    return [everyone[n - 1] for n in picked]


def kinds_seed(
    *,
    organization: Organization,
    admin: User,
    mentors: list[User],
    mentees: list[User],
    topics: list[Topic],
) -> None:
    """Each program with its people, mentor profiles, a goal for each mentee, and one live
    relationship (the whole circle, in the group program)."""
    for slug, name, kind, description, as_mentors, as_mentees in KIND_PROGRAMS:
        if Program.objects.filter(slug=slug).exists():
            continue
        program = program_create(
            organization=organization,
            created_by=admin,
            slug=slug,
            name=name,
            description=description,
            kind=kind,
            starts_on=timezone.localdate() - timedelta(days=30),
            ends_on=timezone.localdate() + timedelta(days=335),
        )
        guides = _people(as_mentors, mentors, mentees)
        learners = _people(as_mentees, mentors, mentees)
        for user in guides:
            member(program, user, Role.MENTOR, admin)
        for user in learners:
            member(program, user, Role.MENTEE, admin)
        people = participants_by_person(program)
        for number, user in enumerate(guides):
            mentor_profile_update(
                participant=people[(user.pk, Role.MENTOR)],
                topics=topics[number : number + 3],
                headline=f"{user.job_title} · {name}",
                seniority=Seniority.EARLY if kind == Program.Kind.REVERSE else Seniority.LEAD,
                capacity=1 if kind == Program.Kind.GROUP else 3,  # one circle of six
            )
        for number, user in enumerate(learners):
            goal_create(
                owner=people[(user.pk, Role.MENTEE)],
                title=f"Learn what {name} is for",
                why="A fresh view of my work.",
                horizon="short",
                timeframe="this quarter",
                topics=topics[number : number + 2],
            )
        mentor = people[(guides[0].pk, Role.MENTOR)]
        paired = learners if kind == Program.Kind.GROUP else learners[:1]
        for user in paired:
            mentee = people[(user.pk, Role.MENTEE)]
            if not Mentorship.objects.filter(mentee=mentee).exists():
                mentorship_start(mentor=mentor, mentee=mentee)
        if kind == Program.Kind.GROUP:
            _circle_seed(MentorshipGroup.objects.get(mentor=mentor), learners)


def _circle_seed(circle: MentorshipGroup, learners: list[User]) -> None:
    """The circle's norms, a meeting held last week with notes, and the next one set."""
    leader = circle.mentor.user
    circle_norms_set(
        circle=circle,
        actor=leader,
        frequency=Frequency.BIWEEKLY,
        format=MeetingFormat.VIDEO,
        channel="https://meet.example.com/circle",
        between_meetings="Questions in the program's chat channel",
        meeting_minutes=60,
        other="Each meeting, one of us brings a real situation to work through.",
    )
    # History is written directly: scheduling refuses times in the past, and the demo's
    # mentor has no contact windows in this program.
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    held_at = now - timedelta(days=7)
    Meeting.objects.create(
        group=circle,
        starts_at=held_at,
        ends_at=held_at + timedelta(hours=1),
        status=Meeting.Status.HELD,
        proposed_by=leader,
        confirmed_at=held_at - timedelta(days=5),
        held_at=held_at + timedelta(hours=1),
        shared_notes="We each named one situation to bring next time.",
    )
    upcoming = Meeting.objects.create(
        group=circle,
        starts_at=now + timedelta(days=7),
        ends_at=now + timedelta(days=7, hours=1),
        status=Meeting.Status.CONFIRMED,
        proposed_by=leader,
        confirmed_at=now,
    )
    AgendaItem.objects.create(
        meeting=upcoming, author=learners[0], text="How do you say no to a senior colleague?"
    )

"""Reads of goals that views share."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Avg, Count, Prefetch, Q, QuerySet

from accounts.models import User
from goals.access import goals_visible_to
from goals.models import Goal, GoalShare, GoalStep
from programs.models import Participant, Program, Role


@dataclass
class GoalGroup:
    """One program's goals of one mentee, in their order."""

    participant: Participant
    goals: list[Goal] = field(default_factory=list)


def mentee_participations(*, user: User) -> QuerySet[Participant]:
    return (
        Participant.objects.filter(user=user, role=Role.MENTEE, status=Participant.Status.ACTIVE)
        .select_related("program", "program__organization")
        .order_by("program__name")
    )


def _with_details(goals: QuerySet[Goal]) -> QuerySet[Goal]:
    return goals.annotate(
        steps_total=Count("steps", distinct=True),
        steps_done=Count("steps", filter=Q(steps__done_at__isnull=False), distinct=True),
        share_count=Count("shares", distinct=True),
    ).prefetch_related("topics")


def goal_groups_for_user(*, user: User) -> list[GoalGroup]:
    """The person's own goals per program where they are a mentee, in priority order."""
    groups = {p.pk: GoalGroup(participant=p) for p in mentee_participations(user=user)}
    goals = _with_details(Goal.objects.filter(owner_id__in=groups)).order_by(
        "owner_id", "position", "id"
    )
    for goal in goals:
        groups[goal.owner_id].goals.append(goal)
    return list(groups.values())


def goal_group_for(*, participant: Participant) -> GoalGroup:
    goals = _with_details(Goal.objects.filter(owner=participant)).order_by("position", "id")
    return GoalGroup(participant=participant, goals=list(goals))


def goals_shared_with(*, user: User) -> QuerySet[Goal]:
    """Goals other people have shared with this mentor."""
    return (
        _with_details(goals_visible_to(user).exclude(owner__user=user))
        .select_related("owner__user", "owner__program")
        .order_by("owner__user__full_name", "position")
    )


def goal_detail(*, goal_id: int) -> Goal:
    return (
        Goal.objects.select_related("owner__user", "owner__program__organization")
        .prefetch_related(
            "topics",
            Prefetch("steps", queryset=GoalStep.objects.order_by("done_at", "due_on", "id")),
            "updates__author",
            Prefetch("shares", queryset=GoalShare.objects.select_related("mentor")),
        )
        .get(pk=goal_id)
    )


def goal_figures_for_program(*, program: Program) -> dict[str, object]:
    """What admins may see of goals: counts and progress, never the goals themselves."""
    goals = Goal.objects.filter(owner__program=program, owner__status=Participant.Status.ACTIVE)
    figures = goals.aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(status=Goal.Status.ACTIVE)),
        draft=Count("id", filter=Q(status=Goal.Status.DRAFT)),
        achieved=Count("id", filter=Q(status=Goal.Status.ACHIEVED)),
        dropped=Count("id", filter=Q(status=Goal.Status.DROPPED)),
        average_progress=Avg("progress", filter=Q(status=Goal.Status.ACTIVE)),
    )
    mentees = Participant.objects.filter(
        program=program, role=Role.MENTEE, status=Participant.Status.ACTIVE
    )
    figures["mentees"] = mentees.count()
    figures["mentees_without_goals"] = mentees.filter(goals__isnull=True).count()
    return figures

"""Who may see which goal: its owner, and mentors it is shared with. Nobody else, admins included."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext

from accounts.models import User
from goals.models import Goal, GoalShare, GoalStep
from programs.models import Participant, Role


def goals_visible_to(user: User) -> QuerySet[Goal]:
    shared = GoalShare.objects.filter(goal=OuterRef("pk"), mentor=user)
    # A share counts only while its mentor is still an active mentor of the goal's program:
    # withdrawing someone from a program takes their view of its goals with it.
    still_mentor = Participant.objects.filter(
        user=user,
        program=OuterRef("owner__program"),
        role=Role.MENTOR,
        status=Participant.Status.ACTIVE,
    )
    return Goal.objects.filter(Q(owner__user=user) | (Q(Exists(shared)) & Q(Exists(still_mentor))))


def get_goal_for_user(user: User, pk: int) -> Goal:
    """A goal this person owns or has been shared; 404 otherwise."""
    goal = (
        goals_visible_to(user).select_related("owner__program", "owner__user").filter(pk=pk).first()
    )
    if goal is None:
        raise Http404("No such goal.")
    return goal


def get_goal_rw_for_user(user: User, pk: int) -> Goal:
    """A goal this person owns; 403 for a mentor it is only shared with; 404 otherwise."""
    goal = get_goal_for_user(user, pk)
    if goal.owner.user_id != user.pk:
        raise PermissionDenied(gettext("Only the goal's owner can change it."))
    return goal


def get_step_rw_for_user(user: User, pk: int) -> GoalStep:
    step = GoalStep.objects.select_related("goal__owner__user").filter(pk=pk).first()
    if step is None or not goals_visible_to(user).filter(pk=step.goal_id).exists():
        raise Http404("No such step.")
    if step.goal.owner.user_id != user.pk:
        raise PermissionDenied(gettext("Only the goal's owner can change its steps."))
    return step

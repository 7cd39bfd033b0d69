"""Writes to goals: create, order, step, update, share."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from goals.models import Goal, GoalShare, GoalStep, ProgressUpdate
from mentorship.errors import DomainError
from mentorship.validators import single_line
from notifications.services import notifications_resolve
from programs.models import Participant, Role, Topic

# The key of a notification that asks someone to write down a goal (``notify(resolved_by=...)``).
GOAL_PROMPT = "goals:first"
GOAL_FIELDS = ("title", "why", "horizon", "target_date", "timeframe", "status")

# The guided start's prompts: (key, label, example, horizon).
GUIDED_PROMPTS: tuple[tuple[str, Any, Any, str], ...] = (
    (
        "skill",
        _("A skill to develop"),
        _("e.g. “Present with confidence to senior leaders”"),
        Goal.Horizon.SHORT,
    ),
    (
        "career",
        _("A career path for the next three to five years"),
        _("e.g. “Move from engineering into product management”"),
        Goal.Horizon.LONG,
    ),
    (
        "managing",
        _("Managerial skills"),
        _("e.g. “Run effective one-on-ones with my first direct reports”"),
        Goal.Horizon.SHORT,
    ),
    (
        "network",
        _("A network to build"),
        _("e.g. “Know three people in our data team and one outside the company”"),
        Goal.Horizon.LONG,
    ),
    (
        "project",
        _("A project to deliver"),
        _("e.g. “Ship the onboarding redesign by the end of the quarter”"),
        Goal.Horizon.SHORT,
    ),
)


def _check_owner(owner: Participant) -> None:
    if owner.role != Role.MENTEE or owner.status != Participant.Status.ACTIVE:
        raise DomainError(gettext("Goals belong to active mentees of a program."))


def _check_topics(owner: Participant, topics: Iterable[Topic]) -> list[Topic]:
    topics = list(topics)
    organization_id = owner.program.organization_id
    foreign = [t.name for t in topics if t.organization_id != organization_id]
    if foreign:
        raise DomainError(
            gettext("%(topics)s is not on this program's topic list.")
            % {"topics": ", ".join(foreign)},
            field="topics",
        )
    return topics


def _check_values(values: dict[str, Any]) -> None:
    unknown = set(values) - set(GOAL_FIELDS)
    if unknown:
        raise TypeError(f"unknown goal fields {sorted(unknown)}")
    if "title" in values:
        values["title"] = " ".join(single_line(str(values["title"])).split())
        if not values["title"]:
            raise DomainError(gettext("A goal needs a title."), field="title")
    if values.get("status") and values["status"] not in Goal.Status.values:
        raise DomainError(gettext("Pick a status from the list."), field="status")
    target = values.get("target_date")
    if isinstance(target, date) and target < timezone.localdate() - timedelta(days=366):
        raise DomainError(
            gettext("The target date is more than a year in the past."), field="target_date"
        )


@transaction.atomic
def goal_create(*, owner: Participant, topics: Iterable[Topic] = (), **values: Any) -> Goal:
    """Add a goal at the end of the owner's list in that program."""
    _check_owner(owner)
    _check_values(values)
    checked = _check_topics(owner, topics)
    # Lock the owner's row so that two creates at once do not take the same position.
    Participant.objects.select_for_update().filter(pk=owner.pk).first()
    last = Goal.objects.filter(owner=owner).aggregate(last=Max("position"))["last"]
    goal = Goal.objects.create(owner=owner, position=0 if last is None else last + 1, **values)
    goal.topics.set(checked)
    # "Write down a goal" is done: such a prompt no longer waits in their notifications.
    notifications_resolve(recipient_id=owner.user_id, key=GOAL_PROMPT)
    return goal


@transaction.atomic
def goal_update(*, goal: Goal, topics: Iterable[Topic] | None = None, **values: Any) -> Goal:
    """Change a goal's text, horizon, dates, status or topics."""
    _check_values(values)
    for key, value in values.items():
        setattr(goal, key, value)
    _mark_achieved(goal)
    goal.save()
    if topics is not None:
        goal.topics.set(_check_topics(goal.owner, topics))
    return goal


@transaction.atomic
def goal_set_status(*, goal: Goal, status: str) -> Goal:
    """Activate a draft, or mark a goal achieved or dropped."""
    if status not in Goal.Status.values:
        raise DomainError(gettext("Pick a status from the list."), field="status")
    goal.status = status
    _mark_achieved(goal)
    goal.save(update_fields=["status", "progress", "achieved_at", "updated_at"])
    return goal


def _mark_achieved(goal: Goal) -> None:
    """Achieved means all the way, however it was marked, and since when; otherwise no date."""
    if goal.status == Goal.Status.ACHIEVED:
        goal.progress = 100
        goal.achieved_at = goal.achieved_at or timezone.now()
    else:
        goal.achieved_at = None


def _renumber(owner: Participant, ordered: Sequence[Goal]) -> None:
    changed = []
    for position, goal in enumerate(ordered):
        if goal.position != position:
            goal.position = position
            changed.append(goal)
    Goal.objects.bulk_update(changed, ["position"])


@transaction.atomic
def goal_move(*, goal: Goal, direction: str) -> Goal:
    """Move a goal one place up or down in its owner's list."""
    if direction not in ("up", "down"):
        raise DomainError(gettext("A goal moves up or down."))
    ordered = list(
        Goal.objects.select_for_update().filter(owner_id=goal.owner_id).order_by("position", "id")
    )
    index = next(i for i, g in enumerate(ordered) if g.pk == goal.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    _renumber(goal.owner, ordered)
    return next(g for g in ordered if g.pk == goal.pk)


@transaction.atomic
def goal_reorder(*, owner: Participant, goal_ids: Sequence[int]) -> list[Goal]:
    """Put the owner's goals in exactly this order (from dragging)."""
    ordered = list(Goal.objects.select_for_update().filter(owner=owner).order_by("position", "id"))
    by_id = {g.pk: g for g in ordered}
    if sorted(goal_ids) != sorted(by_id) or len(set(goal_ids)) != len(goal_ids):
        raise DomainError(
            gettext("The new order must list each of your goals in this program once.")
        )
    result = [by_id[pk] for pk in goal_ids]
    _renumber(owner, result)
    return result


@transaction.atomic
def goal_step_add(*, goal: Goal, title: str, due_on: date | None = None) -> GoalStep:
    """Add an actionable next step to a goal."""
    title = " ".join(single_line(title).split())
    if not title:
        raise DomainError(gettext("A step needs a description."), field="title")
    return GoalStep.objects.create(goal=goal, title=title[:200], due_on=due_on)


@transaction.atomic
def goal_step_toggle(*, step: GoalStep) -> GoalStep:
    """Mark a step done, or not done again."""
    step.done_at = None if step.done_at else timezone.now()
    step.save(update_fields=["done_at", "updated_at"])
    return step


@transaction.atomic
def goal_step_delete(*, step: GoalStep) -> None:
    step.delete()


@transaction.atomic
def goal_progress_add(*, goal: Goal, author: User, note: str, progress: int) -> ProgressUpdate:
    """Record a dated progress note; the goal takes the new progress value."""
    note = note.strip()
    if not note:
        raise DomainError(gettext("Say what happened: the note is empty."), field="note")
    if not 0 <= progress <= 100:
        raise DomainError(gettext("Progress is a percentage from 0 to 100."), field="progress")
    update = ProgressUpdate.objects.create(goal=goal, author=author, note=note, progress=progress)
    goal.progress = progress
    goal.save(update_fields=["progress", "updated_at"])
    return update


@transaction.atomic
def goals_from_guided_start(*, owner: Participant, answers: dict[str, str]) -> list[Goal]:
    """Turn the guided start's answers into draft goals, in the prompts' order."""
    _check_owner(owner)
    created = []
    for key, label, _example, horizon in GUIDED_PROMPTS:
        answer = (answers.get(key) or "").strip()
        if not answer:
            continue
        first_line = answer.splitlines()[0].strip()
        title = first_line if len(first_line) <= 150 else first_line[:147].rstrip() + "…"
        created.append(
            goal_create(
                owner=owner,
                title=title,
                why=f"{label}: {answer}",
                horizon=horizon,
                status=Goal.Status.DRAFT,
            )
        )
    if not created:
        raise DomainError(gettext("Write at least one answer; any of the five will do."))
    return created


@transaction.atomic
def goal_shares_set(*, goal: Goal, mentors: Iterable[User]) -> list[User]:
    """Share the goal with exactly these people, unsharing everyone else.

    Callers pass only the owner's own mentors (matching.services.goal_share_with_mentors
    decides who those are); this function keeps the rows in step with that list.
    """
    wanted = {m.pk: m for m in mentors}
    current = set(GoalShare.objects.filter(goal=goal).values_list("mentor_id", flat=True))
    GoalShare.objects.filter(goal=goal).exclude(mentor_id__in=wanted).delete()
    GoalShare.objects.bulk_create(
        [GoalShare(goal=goal, mentor=m) for pk, m in wanted.items() if pk not in current]
    )
    return list(wanted.values())

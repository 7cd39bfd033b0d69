"""Check-ins: a regular pulse from both people in every active mentorship.

`checkins_open_due` opens one due CheckIn per person when a program period starts (calendar
blocks of `Program.checkin_cadence_months` months from January) and puts the nudges in the
notifications ledger; the answer services close them. Only the check-in's own person may see
or change it (admins included: they get aggregate figures, see `checkin_figures`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from goals.models import Goal
from matching.models import MentorProfile, Mentorship
from meetings.checkin_privacy import answers_by_period, answers_overall, comments_for_admins
from meetings.models import CheckIn
from mentorship.errors import DomainError
from notifications.models import Delivery, Notification, Reminder
from notifications.reminders import Due, keyset_batches, reminders_schedule_many, timing
from notifications.services import notify
from programs.events import emit
from programs.models import Program

BATCH = 500
SCALE = range(1, 6)


# Periods (pure) --------------------------------------------------------------------------------


def period_of(day: date, cadence_months: int) -> tuple[str, date]:
    """The period ``day`` falls in and the day it started: ("2026-Q4", 2026-10-01). Pure."""
    cadence = max(1, min(12, cadence_months))
    index = (day.month - 1) // cadence
    start = date(day.year, index * cadence + 1, 1)
    if cadence == 12:
        key = f"{day.year}"
    elif cadence == 6:
        key = f"{day.year}-H{index + 1}"
    elif cadence == 3:
        key = f"{day.year}-Q{index + 1}"
    elif cadence == 1:
        key = f"{day.year}-{start.month:02d}"
    else:
        key = f"{day.year}-P{start.month:02d}"  # the month the block starts in
    return key, start


# Access ----------------------------------------------------------------------------------------


def checkins_of(user: User) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(person=user)


def get_checkin_for_user(user: User, pk: int) -> CheckIn:
    """The check-in if it is ``user``'s own; 404 otherwise (the other person and admins too)."""
    checkin = (
        checkins_of(user)
        .select_related(
            "mentorship__mentor__user", "mentorship__mentee__user", "mentorship__program"
        )
        .filter(pk=pk)
        .first()
    )
    if checkin is None:
        raise Http404("No such check-in.")
    return checkin


def other_person(checkin: CheckIn) -> User:
    other = checkin.mentorship.other_person(checkin.person_id)
    assert other is not None  # a check-in belongs to one of the two
    return other


# Selectors -------------------------------------------------------------------------------------


def checkin_goals(*, checkin: CheckIn) -> list[Goal]:
    """The mentee's goals shared with this mentor: what both people report progress on."""
    mentorship = checkin.mentorship
    return list(
        Goal.objects.filter(
            owner_id=mentorship.mentee_id,
            shares__mentor_id=mentorship.mentor.user_id,
            status__in=[Goal.Status.ACTIVE, Goal.Status.ACHIEVED],
        ).order_by("position", "id")
    )


def shared_comment_for(*, checkin: CheckIn) -> CheckIn | None:
    """The other person's answer this period, if they shared a comment with this person."""
    return (
        CheckIn.objects.filter(
            mentorship_id=checkin.mentorship_id,
            period_key=checkin.period_key,
            status=CheckIn.Status.ANSWERED,
            comment_visibility=CheckIn.Visibility.SHARED,
        )
        .exclude(person_id=checkin.person_id)
        .exclude(comment="")
        .first()
    )


def checkins_due(*, user: User) -> QuerySet[CheckIn]:
    """The person's check-ins waiting for an answer this period."""
    return checkins_of(user).filter(status=CheckIn.Status.DUE)


def checkin_list_for_user(*, user: User, recent: int = 10) -> tuple[list[CheckIn], list[CheckIn]]:
    """My due check-ins, and my most recent answered or skipped ones."""
    base = checkins_of(user).select_related(
        "mentorship__mentor__user", "mentorship__mentee__user", "mentorship__program"
    )
    due = list(base.filter(pk__in=checkins_due(user=user)).order_by("due_on", "id"))
    done = list(base.exclude(status=CheckIn.Status.DUE).order_by("-due_on", "-id")[:recent])
    return due, done


@dataclass(frozen=True)
class Figures:
    total: int
    answered: int
    revisit: int | None  # None, like the averages, when withheld
    satisfaction: float | None
    energy: float | None
    withheld: str | None = None  # why the averages are not shown, when they are not

    @property
    def answered_share(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


@dataclass(frozen=True)
class PeriodForAdmins:
    period: str
    comments: list[str]
    withheld: str | None  # why the period's comments are not shown, when they are not


def checkin_figures(*, program: Program) -> tuple[Figures, list[PeriodForAdmins]]:
    """A program's aggregate figures, and the comments written for admins only, latest period
    first, by the one privacy rule of `meetings.checkin_privacy` (three queries).

    Comments shared with the other person belong to the pair and are never shown here.
    """
    rows = CheckIn.objects.filter(mentorship__program=program)
    overall = answers_overall(checkins=rows)
    figures = Figures(
        total=overall.asked,
        answered=overall.answered,
        revisit=overall.revisit,
        satisfaction=overall.satisfaction,
        energy=overall.energy,
        withheld=overall.withheld,
    )
    periods = [group for group in answers_by_period(checkins=rows) if group.answered][::-1]
    texts: dict[str, list[str]] = {group.group: [] for group in periods}
    for key, comment in comments_for_admins(checkins=rows, latest_first=True)[:50]:
        texts[key].append(comment)
    for_admins = [
        PeriodForAdmins(group.group, texts[group.group], group.withheld)
        for group in periods
        if texts[group.group] or group.withheld
    ]
    return figures, for_admins


# Answering -------------------------------------------------------------------------------------


def _close_nudges(checkin: CheckIn) -> None:
    """Pending nudges for a closed check-in would only nag: they are suppressed."""
    Delivery.objects.filter(
        recipient_id=checkin.person_id,
        kind=Reminder.CHECK_IN,
        subject_key=f"checkin:{checkin.pk}",
        state=Delivery.State.PENDING,
    ).update(state=Delivery.State.SUPPRESSED, updated_at=timezone.now())


def _claim(checkin: CheckIn, person: User) -> CheckIn:
    if checkin.person_id != person.pk:
        raise DomainError(_("Only the person it was asked of can answer this check-in."))
    locked = CheckIn.objects.select_for_update().get(pk=checkin.pk)
    if locked.status != CheckIn.Status.DUE:
        raise DomainError(
            _("This check-in is already %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    return locked


# The refusals of each 1-to-5 answer: (none given, off the scale).
_SCALE_REFUSALS = {
    "satisfaction": (
        gettext_lazy("Choose how satisfied you are, from 1 to 5."),
        gettext_lazy("Choose how satisfied you are on the scale from 1 to 5."),
    ),
    "energy": (
        gettext_lazy("Choose how much energy it gives you, from 1 to 5."),
        gettext_lazy("Choose how much energy it gives you on the scale from 1 to 5."),
    ),
}


def _scale(value: Any, field: str) -> int:
    missing, off_scale = _SCALE_REFUSALS[field]
    if value in (None, ""):
        raise DomainError(str(missing), field=field)
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number not in SCALE:
        raise DomainError(str(off_scale), field=field)
    return number


@transaction.atomic
def checkin_answer(
    *,
    checkin: CheckIn,
    person: User,
    satisfaction: int,
    energy: int,
    norms_fit: str,
    comment: str = "",
    comment_visibility: str = CheckIn.Visibility.SHARED,
    goal_progress: dict[int, int] | None = None,
    now: datetime | None = None,
) -> CheckIn:
    """Answer one's own due check-in; 'revisit' tells the other person the norms need a look."""
    locked = _claim(checkin, person)
    satisfaction = _scale(satisfaction, "satisfaction")
    energy = _scale(energy, "energy")
    if norms_fit not in CheckIn.NormsFit.values:
        raise DomainError(_("Say whether your agreement still fits."), field="norms_fit")
    if comment_visibility not in CheckIn.Visibility.values:
        raise DomainError(_("Choose who may read your comment."), field="comment_visibility")
    allowed = {goal.pk: goal for goal in checkin_goals(checkin=checkin)}
    progress: dict[str, int] = {}
    for goal_id, value in (goal_progress or {}).items():
        if goal_id not in allowed:
            raise DomainError(_("That goal is not one shared in this mentorship."))
        field = f"goal_{goal_id}"
        if not isinstance(value, int) or not 0 <= value <= 100:
            raise DomainError(
                _("Progress on “%(title)s” is a percentage from 0 to 100.")
                % {"title": allowed[goal_id].title},
                field=field,
            )
        progress[str(goal_id)] = value
    locked.status = CheckIn.Status.ANSWERED
    locked.satisfaction = satisfaction
    locked.energy = energy
    locked.norms_fit = norms_fit
    locked.comment = comment.strip()
    locked.comment_visibility = comment_visibility
    locked.goal_progress = progress
    locked.answered_at = now or timezone.now()
    locked.save()
    # Who answered and when: never the answers, which stay behind the privacy threshold.
    emit(
        checkin.mentorship.program,
        "checkin.answered",
        checkin=locked.pk,
        mentorship=locked.mentorship_id,
        period=locked.period_key,
    )
    _close_nudges(locked)
    if norms_fit == CheckIn.NormsFit.REVISIT:
        notify(
            recipient=other_person(checkin),
            kind=Notification.Kind.MENTORSHIP,
            title=format_lazy(
                gettext_lazy("{name} would like to revisit your agreement"),
                name=person.get_full_name(),
            ),
            body=gettext_lazy(
                "Look at how often you meet, how, and what happens in between, together."
            ),
            link=reverse("meetings:agreement", kwargs={"pk": checkin.mentorship_id}),
        )
    locked.mentorship = checkin.mentorship
    return locked


@transaction.atomic
def checkin_skip(*, checkin: CheckIn, person: User) -> CheckIn:
    """Skip one's own due check-in for this period; no more nudges for it."""
    locked = _claim(checkin, person)
    locked.status = CheckIn.Status.SKIPPED
    locked.save(update_fields=["status", "updated_at"])
    _close_nudges(locked)
    locked.mentorship = checkin.mentorship
    return locked


# The final check-in ----------------------------------------------------------------------------

FINAL = "final"


def checkins_open_final(*, mentorships: list[Mentorship], now: datetime | None = None) -> int:
    """A last check-in for both people of each mentorship that just ended (the program closed);
    how many were opened.

    The period scan opens check-ins for active mentorships only; this opens a "final" period's
    check-in whatever the mentorship's state, once per person (the unique key makes a second call
    a no-op). It is answered or skipped like any other; the caller tells the people.
    """
    if not mentorships:
        return 0
    now = now or timezone.now()
    ids = [m.pk for m in mentorships]
    rows = [
        CheckIn(
            mentorship=mentorship,
            person_id=user_id,
            period_key=FINAL,
            due_on=timezone.localdate(now),
            created_at=now,
        )
        for mentorship in mentorships
        for user_id in (mentorship.mentor.user_id, mentorship.mentee.user_id)
    ]
    existing = CheckIn.objects.filter(mentorship_id__in=ids, period_key=FINAL).count()
    CheckIn.objects.bulk_create(rows, ignore_conflicts=True)
    return CheckIn.objects.filter(mentorship_id__in=ids, period_key=FINAL).count() - existing


# The scan --------------------------------------------------------------------------------------


def _open(now: datetime) -> int:
    """One due check-in per person in every active mentorship, for the period ``now`` is in."""
    today = timezone.localdate(now)
    # A flash session is one conversation: no periodic check-ins.
    active = Mentorship.objects.filter(
        status=Mentorship.Status.ACTIVE, single_session=False
    ).select_related("program", "mentor", "mentee")
    opened = 0
    for batch in keyset_batches(active, BATCH):
        rows = []
        for mentorship in batch:
            key, start = period_of(today, mentorship.program.checkin_cadence_months)
            # A relationship that began during this period has its first pulse next period.
            if timezone.localdate(mentorship.started_at) >= start:
                continue
            for user_id in (mentorship.mentor.user_id, mentorship.mentee.user_id):
                rows.append(
                    CheckIn(
                        mentorship=mentorship,
                        person_id=user_id,
                        period_key=key,
                        due_on=start,
                        created_at=now,  # the nudges count from here (scans may pass `now`)
                    )
                )
        # The unique (mentorship, person, period) makes a second scan, or a second worker, a no-op.
        CheckIn.objects.bulk_create(rows, ignore_conflicts=True)
        opened += len(rows)
    return opened


def _nudge(now: datetime) -> int:
    """Ledger rows: a first nudge, and another if still unanswered "checkin_again_after" later (older ones than
    "checkin_nudge_window" are left alone)."""
    unanswered = CheckIn.objects.filter(
        status=CheckIn.Status.DUE,
        created_at__gt=now - timing("checkin_nudge_window"),
        mentorship__status=Mentorship.Status.ACTIVE,
    ).select_related("mentorship__mentor__user", "mentorship__mentee__user")
    found = 0
    for batch in keyset_batches(unanswered, BATCH):
        mentor_ids = {c.mentorship.mentor.user_id for c in batch}
        away = set(
            MentorProfile.objects.filter(
                participant__user_id__in=mentor_ids, away_until__gt=timezone.localdate(now)
            ).values_list("participant__user_id", flat=True)
        )
        items = []
        for checkin in batch:
            if checkin.person_id in away:
                continue
            other = other_person(checkin)
            pair = checkin.mentorship
            me = pair.mentor.user if pair.mentor.user_id == checkin.person_id else pair.mentee.user
            link = reverse("meetings:checkin", kwargs={"pk": checkin.pk})
            subject = f"checkin:{checkin.pk}"
            title = format_lazy(
                gettext_lazy("Check-in: how is it going with {name}?"), name=other.get_full_name()
            )
            body = gettext_lazy(
                "Two minutes: how satisfied you are, your energy, and progress on goals."
            )
            items.append(
                Due(
                    checkin.person_id,
                    Reminder.CHECK_IN,
                    subject,
                    "first",
                    title,
                    now,
                    body,
                    link,
                    language=me.language_code,
                )
            )
            if checkin.created_at + timing("checkin_again_after") <= now:
                items.append(
                    Due(
                        checkin.person_id,
                        Reminder.CHECK_IN,
                        subject,
                        "again",
                        format_lazy(gettext_lazy("Reminder: {title}"), title=title),
                        now,
                        body,
                        link,
                        language=me.language_code,
                    )
                )
        reminders_schedule_many(items)
        found += len(items)
    return found


def checkins_open_due(*, now: datetime | None = None) -> int:
    """Open this period's check-ins and schedule their nudges; safe to run any number of times."""
    now = now or timezone.now()
    return _open(now) + _nudge(now)

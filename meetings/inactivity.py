"""The inactivity rule of each program: a quiet mentorship is flagged stalled and both people are
nudged; if the program says so, one still quiet some days after the nudge is closed as "inactive".

**Activity** is anything either of the two people does in the mentorship. Its last moment is the
latest of:

- the mentorship's start, or its last resume (by anyone: a pause stops the clock);
- a change either person made: a meeting proposed, confirmed, rescheduled, held or cancelled,
  a pause, an end date set (a StateChange whose actor is the mentor or the mentee);
- shared notes written on a meeting (that meeting's last change);
- an agenda question added;
- an action item added or ticked off;
- advice recorded, or reported back on;
- a thank-you or a win shared, or feedback left after a meeting;
- the norms proposed or confirmed;
- a check-in answered.

Not activity: private notes (admins learn nothing from them, not even that one exists), the
software's own changes (a meeting marked missed, reminders and nudges), and admins' actions.

Each scan, for every active mentorship (paused ones, and those whose mentor is away, wait; a
flag from before a pause or an absence is cleared, so the nudge comes again before any closing):

1. no activity for ``Program.stalled_after_days`` → flagged (``Mentorship.stalled_since`` = now)
   and both people get a nudge through the ledger (kind "admin_nudge", once per quiet spell);
2. flagged, and activity since → the flag is cleared;
3. flagged for ``Program.auto_close_after_days`` (when set) with no activity since → ended with
   the reason "inactive", both people told.

Every step is safe to repeat: flags are set once, the ledger sends a nudge once, and only active
mentorships close.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.db import transaction
from django.db.models import F, Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from matching.models import ClosingReason, Mentorship, StateChange
from matching.selectors import away_mentor_user_ids
from matching.services.mentorships import mentorships_close_many, tell_both_closed
from meetings.models import (
    ActionItem,
    Advice,
    AgendaItem,
    Agreement,
    Appreciation,
    CheckIn,
    Meeting,
    MeetingFeedback,
)
from notifications.models import Reminder
from notifications.reminders import Due, keyset_batches, reminders_schedule_many

BATCH = 500


class Step(StrEnum):
    KEEP = "keep"
    FLAG = "flag"
    CLEAR = "clear"
    CLOSE = "close"


def inactivity_step(
    *,
    last_activity: datetime,
    stalled_since: datetime | None,
    now: datetime,
    stalled_after: timedelta,
    close_after: timedelta | None,
) -> Step:
    """What the rule does to one active mentorship now. Pure."""
    if stalled_since is not None and last_activity > stalled_since:
        # Something happened since the nudge; a long time ago, perhaps, so it may be quiet again.
        return Step.FLAG if now - last_activity >= stalled_after else Step.CLEAR
    if stalled_since is None:
        return Step.FLAG if now - last_activity >= stalled_after else Step.KEEP
    if close_after is not None and now - stalled_since >= close_after:
        return Step.CLOSE
    return Step.KEEP


def _latest(rows: QuerySet, key: str, moment: str) -> Iterable[tuple[int, datetime]]:
    return (
        rows.values(key).annotate(last=Max(moment)).values_list(key, "last").order_by()  # type: ignore[return-value]
    )


# Activity recorded by apps above this one (conversations: messages), registered at start:
# each gives (mentorship id, moment) rows for the mentorships asked about.
ActivitySource = Callable[[list[Mentorship]], Iterable[tuple[int, datetime]]]
_SOURCES: list[ActivitySource] = []


def activity_source(source: ActivitySource) -> None:
    """Count ``source``'s rows as activity for the inactivity rule."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def last_activity_of(mentorships: list[Mentorship]) -> dict[int, datetime]:
    """Each mentorship's last activity (see the module's docstring): one query per kind of
    activity, whatever the number of mentorships."""
    last = {m.pk: m.started_at for m in mentorships}
    ids = list(last)
    mentorship_rows = Q(mentorship_id__in=ids)
    meeting_rows = Q(meeting__mentorship_id__in=ids)
    sources: list[Iterable[tuple[int, datetime]]] = [
        _latest(
            StateChange.objects.filter(mentorship_rows).filter(
                Q(actor_id=F("mentorship__mentor__user_id"))
                | Q(actor_id=F("mentorship__mentee__user_id"))
                | Q(to_status=Mentorship.Status.ACTIVE)
            ),
            "mentorship_id",
            "created_at",
        ),
        _latest(
            Meeting.objects.filter(mentorship_rows).exclude(shared_notes=""),
            "mentorship_id",
            "updated_at",
        ),
        _latest(AgendaItem.objects.filter(meeting_rows), "meeting__mentorship_id", "created_at"),
        _latest(ActionItem.objects.filter(mentorship_rows), "mentorship_id", "updated_at"),
        _latest(Advice.objects.filter(mentorship_rows), "mentorship_id", "updated_at"),
        _latest(Appreciation.objects.filter(mentorship_rows), "mentorship_id", "created_at"),
        _latest(
            MeetingFeedback.objects.filter(meeting_rows), "meeting__mentorship_id", "updated_at"
        ),
        _latest(Agreement.objects.filter(mentorship_rows), "mentorship_id", "updated_at"),
        _latest(
            CheckIn.objects.filter(mentorship_rows, status=CheckIn.Status.ANSWERED),
            "mentorship_id",
            "answered_at",
        ),
    ]
    # A circle's meetings are every member's activity: scheduled, moved, noted or held.
    members: dict[int, list[int]] = {}
    for mentorship in mentorships:
        if mentorship.group_id is not None:
            members.setdefault(mentorship.group_id, []).append(mentorship.pk)
    if members:
        circle_rows = _latest(
            Meeting.objects.filter(group_id__in=list(members)).exclude(
                status=Meeting.Status.CANCELLED
            ),
            "group_id",
            "updated_at",
        )
        sources.append(
            [(member, moment) for group_id, moment in circle_rows for member in members[group_id]]
        )
    sources.extend(source(mentorships) for source in _SOURCES)
    for rows in sources:
        for mentorship_id, moment in rows:
            if moment is not None and moment > last[mentorship_id]:
                last[mentorship_id] = moment
    return last


# Text sent to the two people is lazy (gettext_lazy, format_lazy): made in each one's language.
def _quiet_for(delta: timedelta) -> object:
    days = delta.days
    return format_lazy(
        ngettext_lazy(
            "Nothing has happened in it for {days} day. Propose a meeting, or tell each other "
            "how things stand.",
            "Nothing has happened in it for {days} days. Propose a meeting, or tell each other "
            "how things stand.",
            days,
        ),
        days=days,
    )


def _nudges(mentorships: list[Mentorship], last: dict[int, datetime], now: datetime) -> list[Due]:
    items = []
    for mentorship in mentorships:
        program = mentorship.program
        link = reverse("matching:mentorship", kwargs={"pk": mentorship.pk})
        body = _quiet_for(now - last[mentorship.pk])
        if program.auto_close_after_days:
            body = format_lazy(
                "{} {}",
                body,
                format_lazy(
                    _(
                        "If nothing happens in the next {days} days, {program} closes it as inactive."
                    ),
                    days=program.auto_close_after_days,
                    program=program.name,
                ),
            )
        for person, other in mentorship.each_with_other():
            items.append(
                Due(
                    recipient_id=person.pk,
                    language=person.language_code,
                    kind=Reminder.ADMIN_NUDGE,
                    subject_key=f"mentorship:{mentorship.pk}",
                    # Once per quiet spell: new activity, then quiet again, is a new nudge.
                    period_key=f"stalled:{int(last[mentorship.pk].timestamp())}",
                    title=format_lazy(
                        _("Your mentorship with {name} has gone quiet"), name=other.get_full_name()
                    ),
                    body=body,
                    link=link,
                    due_at=now,
                )
            )
    return items


def _close(candidates: list[int], now: datetime) -> int:
    """Close the candidates that still qualify once locked: someone may have acted meanwhile."""
    with transaction.atomic():
        locked = list(
            Mentorship.objects.select_for_update(of=("self",))
            .filter(pk__in=candidates, status=Mentorship.Status.ACTIVE)
            .select_related("program", "mentor__user", "mentee__user")
            .order_by("pk")
        )
        last = last_activity_of(locked)
        due = [m for m in locked if _step(m, last[m.pk], now) == Step.CLOSE]
        closed = mentorships_close_many(
            mentorships=due,
            actor=None,
            reason=ClosingReason.INACTIVE,
            note="Closed as inactive: no activity after the nudge.",
        )
        tell_both_closed(
            closed,
            title=lambda other: format_lazy(
                _("Your mentorship with {name} was closed as inactive"), name=other.get_full_name()
            ),
            body=lambda mentorship: format_lazy(
                ngettext_lazy(
                    "Nothing happened in it for {days} day. To work together again, send a new "
                    "request or ask the program's admins. A closing reflection is still welcome.",
                    "Nothing happened in it for {days} days. To work together again, send a new "
                    "request or ask the program's admins. A closing reflection is still welcome.",
                    (now - last[mentorship.pk]).days,
                ),
                days=(now - last[mentorship.pk]).days,
            ),
        )
    return len(closed)


def _step(mentorship: Mentorship, last_activity: datetime, now: datetime) -> Step:
    program = mentorship.program
    close_after = program.auto_close_after_days
    return inactivity_step(
        last_activity=last_activity,
        stalled_since=mentorship.stalled_since,
        now=now,
        stalled_after=timedelta(days=program.stalled_after_days),
        close_after=timedelta(days=close_after) if close_after else None,
    )


@dataclass(frozen=True)
class ScanResult:
    flagged: int = 0
    cleared: int = 0
    closed: int = 0


def inactivity_scan(*, now: datetime | None = None) -> ScanResult:
    """Apply every program's inactivity rule to its active mentorships, in keyset batches with a
    fixed number of queries each (plus the few that close)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    active = Mentorship.objects.filter(status=Mentorship.Status.ACTIVE).select_related(
        "program", "mentor__user", "mentee__user"
    )
    flagged = cleared = closed = 0
    for batch in keyset_batches(active, BATCH):
        away = away_mentor_user_ids(user_ids={m.mentor.user_id for m in batch}, today=today)
        waiting = [m for m in batch if m.mentor.user_id not in away]
        last = last_activity_of(waiting)
        steps: dict[Step, list[Mentorship]] = {step: [] for step in Step}
        # The rule waits while the mentor is away: a flag from before starts over on their return.
        steps[Step.CLEAR] = [m for m in batch if m.mentor.user_id in away and m.stalled_since]
        for mentorship in waiting:
            steps[_step(mentorship, last[mentorship.pk], now)].append(mentorship)
        if steps[Step.FLAG]:
            with transaction.atomic():
                Mentorship.objects.filter(
                    pk__in=[m.pk for m in steps[Step.FLAG]], status=Mentorship.Status.ACTIVE
                ).update(stalled_since=now)
                reminders_schedule_many(_nudges(steps[Step.FLAG], last, now))
            flagged += len(steps[Step.FLAG])
        if steps[Step.CLEAR]:
            cleared += Mentorship.objects.filter(
                pk__in=[m.pk for m in steps[Step.CLEAR]], stalled_since__isnull=False
            ).update(stalled_since=None)
        if steps[Step.CLOSE]:
            closed += _close([m.pk for m in steps[Step.CLOSE]], now)
    return ScanResult(flagged=flagged, cleared=cleared, closed=closed)

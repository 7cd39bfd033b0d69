"""Scans for meeting reminders and follow-ups: find what is due, in batches, and put it in
the notifications ledger (which makes a second scan, or a second beat, harmless)."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.db.models import Exists, Max, Model, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from matching.models import Frequency, MeetingFormat, Mentorship
from matching.reminders import remind_both
from matching.selectors import away_mentor_user_ids
from meetings.models import ActionItem, Advice, Agreement, Meeting
from notifications.models import Reminder
from notifications.reminders import Due, keyset_batches, reminders_schedule_many, timing

# How long a cycle of the agreed frequency is, for the cadence nudge.
CYCLE = {
    Frequency.WEEKLY: timedelta(days=7),
    Frequency.BIWEEKLY: timedelta(days=14),
    Frequency.MONTHLY: timedelta(days=30),
    Frequency.QUARTERLY: timedelta(days=91),
    Frequency.TWICE_A_YEAR: timedelta(days=182),
}
BATCH = 500

M = TypeVar("M", bound=Model)


# Reminders are lazy text (gettext_lazy, format_lazy): the ledger makes each in its recipient's
# language, and these pieces of it too.
def _local_now(moment: datetime, zone: str) -> str:
    return date_format(moment.astimezone(zoneinfo.ZoneInfo(zone)), "D d M, H:i")


_local = lazy(_local_now, str)
_with_whom = lazy(lambda meeting, user_id: meeting.with_whom(user_id), str)
_lower = lazy(lambda text: str(text).lower(), str)


def meeting_reminders_scan(*, now: datetime | None = None) -> int:
    """Both people, a day before a confirmed meeting, with a prompt to add agenda questions."""
    now = now or timezone.now()
    before = timing("meeting_before")
    upcoming = Meeting.objects.filter(
        status=Meeting.Status.CONFIRMED,
        starts_at__gt=now,
        starts_at__lte=now + before,
        mentorship__status=Mentorship.Status.ACTIVE,
    ).select_related("mentorship__mentor__user", "mentorship__mentee__user")

    def due_for(meeting: Meeting, person: User, other: User | None = None) -> Due:
        whom = other.get_full_name() if other is not None else _with_whom(meeting, person.pk)
        return Due(
            recipient_id=person.pk,
            language=person.language_code,
            kind=Reminder.MEETING,
            subject_key=f"meeting:{meeting.pk}",
            period_key=meeting.starts_at.isoformat(),
            title=format_lazy(
                _("Meeting with {name} on {when}"),
                name=whom,
                when=_local(meeting.starts_at, person.time_zone),
            ),
            body=format_lazy(
                _(
                    "{format}: {place}. Add your questions to the agenda, so the time goes to "
                    "what matters."
                ),
                format=dict(MeetingFormat.choices).get(meeting.format, meeting.format),
                place=meeting.place,
            )
            if meeting.place
            else _("Add your questions to the agenda, so the time goes to what matters."),
            link=reverse("meetings:meeting", kwargs={"pk": meeting.pk}),
            due_at=max(now, meeting.starts_at - before),
        )

    found = remind_both(
        upcoming,
        today=timezone.localdate(now),
        mentorship_of=lambda meeting: meeting.pair,
        due_for=due_for,
        batch_size=BATCH,
        away_mentees_too=True,
    )
    # A circle's meetings: its mentor and every active member, a day before.
    circle_meetings = Meeting.objects.filter(
        status=Meeting.Status.CONFIRMED,
        starts_at__gt=now,
        starts_at__lte=now + before,
        group__isnull=False,
    ).select_related("group__mentor__user")
    for batch in keyset_batches(circle_meetings, BATCH):
        members: dict[int, list[User]] = {}
        for member in Mentorship.objects.filter(
            group_id__in={meeting.group_id for meeting in batch},
            status=Mentorship.Status.ACTIVE,
        ).select_related("mentee__user"):
            members.setdefault(member.group_id or 0, []).append(member.mentee.user)
        items = []
        for meeting in batch:
            circle = meeting.owner
            for person in [circle.mentor.user, *members.get(circle.pk, [])]:
                items.append(due_for(meeting, person))
        reminders_schedule_many(items)
        found += len(items)
    return found


def follow_ups_scan(*, now: datetime | None = None) -> int:
    """A few hours after a meeting: notes, action items, thanks, the next date. Mentee first."""
    now = now or timezone.now()
    after = {side: timing(f"follow_up_{side}_after") for side in ("mentee", "mentor")}
    ended = Meeting.objects.filter(
        status__in=[Meeting.Status.CONFIRMED, Meeting.Status.HELD],
        ends_at__lte=now - min(after.values()),
        ends_at__gt=now - timing("follow_up_window"),
        mentorship__status=Mentorship.Status.ACTIVE,
    ).select_related("mentorship__mentor__user", "mentorship__mentee__user")
    found = 0
    for batch in keyset_batches(ended, BATCH):
        users = {m.pair.mentor.user_id for m in batch}
        away = away_mentor_user_ids(user_ids=users, today=timezone.localdate(now))
        items = []
        for meeting in batch:
            link = reverse("meetings:meeting", kwargs={"pk": meeting.pk})
            for side, person, other in (
                ("mentee", meeting.pair.mentee.user, meeting.pair.mentor.user),
                ("mentor", meeting.pair.mentor.user, meeting.pair.mentee.user),
            ):
                if person.pk in away or meeting.ends_at + after[side] > now:
                    continue
                items.append(
                    Due(
                        recipient_id=person.pk,
                        language=person.language_code,
                        kind=Reminder.FOLLOW_UP,
                        subject_key=f"meeting:{meeting.pk}",
                        period_key="once",
                        title=format_lazy(
                            _("How did your meeting with {name} go?"), name=other.get_full_name()
                        ),
                        body=_("Record notes and action items, say thanks, and set the next date."),
                        link=link,
                        due_at=meeting.ends_at + after[side],
                    )
                )
        reminders_schedule_many(items)
        found += len(items)
    return found


def _unscheduled(now: datetime) -> QuerySet[Any]:
    """Active pairs with a confirmed agreement and nothing coming up, annotated with the agreed
    frequency, when they agreed it and their last held meeting (one query per batch)."""
    confirmed = Agreement.objects.filter(
        mentorship=OuterRef("pk"), confirmed_at__isnull=False
    ).order_by("-version")
    return (
        Mentorship.objects.filter(status=Mentorship.Status.ACTIVE)
        .annotate(
            frequency=Subquery(confirmed.values("frequency")[:1]),
            agreed_at=Subquery(confirmed.values("confirmed_at")[:1]),
            last_held=Max("meetings__starts_at", filter=Q(meetings__status=Meeting.Status.HELD)),
            coming_up=Exists(
                Meeting.objects.filter(
                    mentorship=OuterRef("pk"),
                    status__in=[Meeting.Status.PROPOSED, Meeting.Status.CONFIRMED],
                    starts_at__gt=now,
                )
            ),
        )
        .filter(frequency__isnull=False, coming_up=False)
        .select_related("mentor__user", "mentee__user")
    )


def cadence_scan(*, now: datetime | None = None) -> int:
    """Both people, once per missed cycle: nothing is scheduled and the last meeting is too old."""
    now = now or timezone.now()

    def due_for(mentorship: Any, person: User, other: User) -> Due | None:
        cycle = CYCLE[mentorship.frequency]
        # Never met yet: count from when the two agreed how often to meet.
        since = mentorship.last_held or mentorship.agreed_at
        missed = (now - since) // cycle
        if missed < 1:
            return None
        return Due(
            recipient_id=person.pk,
            language=person.language_code,
            kind=Reminder.CADENCE,
            subject_key=f"mentorship:{mentorship.pk}",
            # One per missed cycle since the last meeting: it repeats, never twice.
            period_key=f"{since:%Y-%m-%d}+{missed}",
            title=format_lazy(_("Time to meet {name} again"), name=other.get_full_name()),
            body=format_lazy(
                _(
                    "You agreed to meet {frequency}, and nothing is scheduled. Propose a time "
                    "that suits you both."
                ),
                frequency=_lower(Frequency(mentorship.frequency).label),
            ),
            link=reverse("matching:mentorship", kwargs={"pk": mentorship.pk}),
            due_at=since + missed * cycle,
        )

    return remind_both(
        _unscheduled(now),
        today=timezone.localdate(now),
        mentorship_of=lambda mentorship: mentorship,
        due_for=due_for,
        batch_size=BATCH,
    )


def action_items_due_scan(*, now: datetime | None = None) -> int:
    """Its owner, the day before an open action item is due."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = ActionItem.objects.filter(
        done_at__isnull=True,
        due_on__gte=today,
        due_on__lte=today + timing("action_due_before"),
        mentorship__status=Mentorship.Status.ACTIVE,
    ).select_related("owner")
    found = 0
    for batch in keyset_batches(due, BATCH):
        away = away_mentor_user_ids(user_ids={item.owner_id for item in batch}, today=today)
        items = [
            Due(
                recipient_id=item.owner_id,
                language=item.owner.language_code,
                kind=Reminder.ACTION_DUE,
                subject_key=f"action:{item.pk}",
                # A moved due date is a new reminder.
                period_key=item.due_on.isoformat(),
                title=format_lazy(
                    _("Due today: {text}") if item.due_on == today else _("Due tomorrow: {text}"),
                    text=item.text,
                ),
                body=_("Mark it done, or agree a new date with your mentoring partner."),
                link=reverse("matching:mentorship", kwargs={"pk": item.mentorship_id}),
                due_at=now,
            )
            for item in batch
            if item.owner_id not in away and item.due_on is not None
        ]
        reminders_schedule_many(items)
        found += len(items)
    return found


def report_back_scan(*, now: datetime | None = None) -> int:
    """The mentee, once, when advice has had no outcome for "report_back_after"."""
    now = now or timezone.now()
    after = timing("report_back_after")
    waiting = Advice.objects.filter(
        outcome="",
        created_at__lte=now - after,
        created_at__gt=now - after - timing("report_back_window"),
        mentorship__status=Mentorship.Status.ACTIVE,
    ).select_related("mentorship__mentor__user", "mentorship__mentee__user")
    found = 0
    for batch in keyset_batches(waiting, BATCH):
        items = [
            Due(
                recipient_id=advice.mentorship.mentee.user_id,
                language=advice.mentorship.mentee.user.language_code,
                kind=Reminder.REPORT_BACK,
                subject_key=f"advice:{advice.pk}",
                period_key="once",
                title=format_lazy(
                    _("What did you do with {name}'s advice?"),
                    name=advice.mentorship.mentor.user.get_full_name(),
                ),
                body=format_lazy(
                    _("“{text}” Tell them: acted on it, adapted it, or chose differently."),
                    text=advice.text[:140],
                ),
                link=reverse("matching:mentorship", kwargs={"pk": advice.mentorship_id}),
                due_at=advice.created_at + after,
            )
            for advice in batch
        ]
        reminders_schedule_many(items)
        found += len(items)
    return found

"""The weekly admin digest: per running program, what needs an admin's eye, to each active admin.

It goes through the notifications ledger with the ISO week as the period, so the hourly task
writes one row per admin and week. The figures are counts only: no private notes, no comments.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy, ngettext

import meetings.models
from matching.models import Mentorship, MentorshipRequest
from notifications.models import Reminder
from notifications.reminders import Due, keyset_batches, reminders_schedule_many, timing
from programs.access import program_admin_participations
from programs.models import Program
from reports.dashboard import AT_RISK, STALLED, health_counts

BATCH = 100  # programs per batch


def _program_batches(today: date) -> Iterator[list[Program]]:
    running = Program.objects.filter(starts_on__lte=today).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )
    return keyset_batches(running, BATCH)


def _per_program(rows: Iterable[tuple[int, int]]) -> Counter[int]:
    return Counter(dict(rows))


def _overdue_checkins(program_ids: list[int], today: date) -> Counter[int] | None:
    # Check-ins arrived in meetings.models later than the digest; without them, no line.
    checkin = getattr(meetings.models, "CheckIn", None)
    if checkin is None:
        return None
    return _per_program(
        checkin.objects.filter(
            mentorship__program_id__in=program_ids,
            mentorship__status=Mentorship.Status.ACTIVE,
            status="due",
            due_on__lt=today - timing("digest_checkin_overdue_after"),
        )
        .values("mentorship__program_id")
        .annotate(n=Count("pk"))
        .values_list("mentorship__program_id", "n")
    )


def _days(name: str) -> str:
    days = timing(name) / timedelta(days=1)
    # The plural form by a whole number: only exactly one day is singular ("1.5 days").
    return ngettext("%(days)s day", "%(days)s days", 1 if days == 1 else 2) % {"days": f"{days:g}"}


def _body(stalled: int, at_risk: int, unanswered: int, overdue: int | None) -> str:
    """The digest's lines, in the active language."""
    lines = [
        gettext("Stalled relationships: %(n)s") % {"n": stalled},
        gettext("Relationships at risk (a low check-in or late cancellations): %(n)s")
        % {"n": at_risk},
        gettext("Requests unanswered for more than %(days)s: %(n)s")
        % {"days": _days("digest_request_unanswered_after"), "n": unanswered},
    ]
    if overdue is not None:
        lines.append(
            gettext("Check-ins overdue by more than %(days)s: %(n)s")
            % {"days": _days("digest_checkin_overdue_after"), "n": overdue}
        )
    return "\n".join(lines)


# Made in the recipient's language when the ledger row is written (notifications.reminders).
_body_lazy = lazy(_body, str)


def admin_digests_scan(*, now: datetime | None = None) -> int:
    """Put this week's digest for each active admin of each running program in the ledger."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    year, week, _ = today.isocalendar()
    found = 0
    for batch in _program_batches(today):
        ids = [p.pk for p in batch]
        admins = list(
            program_admin_participations()
            .filter(program_id__in=ids, user__is_active=True)
            .values_list("program_id", "user_id", "user__language")
        )
        # The dashboard's own rules, so the digest and the page never disagree (a query each).
        health = {p.pk: health_counts(program=p, now=now) for p in batch}
        unanswered = _per_program(
            MentorshipRequest.objects.filter(
                program_id__in=ids,
                status=MentorshipRequest.Status.PENDING,
                waiting_on=MentorshipRequest.WaitingOn.MENTOR,
                created_at__lte=now - timing("digest_request_unanswered_after"),
            )
            .values("program_id")
            .annotate(n=Count("pk"))
            .values_list("program_id", "n")
        )
        overdue = _overdue_checkins(ids, today)
        programs = {p.pk: p for p in batch}
        items = []
        for program_id, user_id, language in admins:
            program = programs[program_id]
            items.append(
                Due(
                    recipient_id=user_id,
                    kind=Reminder.ADMIN_DIGEST,
                    subject_key=f"program:{program_id}",
                    period_key=f"{year}-W{week:02d}",
                    title=format_lazy(
                        gettext_lazy("{program}: this week's digest"), program=program.name
                    ),
                    body=_body_lazy(
                        health[program_id][STALLED],
                        health[program_id][AT_RISK],
                        unanswered[program_id],
                        None if overdue is None else overdue[program_id],
                    ),
                    link=reverse("programs:manage", kwargs={"slug": program.slug}),
                    due_at=now,
                    language=language or settings.LANGUAGE_CODE,
                )
            )
        reminders_schedule_many(items)
        found += len(items)
    return found

"""The personal weekly digest: one email a week with the reminders a person chose to get that way.

A reminder whose kind is set to "weekly digest" is recorded as delivered to the digest channel
(`Delivery.channels` holds "digest"). Each hour this scan looks at last week (ISO week, UTC) and
puts one WEEKLY_DIGEST row per person in the ledger, keyed by that week, so however often it
runs, each person gets each week's digest once and each item is in exactly one digest.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, time, timedelta

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext

from accounts.models import User
from notifications.models import Delivery, Reminder
from notifications.reminders import Due, keyset_batches, reminders_schedule_many

BATCH = 500
MAX_LINES = 20


def last_week(now: datetime) -> tuple[str, datetime, datetime]:
    """The ISO week before the one ``now`` is in (UTC): its key and its [start, end). Pure."""
    today = now.astimezone(UTC).date()
    start_day = today - timedelta(days=today.weekday() + 7)
    year, week, _ = start_day.isocalendar()
    start = datetime.combine(start_day, time(), tzinfo=UTC)
    return f"{year}-W{week:02d}", start, start + timedelta(days=7)


def digest_body(titles: list[str]) -> str:
    """One line per item, at most MAX_LINES, then how many more (in the active language). Pure."""
    lines = [f"- {title}" for title in titles[:MAX_LINES]]
    if len(titles) > MAX_LINES:
        more = len(titles) - MAX_LINES
        lines.append(gettext("… and %(n)s more in the app.") % {"n": more})
    return "\n".join(lines)


def digest_title(count: int) -> str:
    """The digest's subject, in the active language. Pure."""
    return ngettext(
        "Your week in mentoring: %(n)s update", "Your week in mentoring: %(n)s updates", count
    ) % {"n": count}


# Made in the recipient's language when the ledger row is written (notifications.reminders).
_digest_body_lazy = lazy(digest_body, str)
_digest_title_lazy = lazy(digest_title, str)


def personal_digests_scan(*, now: datetime | None = None) -> int:
    """Put last week's digest in the ledger for everyone who has digest items from it."""
    now = now or timezone.now()
    key, start, end = last_week(now)
    items = Delivery.objects.filter(
        state=Delivery.State.SENT,
        channels__contains="digest",
        sent_at__gte=start,
        sent_at__lt=end,
    ).exclude(kind=Reminder.WEEKLY_DIGEST)
    people = User.objects.filter(is_active=True).filter(
        Exists(items.filter(recipient=OuterRef("pk")))
    )
    found = 0
    link = reverse("notifications:list")
    for batch in keyset_batches(people, BATCH):
        titles: dict[int, list[str]] = defaultdict(list)
        for recipient_id, title in (
            items.filter(recipient__in=batch)
            .order_by("recipient_id", "sent_at", "id")
            .values_list("recipient_id", "title")
        ):
            titles[recipient_id].append(title)
        due = [
            Due(
                recipient_id=person.pk,
                kind=Reminder.WEEKLY_DIGEST,
                subject_key="digest",
                period_key=key,
                title=_digest_title_lazy(len(titles[person.pk])),
                body=_digest_body_lazy(titles[person.pk]),
                link=link,
                due_at=now,
                language=person.language_code,
            )
            for person in batch
        ]
        reminders_schedule_many(due)
        found += len(due)
    return found

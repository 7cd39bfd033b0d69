"""People's own calendars over CalDAV, both ways: connect one (the app password kept
encrypted); sync it (moves and deletions made there come back as a proposed change or a
cancellation, under the same rules as on the site; meetings are written there; busy times,
start and end only, are kept for the slot picker); disconnect it (its credentials deleted).

A sync is safe to interrupt and to repeat: what Twoway wrote is kept per meeting
(``CalendarEntry``: where, which version, at what time), so a change there is taken in once,
a write is made again until it is recorded, and the sync token moves on only after everything
it reported was taken in. The network is meetings.caldav_sync's; its failures are kept on the
connection and shown."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from meetings.access import WITH_PEOPLE, meeting_with_people, meetings_visible_to, people_of
from meetings.caldav_sync import (
    Account,
    CalendarUnreachable,
    Changes,
    busy_times,
    calendars,
    changes,
    event_delete,
    event_put,
    event_times,
)
from meetings.calendar import calendar_of, is_meeting_uid, meeting_uid
from meetings.models import CalendarConnection, CalendarEntry, Meeting, MeetingAnswer
from meetings.services.scheduling import (
    OPEN,
    meeting_answer_record,
    meeting_cancel,
    meeting_reschedule,
    when_lazy,
)
from mentorship import crypto
from mentorship.errors import DomainError
from notifications.models import Notification
from notifications.services import notify

AHEAD = timedelta(days=28)  # busy times are read this far ahead (the picker offers two weeks)
BUSY_FRESH = timedelta(hours=6)  # read again this often even when nothing changed there
Status = Meeting.Status
# A meeting that ended having been on stays in the person's calendar as history; any other
# meeting Twoway no longer holds for them (cancelled, never confirmed, left) is taken out.
HISTORY = (Status.CONFIRMED, Status.HELD, Status.MISSED)


def account_of(connection: CalendarConnection) -> Account:
    return Account(
        server_url=connection.server_url,
        username=connection.username,
        password=crypto.decrypt(connection.password_encrypted),
    )


def calendar_connect(
    *, user: User, server_url: str, username: str, password: str, calendar_name: str = ""
) -> CalendarConnection:
    """Connect the person's calendar: the server is asked for their calendars first (so wrong
    credentials change nothing), the one named (or the first) is kept, and it is synced."""
    account = Account(server_url=server_url.strip(), username=username.strip(), password=password)
    try:
        found = calendars(account)
    except CalendarUnreachable as exc:
        raise DomainError(str(exc), field="server_url") from None
    if not found:
        raise DomainError(_("That account has no calendar to connect."), field="server_url")
    wanted = calendar_name.strip().lower()
    chosen = next((c for c in found if c.name.lower() == wanted), None) if wanted else found[0]
    if chosen is None:
        names = ", ".join(c.name for c in found)
        raise DomainError(
            _("No calendar is called that; yours are: %(names)s.") % {"names": names},
            field="calendar_name",
        )
    with transaction.atomic():
        connection, _created = CalendarConnection.objects.update_or_create(
            user=user,
            defaults={
                "server_url": account.server_url,
                "username": account.username,
                "password_encrypted": crypto.encrypt(password),
                "calendar_url": chosen.url,
                "calendar_name": chosen.name,
                "busy": [],
                "synced_at": None,
                "sync_error": "",
                "sync_token": "",
                "busy_read_at": None,
            },
        )
        # Another calendar (or the same one afresh): meetings are found there again by UID.
        connection.entries.all().delete()
    return calendar_sync(connection=connection)


def calendar_disconnect(*, user: User) -> bool:
    """Forget the person's calendar: its address, credentials, busy times and what was written
    there (the events stay in their calendar, theirs to keep or delete)."""
    deleted, _counts = CalendarConnection.objects.filter(user=user).delete()
    return bool(deleted)


def _failed(connection: CalendarConnection, exc: CalendarUnreachable) -> CalendarConnection:
    connection.sync_error = str(exc)[:300]
    CalendarConnection.objects.filter(pk=connection.pk).update(sync_error=connection.sync_error)
    return connection


def calendar_sync(
    *, connection: CalendarConnection, now: datetime | None = None
) -> CalendarConnection:
    """Sync the calendar both ways: take in what the person changed there, write what changed
    here, and read the busy times again when anything changed there (or they are getting old).
    On failure nothing recorded is lost: the busy times read last are kept, the sync token does
    not move on, and the failure is kept to be shown."""
    now = now or timezone.now()
    account = account_of(connection)
    try:
        found = changes(account, connection.calendar_url, connection.sync_token)
        _take_in(connection, account, found, now)
        _write(connection, account, now)
        old = connection.busy_read_at is None or now - connection.busy_read_at >= BUSY_FRESH
        if old or found.everything or found.changed or found.deleted:
            spans = busy_times(
                account, connection.calendar_url, now, now + AHEAD, ignore=is_meeting_uid
            )
            connection.busy = [[begins.isoformat(), ends.isoformat()] for begins, ends in spans]
            connection.busy_read_at = now
    except CalendarUnreachable as exc:
        return _failed(connection, exc)
    connection.sync_token = found.token
    connection.synced_at = now
    connection.sync_error = ""
    CalendarConnection.objects.filter(pk=connection.pk).update(
        busy=connection.busy,
        busy_read_at=connection.busy_read_at,
        sync_token=found.token,
        synced_at=now,
        sync_error="",
    )
    return connection


def calendars_sync_all(*, now: datetime | None = None) -> int:
    """Every connected calendar, one after the other (the periodic task); one that fails keeps
    what it had and says why, and the others go on."""
    count = 0
    for connection in CalendarConnection.objects.select_related("user").order_by("pk").iterator():
        # What is written there, and a failure kept to be shown, in the person's language.
        with translation.override(connection.user.language_code):
            calendar_sync(connection=connection, now=now)
        count += 1
    return count


def calendars_write_meeting(meeting_id: int, *, now: datetime | None = None) -> int:
    """Write one meeting as it is now into the connected calendars of its people (and take it
    out of those of people it is no longer for); how many calendars were written. A calendar
    that cannot be reached says so, and the next periodic sync writes it."""
    meeting = meeting_with_people(meeting_id)
    if meeting is None:
        return 0
    people = [person.pk for person in people_of(meeting)]
    connections = (
        CalendarConnection.objects.filter(Q(user_id__in=people) | Q(entries__meeting=meeting))
        .select_related("user")
        .distinct()
    )
    written = 0
    for connection in connections:
        with translation.override(connection.user.language_code):
            try:
                _write(connection, account_of(connection), now or timezone.now(), only=meeting_id)
            except CalendarUnreachable as exc:
                _failed(connection, exc)
            else:
                written += 1
    return written


# ---------------------------------------------------------------------------
# Writing meetings there
# ---------------------------------------------------------------------------
def _write(
    connection: CalendarConnection, account: Account, now: datetime, *, only: int | None = None
) -> None:
    """Put the person's open meetings that have not ended into their calendar where it does not
    hold them as they are now (a proposed one marked tentative), and take out the ones Twoway
    no longer holds for them (and those they declined as they stand: a circle's meeting they deleted there)."""
    user = connection.user
    declined = MeetingAnswer.objects.filter(  # this version of it: a move asks them again
        meeting=OuterRef("pk"),
        user=user,
        answer=MeetingAnswer.Answer.DECLINED,
        sequence__gte=OuterRef("sequence"),
    )
    wanted = (
        meetings_visible_to(user).filter(status__in=OPEN, ends_at__gt=now).exclude(Exists(declined))
    )
    entries = connection.entries.select_related("meeting")
    if only is not None:
        wanted, entries = wanted.filter(pk=only), entries.filter(meeting_id=only)
    held = {entry.meeting_id: entry for entry in entries}
    for meeting in wanted.select_related(*WITH_PEOPLE):
        entry = held.pop(meeting.pk, None)
        if entry is not None and (entry.sequence, entry.starts_at, entry.ends_at) == (
            meeting.sequence,
            meeting.starts_at,
            meeting.ends_at,
        ):
            continue
        ics = calendar_of([meeting], user, "Twoway").to_ical()
        href = event_put(
            account, connection.calendar_url, meeting_uid(meeting), ics, entry.href if entry else ""
        )
        try:
            with transaction.atomic():
                CalendarEntry.objects.update_or_create(
                    connection=connection,
                    meeting=meeting,
                    defaults={
                        "href": href,
                        "sequence": meeting.sequence,
                        "starts_at": meeting.starts_at,
                        "ends_at": meeting.ends_at,
                    },
                )
        except IntegrityError:  # another sync recorded the same write at the same moment
            pass
    for entry in held.values():
        meeting = entry.meeting
        if not (meeting.ends_at <= now and meeting.status in HISTORY):
            event_delete(account, entry.href)
        entry.delete()


# ---------------------------------------------------------------------------
# Taking in what the person changed there
# ---------------------------------------------------------------------------
def _take_in(
    connection: CalendarConnection, account: Account, found: Changes, now: datetime
) -> None:
    """Each meeting Twoway wrote there, still open and ahead, that the person moved or deleted
    there since: a proposed change or a cancellation, as if made on the site. A meeting changed
    here since it was written is left to the write, which puts the new version there."""
    entries = connection.entries.select_related("meeting").filter(
        meeting__status__in=OPEN, meeting__starts_at__gt=now
    )
    for entry in entries:
        if not found.touches(entry.href) or entry.sequence != entry.meeting.sequence:
            continue
        times = event_times(account, entry.href)
        if times != (entry.starts_at, entry.ends_at):
            _changed_there(connection.user, entry, times)


@transaction.atomic
def _changed_there(
    user: User, entry: CalendarEntry, times: tuple[datetime, datetime] | None
) -> None:
    # Taken in once: a sync running alongside that got here first changed the entry.
    current = (
        CalendarEntry.objects.select_for_update()
        .filter(
            pk=entry.pk,
            sequence=entry.sequence,
            starts_at=entry.starts_at,
            ends_at=entry.ends_at,
        )
        .first()
    )
    if current is None:
        return
    meeting = entry.meeting
    if times is None:
        current.delete()  # written again below if the meeting stays on
        _deleted_there(user, meeting)
        return
    current.starts_at, current.ends_at = times
    current.save(update_fields=["starts_at", "ends_at", "updated_at"])
    if times != (meeting.starts_at, meeting.ends_at):
        _moved_there(user, meeting, times)


# What a person's calendar did that Twoway refused, by what it was.
_REFUSED = {
    "deleted": gettext_lazy(
        "Your calendar deleted the meeting on {when}, which Twoway could not do"
    ),
    "moved": gettext_lazy("Your calendar moved the meeting on {when}, which Twoway could not do"),
}


def _refused(user: User, meeting: Meeting, doing: str, reason: str) -> None:
    """``reason``: the service's refusal, made in the person's language (``_as_them``)."""
    notify(
        recipient=user,
        kind=Notification.Kind.MENTORSHIP,
        title=format_lazy(_REFUSED[doing], when=when_lazy(meeting, user)),
        body=format_lazy(
            gettext_lazy("{reason} It is back in your calendar as it stands."), reason=reason
        ),
        link=meeting.get_absolute_url(),
    )


def _deleted_there(user: User, meeting: Meeting) -> None:
    """Deleting it there cancels it (late inside the mentor's notice, the others told); for a
    circle's member, who cannot cancel the circle's meeting, it declines it."""
    try:
        with transaction.atomic(), translation.override(user.language_code):
            if meeting.group is not None and meeting.group.mentor.user_id != user.pk:
                meeting_answer_record(
                    meeting=meeting,
                    user=user,
                    answer=MeetingAnswer.Answer.DECLINED,
                    sequence=meeting.sequence,
                )
            else:
                meeting_cancel(meeting=meeting, actor=user)
    except DomainError as exc:
        _refused(user, meeting, "deleted", str(exc))


def _moved_there(user: User, meeting: Meeting, times: tuple[datetime, datetime]) -> None:
    """Moving it there proposes the new time, under the mentor's windows and notice as on the
    site (the other person confirms it); a time that breaks them is refused and put back."""
    starts_at, ends_at = times
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    try:
        with transaction.atomic(), translation.override(user.language_code):
            meeting_reschedule(meeting=meeting, actor=user, starts_at=starts_at, minutes=minutes)
    except DomainError as exc:
        _refused(user, meeting, "moved", str(exc))

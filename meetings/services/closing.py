"""Closing a program: its live mentorships end with a final check-in, pending requests expire."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from matching.models import ClosingReason, Mentorship, MentorshipRequest
from matching.services.mentorships import mentorships_close_many
from matching.services.requests import requests_expire_for_program
from meetings.services.checkins import checkins_open_final
from mentorship.errors import DomainError
from notifications.models import Notification
from notifications.reminders import keyset_batches
from notifications.services import notify_many
from programs.access import require_program_admin
from programs.models import Program
from programs.services import audit_record

BATCH = 500


@dataclass(frozen=True)
class ProgramClosed:
    program: Program
    ended: int
    final_checkins: int
    requests_expired: int


def program_close_reach(*, program: Program) -> dict[str, int]:
    """What closing the program now would touch: its live mentorships, the requests still
    waiting for an answer, and how many people are told (both people of each mentorship, asked
    for a final check-in, and each waiting request's mentee)."""
    live = Mentorship.objects.filter(program=program, status__in=Mentorship.LIVE_STATUSES)
    pending = MentorshipRequest.objects.filter(
        program=program, status=MentorshipRequest.Status.PENDING
    )
    people = (
        set(live.values_list("mentor__user_id", flat=True))
        | set(live.values_list("mentee__user_id", flat=True))
        | set(pending.values_list("mentee__user_id", flat=True))
    )
    return {
        "live_mentorships": live.count(),
        "people_told": len(people),
        "pending_requests": pending.count(),
    }


@transaction.atomic
def program_close(*, program: Program, actor: User, now: datetime | None = None) -> ProgramClosed:
    """Close a program for good: its live mentorships end ("the program closed") with a final
    check-in for both people, pending requests expire, enrollment closes and it ends today.
    All of it, or none of it."""
    # 1. Only its admins; lock the program so two closings (or a settings save) cannot interleave.
    require_program_admin(program=program, actor=actor, doing="close it")
    now = now or timezone.now()
    today = timezone.localdate(now)
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.starts_on > today:
        raise DomainError(
            _(
                "%(program)s starts on %(day)s: it cannot close before it starts. Move its start "
                "date in the settings first."
            )
            % {"program": program.name, "day": date_format(program.starts_on, "d M Y")}
        )
    live = Mentorship.objects.filter(program=program, status__in=Mentorship.LIVE_STATUSES)
    pending = MentorshipRequest.objects.filter(
        program=program, status=MentorshipRequest.Status.PENDING
    )
    before = {
        "ends on": program.ends_on,
        "enrollment open": program.enrollment_open,
        "live mentorships": live.count(),
        "pending requests": pending.count(),
    }
    already_over = program.ends_on is not None and program.ends_on <= today
    if (
        already_over
        and program.ends_on is not None
        and not any(
            (program.enrollment_open, before["live mentorships"], before["pending requests"])
        )
    ):
        raise DomainError(
            _("%(program)s is closed already: it ended on %(day)s.")
            % {"program": program.name, "day": date_format(program.ends_on, "d M Y")}
        )
    # 2. End the live mentorships in batches, each with a final check-in for both people.
    ended = checkins = 0
    people: set[int] = set()
    rows = live.select_for_update(of=("self",)).select_related("mentor__user", "mentee__user")
    for batch in keyset_batches(rows, BATCH):
        closed = mentorships_close_many(
            mentorships=batch,
            actor=actor,
            reason=ClosingReason.PROGRAM_CLOSED,
            note=f"{program.name} closed.",
        )
        checkins += checkins_open_final(mentorships=closed, now=now)
        ended += len(closed)
        people.update(u for m in closed for u in (m.mentor.user_id, m.mentee.user_id))
    # 3. Requests waiting for an answer cannot start anything any more.
    expired = requests_expire_for_program(program=program, now=now)
    # 4. The program itself: no more applications, and it ends today (or when it already ended).
    program.enrollment_open = False
    program.ends_on = min(program.ends_on, today) if program.ends_on else today
    program.save(update_fields=["enrollment_open", "ends_on", "updated_at"])
    # 5. Tell the people, and write it down.
    notify_many(
        recipients=User.objects.filter(pk__in=people),
        kind=Notification.Kind.MENTORSHIP,
        title=format_lazy(
            gettext_lazy("{program} has closed: your mentorships in it have ended"),
            program=program.name,
        ),
        body=gettext_lazy(
            "Please answer a last check-in and leave a closing reflection; a thank-you note is "
            "always welcome."
        ),
        link=reverse("meetings:checkins"),
    )
    audit_record(
        program=program,
        actor=actor,
        action="program.close",
        subject=program.name,
        before=before,
        after={
            "ends on": program.ends_on,
            "enrollment open": False,
            "live mentorships": 0,
            "pending requests": 0,
        },
        final_checkins=checkins,
    )
    return ProgramClosed(
        program=program, ended=ended, final_checkins=checkins, requests_expired=expired
    )

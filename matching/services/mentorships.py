"""The mentorship life cycle: active ⇄ paused → completed | ended, reflections and reports."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy

from accounts.models import User
from goals.models import GoalShare
from matching.directory.cache import forget as forget_rankings
from matching.models import (
    PEOPLE_CLOSING_REASONS,
    ClosingReason,
    Mentorship,
    MentorshipRequest,
    Reflection,
    Report,
    StateChange,
)
from matching.services.requests import record_change
from matching.services.start import mentorship_start
from mentorship.errors import DomainError
from notifications.models import Notification
from notifications.services import notify, notify_many
from programs.access import is_program_admin, program_admin_participations, require_program_admin
from programs.events import emit
from programs.models import Participant, Role
from programs.services import audit_record

Status = Mentorship.Status


def _link(mentorship: Mentorship) -> str:
    return reverse("matching:mentorship", kwargs={"pk": mentorship.pk})


def _lock(mentorship: Mentorship) -> Mentorship:
    return (
        Mentorship.objects.select_for_update()
        .select_related("mentor__user", "mentee__user", "program")
        .get(pk=mentorship.pk)
    )


def _other(mentorship: Mentorship, actor: User) -> User | None:
    return mentorship.other_person(actor.pk)


def _move(
    mentorship: Mentorship, *, actor: User | None, to_status: str, note: str = ""
) -> Mentorship:
    from_status = mentorship.status
    mentorship.status = to_status
    # A pause, a resume or a close starts the inactivity clock again (meetings.inactivity).
    mentorship.stalled_since = None
    mentorship.save(
        update_fields=["status", "closing_reason", "closed_at", "stalled_since", "updated_at"]
    )
    record_change(
        mentorship=mentorship, actor=actor, from_status=from_status, to_status=to_status, note=note
    )
    _emit_moved(mentorship, from_status)
    return mentorship


def _emit_moved(mentorship: Mentorship, from_status: str) -> None:
    event = {
        Mentorship.Status.PAUSED: "mentorship.paused",
        Mentorship.Status.ACTIVE: "mentorship.resumed",
        Mentorship.Status.COMPLETED: "mentorship.completed",
        Mentorship.Status.ENDED: "mentorship.ended",
    }.get(Mentorship.Status(mentorship.status))
    if event is not None and mentorship.status != from_status:
        emit(
            mentorship.program,
            event,
            mentorship=mentorship.pk,
            status=mentorship.status,
            closing_reason=mentorship.closing_reason,
        )


def _end(
    mentorship: Mentorship,
    *,
    actor: User | None,
    reason: str,
    note: str = "",
    completed: bool = False,
) -> Mentorship:
    """Close a locked live mentorship: its state, who did it, and the mentor's view of goals."""
    mentorship.closing_reason = reason
    mentorship.closed_at = timezone.now()
    _move(
        mentorship,
        actor=actor,
        to_status=Status.COMPLETED if completed else Status.ENDED,
        note=note,
    )
    # Privacy: a former mentor no longer sees the mentee's goals.
    GoalShare.objects.filter(goal__owner=mentorship.mentee, mentor=mentorship.mentor.user).delete()
    return mentorship


def _only_active_pauses(mentorship: Mentorship) -> str:
    return gettext("Only an active mentorship can be paused; this one is %(status)s.") % {
        "status": mentorship.get_status_display().lower()
    }


@transaction.atomic
def mentorship_pause(*, mentorship: Mentorship, actor: User) -> Mentorship:
    """Either side pauses: no nudges until it resumes."""
    mentorship = _lock(mentorship)
    other = _other(mentorship, actor)
    if other is None:
        raise DomainError(gettext("Only the two people in a mentorship can pause it."))
    if mentorship.status != Status.ACTIVE:
        raise DomainError(_only_active_pauses(mentorship))
    _move(mentorship, actor=actor, to_status=Status.PAUSED)
    notify(
        recipient=other,
        kind=Notification.Kind.MENTORSHIP,
        title=format_lazy(
            gettext_lazy("{name} paused your mentorship"), name=actor.get_full_name()
        ),
        link=_link(mentorship),
    )
    return mentorship


@transaction.atomic
def mentorship_resume(*, mentorship: Mentorship, actor: User) -> Mentorship:
    mentorship = _lock(mentorship)
    other = _other(mentorship, actor)
    if other is None:
        raise DomainError(gettext("Only the two people in a mentorship can resume it."))
    if mentorship.status != Status.PAUSED:
        raise DomainError(gettext("Only a paused mentorship can be resumed."))
    _move(mentorship, actor=actor, to_status=Status.ACTIVE)
    notify(
        recipient=other,
        kind=Notification.Kind.MENTORSHIP,
        title=format_lazy(
            gettext_lazy("{name} resumed your mentorship"), name=actor.get_full_name()
        ),
        link=_link(mentorship),
    )
    return mentorship


@transaction.atomic
def mentorship_set_end_date(*, mentorship: Mentorship, ends_on: date, actor: User) -> Mentorship:
    """Set when the formal relationship ends (the pair agree it in their norms)."""
    mentorship = _lock(mentorship)
    if _other(mentorship, actor) is None:
        raise DomainError(gettext("Only the two people in a mentorship set its end date."))
    if ends_on <= mentorship.started_at.date():
        raise DomainError(gettext("The end date must come after the start."), field="ends_on")
    if mentorship.ends_on != ends_on:
        old = mentorship.ends_on
        mentorship.ends_on = ends_on
        mentorship.save(update_fields=["ends_on", "updated_at"])
        record_change(
            mentorship=mentorship,
            actor=actor,
            from_status=mentorship.status,
            to_status=mentorship.status,
            note=gettext("End date %(old)s → %(new)s")
            % {"old": old or gettext("open"), "new": ends_on},
        )
    return mentorship


@transaction.atomic
def mentorship_close(
    *, mentorship: Mentorship, actor: User, reason: str, note: str = ""
) -> Mentorship:
    """Complete (goals met, ran its course) or end early (anything else); either side, or an admin."""
    mentorship = _lock(mentorship)
    other = _other(mentorship, actor)
    by_admin = other is None and is_program_admin(actor, mentorship.program)
    if other is None and not by_admin:
        raise DomainError(
            gettext("Only the two people in a mentorship, or the program's admins, can close it.")
        )
    if mentorship.status not in Mentorship.LIVE_STATUSES:
        raise DomainError(
            gettext("This mentorship is %(status)s already.")
            % {"status": mentorship.get_status_display().lower()}
        )
    if reason not in PEOPLE_CLOSING_REASONS:
        raise DomainError(gettext("Pick a closing reason from the list."), field="reason")
    completed = reason in (ClosingReason.GOALS_MET, ClosingReason.RAN_ITS_COURSE) and not by_admin
    _end(mentorship, actor=actor, reason=reason, note=note.strip(), completed=completed)
    notify_many(
        recipients=[
            p.user for p in (mentorship.mentor, mentorship.mentee) if p.user_id != actor.pk
        ],
        kind=Notification.Kind.MENTORSHIP,
        title=gettext_lazy("Your mentorship was completed: take a minute for a closing reflection")
        if completed
        else gettext_lazy("Your mentorship was ended: take a minute for a closing reflection"),
        body=format_lazy(
            gettext_lazy("Reason: {reason}. A thank-you note is always welcome."),
            reason=ClosingReason(mentorship.closing_reason).label,
        ),
        link=_link(mentorship),
    )
    return mentorship


@transaction.atomic
def reflection_add(*, mentorship: Mentorship, author: User, text: str) -> Reflection:
    """One closing reflection per person, once the mentorship is over."""
    if author.pk not in (mentorship.mentor.user_id, mentorship.mentee.user_id):
        raise DomainError(gettext("Only the two people in a mentorship reflect on it."))
    if mentorship.status in Mentorship.LIVE_STATUSES:
        raise DomainError(gettext("Reflections come when the mentorship closes."))
    text = text.strip()
    if not text:
        raise DomainError(gettext("Write a few words."), field="text")
    if Reflection.objects.filter(mentorship=mentorship, author=author).exists():
        raise DomainError(gettext("You have written your reflection already."))
    return Reflection.objects.create(mentorship=mentorship, author=author, text=text)


# The admins' notice of a new report, one sentence per kind so that each language can say it.
REPORT_TITLES = {
    Report.Kind.MISCONDUCT: gettext_lazy("A misconduct report in {program}"),
    Report.Kind.NO_SHOW: gettext_lazy("A no-shows report in {program}"),
    Report.Kind.OTHER: gettext_lazy("A something else report in {program}"),
}


@transaction.atomic
def report_file(
    *,
    reporter: User,
    kind: str,
    text: str,
    request: MentorshipRequest | None = None,
    mentorship: Mentorship | None = None,
) -> Report:
    """Tell the program's admins about a problem with a request or a mentorship."""
    subject = request or mentorship
    if subject is None:
        raise DomainError(gettext("A report is about a request or a mentorship."))
    if reporter.pk not in (subject.mentor.user_id, subject.mentee.user_id):
        raise DomainError(gettext("Only the people involved can report a problem here."))
    if kind not in Report.Kind.values:
        raise DomainError(gettext("Pick what kind of problem it is."), field="kind")
    text = text.strip()
    if not text:
        raise DomainError(gettext("Describe what happened."), field="text")
    if request is not None and mentorship is None:
        mentorship = request.mentorship  # an accepted request's report concerns its mentorship
    report = Report.objects.create(
        program=subject.program,
        reporter=reporter,
        request=request,
        mentorship=mentorship,
        kind=kind,
        text=text,
    )
    emit(report.program, "problem.reported", report=report.pk, kind=kind)
    admins = [
        p.user
        for p in program_admin_participations()
        .filter(program=subject.program)
        .select_related("user")
    ]
    notify_many(
        recipients=admins,
        kind=Notification.Kind.REPORT,
        title=format_lazy(REPORT_TITLES[Report.Kind(kind)], program=subject.program.name),
        link=reverse("matching:reports", kwargs={"slug": subject.program.slug}),
    )
    return report


# ---------------------------------------------------------------------------
# The program's admins, on behalf of the two people
# ---------------------------------------------------------------------------
def _name(participant: Participant) -> str:
    return participant.user.get_full_name() or participant.user.email


def _lock_for_admin(mentorship: Mentorship, actor: User, doing: str) -> Mentorship:
    mentorship = _lock(mentorship)
    require_program_admin(program=mentorship.program, actor=actor, doing=doing)
    return mentorship


def _require_live(mentorship: Mentorship, doing: str) -> None:
    if mentorship.status not in Mentorship.LIVE_STATUSES:
        raise DomainError(
            (
                gettext("This mentorship is %(status)s: nobody can end it now.")
                if doing == "end"
                else gettext("This mentorship is %(status)s: nobody can reassign it now.")
            )
            % {"status": mentorship.get_status_display().lower()}
        )


def _required_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise DomainError(gettext("Give a reason: both people will read it."), field="reason")
    if len(reason) > 1000:
        raise DomainError(gettext("Keep the reason under 1,000 characters."), field="reason")
    return reason


# What the admins did, as each of the two reads it: "The admins of P <did> your mentorship with X".
TOLD_BOTH = {
    "paused": gettext_lazy("The admins of {program} paused your mentorship with {name}"),
    "resumed": gettext_lazy("The admins of {program} resumed your mentorship with {name}"),
    "ended": gettext_lazy("The admins of {program} ended your mentorship with {name}"),
}


def _tell_both(mentorship: Mentorship, *, what: str, body: object) -> None:
    """Each of the two, naming the other: "The admins of P <what> your mentorship with X"."""
    program = mentorship.program.name
    for person, other in (
        (mentorship.mentor, mentorship.mentee),
        (mentorship.mentee, mentorship.mentor),
    ):
        notify(
            recipient=person.user,
            kind=Notification.Kind.MENTORSHIP,
            title=format_lazy(TOLD_BOTH[what], program=program, name=_name(other)),
            body=body,
            link=_link(mentorship),
        )


def _pair(mentorship: Mentorship) -> str:
    return gettext("%(mentor)s mentoring %(mentee)s") % {
        "mentor": _name(mentorship.mentor),
        "mentee": _name(mentorship.mentee),
    }


@transaction.atomic
def mentorship_pause_for_people(*, mentorship: Mentorship, actor: User, reason: str) -> Mentorship:
    """An admin pauses an active mentorship, with a reason both people read."""
    mentorship = _lock_for_admin(mentorship, actor, gettext("pause a mentorship for its people"))
    if mentorship.status != Status.ACTIVE:
        raise DomainError(_only_active_pauses(mentorship))
    reason = _required_reason(reason)
    _move(
        mentorship,
        actor=actor,
        to_status=Status.PAUSED,
        note=gettext("Paused by the program's admins: %(reason)s") % {"reason": reason},
    )
    audit_record(
        program=mentorship.program,
        actor=actor,
        action="mentorship.pause",
        subject=_pair(mentorship),
        before={"status": Status.ACTIVE.label},
        after={"status": Status.PAUSED.label},
        reason=reason,
        mentorship=mentorship.pk,
    )
    _tell_both(
        mentorship,
        what="paused",
        body=format_lazy(
            gettext_lazy("Reason: {reason}\nEither of you can resume it when you are ready."),
            reason=reason,
        ),
    )
    return mentorship


@transaction.atomic
def mentorship_resume_for_people(
    *, mentorship: Mentorship, actor: User, reason: str = ""
) -> Mentorship:
    """An admin resumes a paused mentorship (the two people can resume it themselves, too)."""
    mentorship = _lock_for_admin(mentorship, actor, gettext("resume a mentorship for its people"))
    if mentorship.status != Status.PAUSED:
        raise DomainError(gettext("Only a paused mentorship can be resumed."))
    reason = reason.strip()
    _move(
        mentorship,
        actor=actor,
        to_status=Status.ACTIVE,
        note=gettext("Resumed by the program's admins: %(reason)s") % {"reason": reason}
        if reason
        else gettext("Resumed by the program's admins"),
    )
    audit_record(
        program=mentorship.program,
        actor=actor,
        action="mentorship.resume",
        subject=_pair(mentorship),
        before={"status": Status.PAUSED.label},
        after={"status": Status.ACTIVE.label},
        reason=reason,
        mentorship=mentorship.pk,
    )
    _tell_both(
        mentorship,
        what="resumed",
        body=format_lazy(gettext_lazy("Reason: {reason}"), reason=reason) if reason else "",
    )
    return mentorship


@transaction.atomic
def mentorship_end_for_people(
    *,
    mentorship: Mentorship,
    actor: User,
    reason: str,
    closing_reason: str = ClosingReason.OTHER,
) -> Mentorship:
    """An admin ends an active or paused mentorship, with a reason both people read."""
    mentorship = _lock_for_admin(mentorship, actor, gettext("end a mentorship for its people"))
    _require_live(mentorship, "end")
    if closing_reason not in PEOPLE_CLOSING_REASONS:
        raise DomainError(gettext("Pick a closing reason from the list."), field="closing_reason")
    reason = _required_reason(reason)
    before = mentorship.get_status_display()
    _end(
        mentorship,
        actor=actor,
        reason=closing_reason,
        note=gettext("Ended by the program's admins: %(reason)s") % {"reason": reason},
    )
    audit_record(
        program=mentorship.program,
        actor=actor,
        action="mentorship.end",
        subject=_pair(mentorship),
        before={"status": before},
        after={
            "status": mentorship.get_status_display(),
            "closing reason": mentorship.get_closing_reason_display(),
        },
        reason=reason,
        mentorship=mentorship.pk,
    )
    _tell_both(
        mentorship,
        what="ended",
        body=format_lazy(
            gettext_lazy(
                "Reason: {reason}\nTake a minute for a closing reflection; a thank-you note is "
                "always welcome."
            ),
            reason=reason,
        ),
    )
    return mentorship


@transaction.atomic
def mentorship_reassign(
    *, mentorship: Mentorship, actor: User, mentor: Participant, reason: str
) -> Mentorship:
    """Move the mentee to another mentor: the current mentorship ends (with the reason) and a new
    one starts, within the new mentor's capacity; both happen, or neither."""
    # 1. Lock, and check everything that does not need a change first.
    mentorship = _lock_for_admin(mentorship, actor, gettext("reassign a mentee"))
    _require_live(mentorship, "reassign")
    if mentor.program_id != mentorship.program_id or mentor.role != Role.MENTOR:
        raise DomainError(gettext("Pick a mentor of this program."), field="mentor")
    if mentor.pk == mentorship.mentor_id:
        raise DomainError(
            gettext("%(name)s is this mentee's mentor already.") % {"name": _name(mentor)},
            field="mentor",
        )
    reason = _required_reason(reason)
    old_mentor = mentorship.mentor
    # 2. End the current one: this frees the mentee's seat on their board of advisors.
    _end(
        mentorship,
        actor=actor,
        reason=ClosingReason.REASSIGNED,
        note=gettext("The program's admins moved the mentee to %(mentor)s: %(reason)s")
        % {"mentor": _name(mentor), "reason": reason},
    )
    # 3. Start the new one; a refusal (the new mentor is full) undoes step 2 with it.
    try:
        started = mentorship_start(
            mentor=mentor, mentee=mentorship.mentee, advisor_role=mentorship.advisor_role
        )
    except DomainError as exc:
        raise DomainError(exc.message, field="mentor") from exc
    record_change(
        mentorship=started,
        actor=actor,
        from_status="",
        to_status=started.status,
        note=gettext("Reassigned by the program's admins from %(mentor)s")
        % {"mentor": _name(old_mentor)},
    )
    # 4. Tell the three people, and write it down.
    program = mentorship.program.name
    mentee = mentorship.mentee
    notify(
        recipient=old_mentor.user,
        kind=Notification.Kind.MENTORSHIP,
        title=format_lazy(
            gettext_lazy("The admins of {program} moved {name} to another mentor"),
            program=program,
            name=_name(mentee),
        ),
        body=format_lazy(
            gettext_lazy("Reason: {reason}\nTake a minute for a closing reflection."),
            reason=reason,
        ),
        link=_link(mentorship),
    )
    notify(
        recipient=mentee.user,
        kind=Notification.Kind.MENTORSHIP,
        title=format_lazy(
            gettext_lazy("The admins of {program} moved you from {old} to {new}"),
            program=program,
            old=_name(old_mentor),
            new=_name(mentor),
        ),
        body=format_lazy(
            gettext_lazy("Reason: {reason}\nShare the goals you want {name} to see."),
            reason=reason,
            name=_name(mentor),
        ),
        link=_link(started),
    )
    notify(
        recipient=mentor.user,
        kind=Notification.Kind.MENTORSHIP,
        title=format_lazy(
            gettext_lazy("The admins of {program} matched you with {name}"),
            program=program,
            name=_name(mentee),
        ),
        body=gettext_lazy("Say hello and agree how you will work together."),
        link=_link(started),
    )
    audit_record(
        program=mentorship.program,
        actor=actor,
        action="mentorship.reassign",
        subject=_name(mentee),
        before={"mentor": _name(old_mentor), "mentorship": mentorship.pk},
        after={"mentor": _name(mentor), "mentorship": started.pk},
        reason=reason,
    )
    return started


def mentorships_close_many(
    *,
    mentorships: list[Mentorship],
    actor: User | None,
    reason: str,
    note: str,
    status: str = Status.ENDED,
) -> list[Mentorship]:
    """End (or, with ``status``, complete) many locked live mentorships at once (program
    closing, the inactivity rule, flash sessions past due): a fixed number of queries whatever
    their number. The callers tell the people."""
    live = [m for m in mentorships if m.status in Mentorship.LIVE_STATUSES]
    if not live:
        return []
    now = timezone.now()
    Mentorship.objects.filter(pk__in=[m.pk for m in live]).update(
        status=status,
        closing_reason=reason,
        closed_at=now,
        stalled_since=None,
        updated_at=now,
    )
    # An update sends no signal: the mentors have room again in their programs' rankings.
    forget_rankings({m.program_id for m in live})
    StateChange.objects.bulk_create(
        StateChange(mentorship=m, actor=actor, from_status=m.status, to_status=status, note=note)
        for m in live
    )
    for m in live:
        emit(
            m.program,
            "mentorship.completed" if status == Mentorship.Status.COMPLETED else "mentorship.ended",
            mentorship=m.pk,
            status=status,
            closing_reason=reason,
        )
    # Privacy: former mentors no longer see the mentees' goals.
    shares = Q()
    for m in live:
        shares |= Q(goal__owner_id=m.mentee_id, mentor_id=m.mentor.user_id)
    GoalShare.objects.filter(shares).delete()
    for m in live:
        m.status, m.closing_reason, m.closed_at, m.stalled_since = status, reason, now, None
    return live


def tell_both_closed(
    mentorships: list[Mentorship],
    *,
    title: Callable[[User], object],
    body: Callable[[Mentorship], object],
    skip: Iterable[int] = (),
) -> None:
    """Tell both people of each mentorship that a scan closed (``title`` of the other person,
    ``body`` of the mentorship), in a notification that links to it; not those in ``skip``
    (user ids: a leaver is not told of their own leaving)."""
    for mentorship in mentorships:
        link = reverse("matching:mentorship", kwargs={"pk": mentorship.pk})
        for person, other in mentorship.each_with_other(skip=skip):
            notify(
                recipient=person,
                kind=Notification.Kind.MENTORSHIP,
                title=title(other),
                body=body(mentorship),
                link=link,
            )

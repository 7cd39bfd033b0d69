"""The mentorship life cycle: active ⇄ paused → completed | ended, reflections and reports."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from goals.models import GoalShare
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
from mentorship.cache import DIRECTORY_VERSION
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


@transaction.atomic
def mentorship_pause(*, mentorship: Mentorship, actor: User) -> Mentorship:
    """Either side pauses: no nudges until it resumes."""
    mentorship = _lock(mentorship)
    other = _other(mentorship, actor)
    if other is None:
        raise DomainError("Only the two people in a mentorship can pause it.")
    if mentorship.status != Status.ACTIVE:
        raise DomainError(
            f"Only an active mentorship can be paused; this one is {mentorship.get_status_display().lower()}."
        )
    _move(mentorship, actor=actor, to_status=Status.PAUSED)
    notify(
        recipient=other,
        kind=Notification.Kind.MENTORSHIP,
        title=f"{actor.get_full_name()} paused your mentorship",
        link=_link(mentorship),
    )
    return mentorship


@transaction.atomic
def mentorship_resume(*, mentorship: Mentorship, actor: User) -> Mentorship:
    mentorship = _lock(mentorship)
    other = _other(mentorship, actor)
    if other is None:
        raise DomainError("Only the two people in a mentorship can resume it.")
    if mentorship.status != Status.PAUSED:
        raise DomainError("Only a paused mentorship can be resumed.")
    _move(mentorship, actor=actor, to_status=Status.ACTIVE)
    notify(
        recipient=other,
        kind=Notification.Kind.MENTORSHIP,
        title=f"{actor.get_full_name()} resumed your mentorship",
        link=_link(mentorship),
    )
    return mentorship


@transaction.atomic
def mentorship_set_end_date(*, mentorship: Mentorship, ends_on: date, actor: User) -> Mentorship:
    """Set when the formal relationship ends (the pair agree it in their norms)."""
    mentorship = _lock(mentorship)
    if _other(mentorship, actor) is None:
        raise DomainError("Only the two people in a mentorship set its end date.")
    if ends_on <= mentorship.started_at.date():
        raise DomainError("The end date must come after the start.", field="ends_on")
    if mentorship.ends_on != ends_on:
        old = mentorship.ends_on
        mentorship.ends_on = ends_on
        mentorship.save(update_fields=["ends_on", "updated_at"])
        record_change(
            mentorship=mentorship,
            actor=actor,
            from_status=mentorship.status,
            to_status=mentorship.status,
            note=f"End date {old or 'open'} → {ends_on}",
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
            "Only the two people in a mentorship, or the program's admins, can close it."
        )
    if mentorship.status not in Mentorship.LIVE_STATUSES:
        raise DomainError(f"This mentorship is {mentorship.get_status_display().lower()} already.")
    if reason not in PEOPLE_CLOSING_REASONS:
        raise DomainError("Pick a closing reason from the list.", field="reason")
    completed = reason in (ClosingReason.GOALS_MET, ClosingReason.RAN_ITS_COURSE) and not by_admin
    _end(mentorship, actor=actor, reason=reason, note=note.strip(), completed=completed)
    verb = "completed" if completed else "ended"
    notify_many(
        recipients=[
            p.user for p in (mentorship.mentor, mentorship.mentee) if p.user_id != actor.pk
        ],
        kind=Notification.Kind.MENTORSHIP,
        title=f"Your mentorship was {verb}: take a minute for a closing reflection",
        body=f"Reason: {mentorship.get_closing_reason_display()}. A thank-you note is always welcome.",
        link=_link(mentorship),
    )
    return mentorship


@transaction.atomic
def reflection_add(*, mentorship: Mentorship, author: User, text: str) -> Reflection:
    """One closing reflection per person, once the mentorship is over."""
    if author.pk not in (mentorship.mentor.user_id, mentorship.mentee.user_id):
        raise DomainError("Only the two people in a mentorship reflect on it.")
    if mentorship.status in Mentorship.LIVE_STATUSES:
        raise DomainError("Reflections come when the mentorship closes.")
    text = text.strip()
    if not text:
        raise DomainError("Write a few words.", field="text")
    if Reflection.objects.filter(mentorship=mentorship, author=author).exists():
        raise DomainError("You have written your reflection already.")
    return Reflection.objects.create(mentorship=mentorship, author=author, text=text)


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
        raise DomainError("A report is about a request or a mentorship.")
    if reporter.pk not in (subject.mentor.user_id, subject.mentee.user_id):
        raise DomainError("Only the people involved can report a problem here.")
    if kind not in Report.Kind.values:
        raise DomainError("Pick what kind of problem it is.", field="kind")
    text = text.strip()
    if not text:
        raise DomainError("Describe what happened.", field="text")
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
        title=f"A {report.get_kind_display().lower()} report in {subject.program.name}",
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
            f"This mentorship is {mentorship.get_status_display().lower()}: nobody can {doing} it now."
        )


def _required_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise DomainError("Give a reason: both people will read it.", field="reason")
    if len(reason) > 1000:
        raise DomainError("Keep the reason under 1,000 characters.", field="reason")
    return reason


def _tell_both(mentorship: Mentorship, *, what: str, body: str) -> None:
    """Each of the two, naming the other: "The admins of P <what> your mentorship with X"."""
    program = mentorship.program.name
    for person, other in (
        (mentorship.mentor, mentorship.mentee),
        (mentorship.mentee, mentorship.mentor),
    ):
        notify(
            recipient=person.user,
            kind=Notification.Kind.MENTORSHIP,
            title=f"The admins of {program} {what} your mentorship with {_name(other)}",
            body=body,
            link=_link(mentorship),
        )


def _pair(mentorship: Mentorship) -> str:
    return f"{_name(mentorship.mentor)} mentoring {_name(mentorship.mentee)}"


@transaction.atomic
def mentorship_pause_for_people(*, mentorship: Mentorship, actor: User, reason: str) -> Mentorship:
    """An admin pauses an active mentorship, with a reason both people read."""
    mentorship = _lock_for_admin(mentorship, actor, "pause a mentorship for its people")
    if mentorship.status != Status.ACTIVE:
        raise DomainError(
            f"Only an active mentorship can be paused; this one is {mentorship.get_status_display().lower()}."
        )
    reason = _required_reason(reason)
    _move(
        mentorship,
        actor=actor,
        to_status=Status.PAUSED,
        note=f"Paused by the program's admins: {reason}",
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
        body=f"Reason: {reason}\nEither of you can resume it when you are ready.",
    )
    return mentorship


@transaction.atomic
def mentorship_resume_for_people(
    *, mentorship: Mentorship, actor: User, reason: str = ""
) -> Mentorship:
    """An admin resumes a paused mentorship (the two people can resume it themselves, too)."""
    mentorship = _lock_for_admin(mentorship, actor, "resume a mentorship for its people")
    if mentorship.status != Status.PAUSED:
        raise DomainError("Only a paused mentorship can be resumed.")
    reason = reason.strip()
    _move(
        mentorship,
        actor=actor,
        to_status=Status.ACTIVE,
        note=f"Resumed by the program's admins{': ' + reason if reason else ''}",
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
    _tell_both(mentorship, what="resumed", body=f"Reason: {reason}" if reason else "")
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
    mentorship = _lock_for_admin(mentorship, actor, "end a mentorship for its people")
    _require_live(mentorship, "end")
    if closing_reason not in PEOPLE_CLOSING_REASONS:
        raise DomainError("Pick a closing reason from the list.", field="closing_reason")
    reason = _required_reason(reason)
    before = mentorship.get_status_display()
    _end(
        mentorship,
        actor=actor,
        reason=closing_reason,
        note=f"Ended by the program's admins: {reason}",
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
        body=f"Reason: {reason}\nTake a minute for a closing reflection; a thank-you note is always welcome.",
    )
    return mentorship


@transaction.atomic
def mentorship_reassign(
    *, mentorship: Mentorship, actor: User, mentor: Participant, reason: str
) -> Mentorship:
    """Move the mentee to another mentor: the current mentorship ends (with the reason) and a new
    one starts, within the new mentor's capacity; both happen, or neither."""
    # 1. Lock, and check everything that does not need a change first.
    mentorship = _lock_for_admin(mentorship, actor, "reassign a mentee")
    _require_live(mentorship, "reassign")
    if mentor.program_id != mentorship.program_id or mentor.role != Role.MENTOR:
        raise DomainError("Pick a mentor of this program.", field="mentor")
    if mentor.pk == mentorship.mentor_id:
        raise DomainError(f"{_name(mentor)} is this mentee's mentor already.", field="mentor")
    reason = _required_reason(reason)
    old_mentor = mentorship.mentor
    # 2. End the current one: this frees the mentee's seat on their board of advisors.
    _end(
        mentorship,
        actor=actor,
        reason=ClosingReason.REASSIGNED,
        note=f"The program's admins moved the mentee to {_name(mentor)}: {reason}",
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
        note=f"Reassigned by the program's admins from {_name(old_mentor)}",
    )
    # 4. Tell the three people, and write it down.
    program = mentorship.program.name
    mentee = mentorship.mentee
    notify(
        recipient=old_mentor.user,
        kind=Notification.Kind.MENTORSHIP,
        title=f"The admins of {program} moved {_name(mentee)} to another mentor",
        body=f"Reason: {reason}\nTake a minute for a closing reflection.",
        link=_link(mentorship),
    )
    notify(
        recipient=mentee.user,
        kind=Notification.Kind.MENTORSHIP,
        title=f"The admins of {program} moved you from {_name(old_mentor)} to {_name(mentor)}",
        body=f"Reason: {reason}\nShare the goals you want {_name(mentor)} to see.",
        link=_link(started),
    )
    notify(
        recipient=mentor.user,
        kind=Notification.Kind.MENTORSHIP,
        title=f"The admins of {program} matched you with {_name(mentee)}",
        body="Say hello and agree how you will work together.",
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
    DIRECTORY_VERSION.change()  # an update sends no signal: the mentors have room again
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
    title: Callable[[User], str],
    body: Callable[[Mentorship], str],
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

"""The mentorship life cycle: active ⇄ paused → completed | ended, reflections and reports."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from goals.models import GoalShare
from matching.models import ClosingReason, Mentorship, MentorshipRequest, Reflection, Report
from matching.requests import record_change
from mentorship.errors import DomainError
from notifications.models import Notification
from notifications.services import notify, notify_many
from programs.models import Participant, Role

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


def _is_program_admin(user: User, mentorship: Mentorship) -> bool:
    return Participant.objects.filter(
        user=user,
        program_id=mentorship.program_id,
        role=Role.ADMIN,
        status=Participant.Status.ACTIVE,
    ).exists()


def _move(mentorship: Mentorship, *, actor: User, to_status: str, note: str = "") -> Mentorship:
    from_status = mentorship.status
    mentorship.status = to_status
    mentorship.save(update_fields=["status", "closing_reason", "closed_at", "updated_at"])
    record_change(
        mentorship=mentorship, actor=actor, from_status=from_status, to_status=to_status, note=note
    )
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
    by_admin = other is None and _is_program_admin(actor, mentorship)
    if other is None and not by_admin:
        raise DomainError(
            "Only the two people in a mentorship, or the program's admins, can close it."
        )
    if mentorship.status not in (Status.ACTIVE, Status.PAUSED):
        raise DomainError(f"This mentorship is {mentorship.get_status_display().lower()} already.")
    if reason not in ClosingReason.values:
        raise DomainError("Pick a closing reason from the list.", field="reason")
    completed = reason in (ClosingReason.GOALS_MET, ClosingReason.RAN_ITS_COURSE) and not by_admin
    mentorship.closing_reason = reason
    mentorship.closed_at = timezone.now()
    _move(
        mentorship,
        actor=actor,
        to_status=Status.COMPLETED if completed else Status.ENDED,
        note=note.strip(),
    )
    # Privacy: a former mentor no longer sees the mentee's goals.
    GoalShare.objects.filter(goal__owner=mentorship.mentee, mentor=mentorship.mentor.user).delete()
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
    if mentorship.status in (Status.ACTIVE, Status.PAUSED):
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
    admins = [
        p.user
        for p in Participant.objects.filter(
            program=subject.program, role=Role.ADMIN, status=Participant.Status.ACTIVE
        ).select_related("user")
    ]
    notify_many(
        recipients=admins,
        kind=Notification.Kind.REPORT,
        title=f"A {report.get_kind_display().lower()} report in {subject.program.name}",
        link=reverse("matching:reports", kwargs={"slug": subject.program.slug}),
    )
    return report


@transaction.atomic
def report_resolve(*, report: Report, actor: User) -> Report:
    if report.resolved_at is not None:
        raise DomainError("This report is resolved already.")
    report.resolved_at = timezone.now()
    report.save(update_fields=["resolved_at", "updated_at"])
    return report

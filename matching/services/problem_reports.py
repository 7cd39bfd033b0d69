"""The admins' queue of reported problems: open → in review → resolved, notes, and actions.

Every action is an admin's, checked here as well as in the views, and written to the audit log.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy

from accounts.models import User
from matching.models import MentorProfile, Report, ReportNote
from matching.services.mentorships import mentorship_end_for_people
from mentorship.errors import DomainError
from notifications.models import Notification
from notifications.services import notify
from programs.access import require_program_admin
from programs.models import Participant
from programs.services import audit_record

Status = Report.Status


def _lock(report: Report, actor: User, doing: str) -> Report:
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related(
            "program",
            "reporter",
            "mentorship__mentor__user",
            "mentorship__mentee__user",
            "request__mentor__user",
            "request__mentee__user",
        )
        .get(pk=report.pk)
    )
    require_program_admin(program=report.program, actor=actor, doing=doing)
    return report


def _label(report: Report) -> str:
    return gettext("%(kind)s report #%(number)s") % {
        "kind": report.get_kind_display(),
        "number": report.pk,
    }


def _name(participant: Participant) -> str:
    return participant.user.get_full_name() or participant.user.email


def reported_person(report: Report) -> Participant | None:
    """Who a report is about: the other one of the mentorship or request than the reporter.

    None when that cannot be told (the reporter's account is gone, or they were not one of
    the two).
    """
    subject = report.subject
    if subject is None or report.reporter_id is None:
        return None
    if report.reporter_id == subject.mentor.user_id:
        return subject.mentee
    if report.reporter_id == subject.mentee.user_id:
        return subject.mentor
    return None


def _note(report: Report, actor: User, text: str) -> ReportNote:
    return ReportNote.objects.create(report=report, author=actor, text=text)


def _set_status(report: Report, status: str) -> None:
    report.status = status
    report.resolved_at = timezone.now() if status == Status.RESOLVED else None
    report.save(update_fields=["status", "resolved_at", "updated_at"])


def _set_status_audited(report: Report, actor: User, status: str) -> None:
    """An admin's move of the report along the queue, with its before and after in the log."""
    before = report.get_status_display()
    _set_status(report, status)
    audit_record(
        program=report.program,
        actor=actor,
        action="report.status",
        subject=_label(report),
        before={"status": before},
        after={"status": report.get_status_display()},
    )


def _into_review(report: Report) -> None:
    """Acting on an open report puts it in review."""
    if report.status == Status.OPEN:
        _set_status(report, Status.IN_REVIEW)


@transaction.atomic
def report_status_set(*, report: Report, actor: User, status: str) -> Report:
    """Move a report along the queue: open, in review, resolved (or back to open)."""
    report = _lock(report, actor, gettext("handle reports"))
    if status not in Status.values:
        raise DomainError(gettext("Pick a status from the list."), field="status")
    if report.status == status:
        raise DomainError(
            gettext("This report is %(status)s already.")
            % {"status": report.get_status_display().lower()}
        )
    _set_status_audited(report, actor, status)
    return report


def report_resolve(*, report: Report, actor: User) -> Report:
    """Mark a report resolved."""
    return report_status_set(report=report, actor=actor, status=Status.RESOLVED)


@transaction.atomic
def report_note_add(*, report: Report, actor: User, text: str) -> ReportNote:
    """An admin's note on a report; only the program's admins read notes."""
    report = _lock(report, actor, gettext("write notes on reports"))
    text = text.strip()
    if not text:
        raise DomainError(gettext("Write the note first."), field="text")
    if len(text) > 5000:
        raise DomainError(gettext("Keep a note under 5,000 characters."), field="text")
    return _note(report, actor, text)


@transaction.atomic
def report_warn(*, report: Report, actor: User, message: str) -> Report:
    """Warn the person reported (see `reported_person`) in-app, in the admin's words."""
    report = _lock(report, actor, gettext("warn people"))
    if report.status == Status.RESOLVED:
        raise DomainError(gettext("This report is resolved; reopen it to act on it."))
    warned = reported_person(report)
    if warned is None:
        raise DomainError(
            gettext(
                "The reporter's account is gone, so it cannot be told who was reported; nobody "
                "was warned."
            )
        )
    message = message.strip()
    if not message:
        raise DomainError(
            gettext("Write the warning: the person will read it as it is."), field="message"
        )
    if len(message) > 2000:
        raise DomainError(gettext("Keep the warning under 2,000 characters."), field="message")
    program = report.program
    notify(
        recipient=warned.user,
        kind=Notification.Kind.GENERAL,
        title=format_lazy(
            gettext_lazy("A warning from the admins of {program}"), program=program.name
        ),
        body=message,
        link=program.get_absolute_url(),
    )
    _note(
        report,
        actor,
        gettext("Warned %(name)s: %(message)s") % {"name": _name(warned), "message": message},
    )
    _into_review(report)
    audit_record(
        program=program,
        actor=actor,
        action="report.warn",
        subject=_name(warned),
        report=report.pk,
        message=message,
    )
    return report


def _reported_mentor(report: Report) -> Participant:
    subject = report.subject
    if subject is None:
        raise DomainError(gettext("The request or mentorship of this report no longer exists."))
    return subject.mentor


@transaction.atomic
def report_pause_mentor_requests(*, report: Report, actor: User) -> MentorProfile:
    """Stop the reported mentor's new requests until the admins lift it: their profile's
    "accepting requests" goes off, and they cannot switch it back on themselves."""
    report = _lock(report, actor, gettext("pause a mentor's requests"))
    if report.status == Status.RESOLVED:
        raise DomainError(gettext("This report is resolved; reopen it to act on it."))
    mentor = _reported_mentor(report)
    if report.reporter_id == mentor.user_id:
        raise DomainError(
            gettext("%(name)s filed this report: pausing their requests would punish the reporter.")
            % {"name": _name(mentor)}
        )
    profile, _ = MentorProfile.objects.select_for_update().get_or_create(participant=mentor)
    if profile.paused_by_admins_at is not None:
        raise DomainError(
            gettext("%(name)s takes no new requests already: the admins paused them.")
            % {"name": _name(mentor)}
        )
    _set_admins_pause(
        report,
        actor,
        mentor,
        profile,
        paused=True,
        told=(
            format_lazy(
                gettext_lazy("The admins of {program} paused new requests to you"),
                program=report.program.name,
            ),
            gettext_lazy(
                "Mentees cannot send you new requests until the admins lift the pause; your "
                "mentorships go on. The admins will be in touch."
            ),
        ),
        noted=gettext("Paused new requests to %(name)s.") % {"name": _name(mentor)},
    )
    _into_review(report)
    return profile


@transaction.atomic
def report_resume_mentor_requests(*, report: Report, actor: User) -> MentorProfile:
    """Lift the admins' pause of the reported mentor's new requests (also once the report is
    resolved): mentees can send them requests again."""
    report = _lock(report, actor, gettext("let a mentor take requests again"))
    mentor = _reported_mentor(report)
    profile = MentorProfile.objects.select_for_update().filter(participant=mentor).first()
    if profile is None or profile.paused_by_admins_at is None:
        raise DomainError(
            gettext("The admins have not paused %(name)s's new requests.") % {"name": _name(mentor)}
        )
    if actor.pk == mentor.user_id:
        raise DomainError(
            gettext("Another admin of the program lifts a pause on your own requests.")
        )
    reopened = profile.accepting_before_pause is not False
    _set_admins_pause(
        report,
        actor,
        mentor,
        profile,
        paused=False,
        told=(
            format_lazy(
                gettext_lazy("The admins of {program} lifted the pause on your requests"),
                program=report.program.name,
            ),
            gettext_lazy(
                "Mentees can send you new requests again. Your profile says how many you can take."
            )
            if reopened
            else gettext_lazy(
                "Your requests stay off, as you had set them before the pause; your profile "
                "can switch them on."
            ),
        ),
        noted=gettext("Lifted the pause on %(name)s's new requests.") % {"name": _name(mentor)},
    )
    return profile


def _set_admins_pause(
    report: Report,
    actor: User,
    mentor: Participant,
    profile: MentorProfile,
    *,
    paused: bool,
    told: tuple[object, object],
    noted: str,
) -> None:
    """Pause (remembering the mentor's own setting) or lift (giving it back): save it, tell the
    mentor, note it on the report, audit before and after."""
    before = {
        "accepting requests": profile.accepting_requests,
        "paused by the admins": profile.paused_by_admins_at is not None,
    }
    if paused:
        profile.accepting_before_pause = profile.accepting_requests
        profile.accepting_requests = False
        profile.paused_by_admins_at = timezone.now()
    else:
        profile.accepting_requests = profile.accepting_before_pause is not False
        profile.accepting_before_pause = None
        profile.paused_by_admins_at = None
    profile.save(
        update_fields=[
            "accepting_requests",
            "accepting_before_pause",
            "paused_by_admins_at",
            "updated_at",
        ]
    )
    program = report.program
    title, body = told
    notify(
        recipient=mentor.user,
        kind=Notification.Kind.GENERAL,
        title=title,
        body=body,
        link=reverse("matching:profile", kwargs={"slug": program.slug}),
    )
    _note(report, actor, noted)
    audit_record(
        program=program,
        actor=actor,
        action="mentor.requests_pause" if paused else "mentor.requests_resume",
        subject=_name(mentor),
        before=before,
        after={"accepting requests": profile.accepting_requests, "paused by the admins": paused},
        report=report.pk,
    )


@transaction.atomic
def report_end_mentorship(
    *, report: Report, actor: User, reason: str, closing_reason: str
) -> Report:
    """End the reported mentorship and resolve the report, together."""
    report = _lock(report, actor, gettext("end mentorships"))
    if report.mentorship is None:
        raise DomainError(gettext("This report is about a request, not a mentorship."))
    mentorship_end_for_people(
        mentorship=report.mentorship, actor=actor, reason=reason, closing_reason=closing_reason
    )
    _note(
        report,
        actor,
        gettext("Ended the mentorship: %(reason)s") % {"reason": reason.strip()},
    )
    if report.status != Status.RESOLVED:
        _set_status_audited(report, actor, Status.RESOLVED)
    return report

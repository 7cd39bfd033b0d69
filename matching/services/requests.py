"""The request life cycle: pending → accepted | declined | redirected | withdrawn | expired | closed.

Every change goes through one function here, inside a transaction that locks the request row,
records a StateChange (who, when, from, to) and tells the other person in-app.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy, ngettext

from accounts.models import User
from goals.models import Goal
from matching.directory.cache import forget as forget_rankings
from matching.models import (
    AdvisorRole,
    Block,
    MentorProfile,
    Mentorship,
    MentorshipRequest,
    RequestMessage,
    StateChange,
)
from matching.reminders import request_expired_schedule
from matching.services.start import mentorship_start
from mentorship.errors import DomainError
from notifications.models import Notification
from notifications.services import notifications_resolve, notify
from programs.events import emit
from programs.models import Participant, Program, Role, Topic

Status = MentorshipRequest.Status
DECLINE_COOLDOWN = timedelta(days=30)


# A mentor's answers to a request (a withdrawal or an expiry is no answer).
ANSWERS = (Status.ACCEPTED, Status.DECLINED, Status.REDIRECTED)


def record_change(
    *,
    actor: User | None,
    from_status: str,
    to_status: str,
    request: MentorshipRequest | None = None,
    mentorship: Mentorship | None = None,
    note: str = "",
) -> StateChange:
    """Write who moved what from which state to which. A request that leaves "pending" no
    longer asks its mentor for an answer: that notification is resolved."""
    if request is not None and from_status == Status.PENDING and to_status != Status.PENDING:
        notifications_resolve(recipient_id=request.mentor.user_id, key=_answer_key(request))
        if to_status in ANSWERS:
            emit(request.program, "request.answered", request=request.pk, status=to_status)
    return StateChange.objects.create(
        request=request,
        mentorship=mentorship,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )


def _link(request: MentorshipRequest) -> str:
    return reverse("matching:request", kwargs={"pk": request.pk})


def _answer_key(request: MentorshipRequest) -> str:
    return f"request:{request.pk}:answer"


def _tell(
    user: User,
    title: object,
    request: MentorshipRequest,
    body: object = "",
    *,
    asks_answer: bool = False,
) -> None:
    """Tell one of the two in-app; ``title`` and ``body`` are lazy text, made in their language."""
    notify(
        recipient=user,
        kind=Notification.Kind.REQUEST,
        title=title,
        body=body,
        link=_link(request),
        resolved_by=_answer_key(request) if asks_answer else "",
    )


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _day(value: date) -> str:
    """A date as refusals write it: "05 Mar 2025" (the month in the reader's language)."""
    return date_format(value, "d M Y")


def _program_is_running(program: Program, today: date) -> bool:
    return program.starts_on <= today and (program.ends_on is None or today <= program.ends_on)


def request_refusal(
    *, mentee: Participant, mentor: Participant, now: datetime | None = None
) -> str | None:
    """Which limit a new request from ``mentee`` to ``mentor`` would break, in words; None if it fits."""
    now = now or timezone.now()
    program = mentee.program
    name = mentor.user.get_full_name()
    if mentor.program_id != mentee.program_id:
        return gettext("You can only ask mentors of your own program.")
    if mentee.status != Participant.Status.ACTIVE or mentee.role != Role.MENTEE:
        return gettext("Only active mentees of the program can send requests.")
    if mentor.status != Participant.Status.ACTIVE or mentor.role != Role.MENTOR:
        return gettext("%(name)s is not an active mentor in %(program)s.") % {
            "name": name,
            "program": program.name,
        }
    if mentor.user_id == mentee.user_id:
        return gettext("You cannot ask yourself.")
    if Block.objects.filter(
        person_id=mentor.user_id, other_id=mentee.user_id, kind=Block.Kind.BLOCK
    ).exists():
        return gettext("%(name)s does not take requests from you.") % {"name": name}
    if not _program_is_running(program, timezone.localdate(now)):
        return gettext(
            "%(program)s is not running now (%(start)s–%(end)s), so it takes no requests."
        ) % {
            "program": program.name,
            "start": _day(program.starts_on),
            "end": program.ends_on or gettext("open end"),
        }
    if not program.mentees_request:
        return gettext("In %(program)s the admins match people; ask them rather than a mentor.") % {
            "program": program.name
        }
    profile = MentorProfile.objects.filter(participant=mentor).first()
    if profile is None or not profile.accepting_requests:
        return gettext(
            "%(name)s is not accepting new requests right now. Try another mentor from the "
            "directory."
        ) % {"name": name}
    if profile.away_until and profile.away_until > timezone.localdate(now):
        return gettext(
            "%(name)s is away until %(date)s. Ask again after that, or try another mentor."
        ) % {"name": name, "date": _day(profile.away_until)}
    live = Mentorship.objects.filter(mentor=mentor, status__in=Mentorship.LIVE_STATUSES)
    if live.filter(mentee=mentee).exists():
        return gettext("%(name)s is already your mentor.") % {"name": name}
    if live.count() >= program.seats(profile.capacity):
        return gettext(
            "%(name)s is full (%(capacity)s). Try another mentor from the directory."
        ) % {"name": name, "capacity": program.capacity_words(profile.capacity)}
    board = Mentorship.objects.filter(mentee=mentee, status__in=Mentorship.LIVE_STATUSES).count()
    if board >= program.max_mentors_per_mentee:
        return ngettext(
            "You already have %(count)s mentor, the most %(program)s allows.",
            "You already have %(count)s mentors, the most %(program)s allows.",
            board,
        ) % {"count": board, "program": program.name}
    pending = MentorshipRequest.objects.filter(mentee=mentee, status=Status.PENDING)
    if pending.filter(mentor=mentor).exists():
        return gettext("You already have a request waiting with %(name)s.") % {"name": name}
    if pending.count() >= program.max_pending_requests_per_mentee:
        return gettext(
            "You have %(count)s requests waiting, the most %(program)s allows. Withdraw one, or "
            "wait for an answer."
        ) % {"count": program.max_pending_requests_per_mentee, "program": program.name}
    declined = (
        MentorshipRequest.objects.filter(
            mentee=mentee,
            mentor=mentor,
            status=Status.DECLINED,
            closed_at__gt=now - DECLINE_COOLDOWN,
        )
        .order_by("-closed_at")
        .first()
    )
    if declined is not None and declined.closed_at is not None:
        again = timezone.localdate(declined.closed_at + DECLINE_COOLDOWN)
        return gettext("%(name)s declined your last request; you can ask again from %(date)s.") % {
            "name": name,
            "date": _day(again),
        }
    return None


@transaction.atomic
def request_create(
    *,
    mentee: Participant,
    mentor: Participant,
    goals: Iterable[Goal],
    topic: Topic | None,
    why_this_mentor: str,
    first_step: str = "",
    advisor_role: str = "",
    redirected_from: MentorshipRequest | None = None,
) -> MentorshipRequest:
    """Send a specific, small ask to a mentor, within every limit."""
    # 1. Lock the mentee's row: two requests sent at once must not both slip under the limit.
    mentee = (
        Participant.objects.select_for_update().select_related("program", "user").get(pk=mentee.pk)
    )
    mentor = Participant.objects.select_related("user", "program").get(pk=mentor.pk)
    refusal = request_refusal(mentee=mentee, mentor=mentor)
    if refusal:
        raise DomainError(refusal)
    # 2. Check what the ask cites.
    goals = list(goals)
    if not goals:
        raise DomainError(gettext("Say which of your goals this is about."), field="goals")
    if any(g.owner_id != mentee.pk or g.status != Goal.Status.ACTIVE for g in goals):
        raise DomainError(
            gettext("A request cites your own active goals in this program."), field="goals"
        )
    if topic is None:
        raise DomainError(gettext("Name the specific topic you want help with."), field="topic")
    if topic.organization_id != mentee.program.organization_id:
        raise DomainError(gettext("Pick a topic from this program's list."), field="topic")
    refusal = cannot_help_refusal(mentor, topic)
    if refusal:
        raise DomainError(refusal, field="topic")
    why_this_mentor = why_this_mentor.strip()
    if len(why_this_mentor) < 10:
        raise DomainError(
            gettext("Say in a sentence why you are asking this mentor."), field="why_this_mentor"
        )
    if advisor_role and advisor_role not in AdvisorRole.values:
        raise DomainError(gettext("Pick a role from the list."), field="advisor_role")
    # 3. Write it and tell the mentor.
    now = timezone.now()
    request = MentorshipRequest.objects.create(
        program=mentee.program,
        mentee=mentee,
        mentor=mentor,
        topic=topic,
        why_this_mentor=why_this_mentor,
        first_step=(first_step or "").strip() or gettext("A 30-minute intro conversation"),
        advisor_role=advisor_role,
        redirected_from=redirected_from,
        expires_at=now + timedelta(days=mentee.program.request_expiry_days),
    )
    request.goals.set(goals)
    record_change(request=request, actor=mentee.user, from_status="", to_status=Status.PENDING)
    emit(
        request.program,
        "request.sent",
        request=request.pk,
        mentor=mentor.pk,
        mentee=mentee.pk,
        expires_at=request.expires_at,
    )
    _tell(
        mentor.user,
        format_lazy(
            gettext_lazy("{name} asks for your help with {topic}"),
            name=mentee.user.get_full_name(),
            topic=topic.name,
        ),
        request,
        body=format_lazy(gettext_lazy("First step they propose: {step}."), step=request.first_step),
        asks_answer=True,
    )
    return request


def cannot_help_refusal(mentor: Participant, topic: Topic) -> str:
    """The mentor's own boundary: a topic they list under "Cannot help with" is refused, in
    their words where they wrote some; "" when they can be asked about it."""
    profile = MentorProfile.objects.filter(participant=mentor, cannot_help_topics=topic).first()
    if profile is None:
        return ""
    words = profile.cannot_help_with.strip()
    values = {"name": mentor.user.get_full_name(), "topic": topic.name, "words": words}
    if words:
        return (
            gettext(
                "%(name)s cannot help with %(topic)s: they list it under “Cannot help with”. "
                "In their words: “%(words)s” Pick another topic, or ask a mentor who offers it."
            )
            % values
        )
    return (
        gettext(
            "%(name)s cannot help with %(topic)s: they list it under “Cannot help with”. Pick "
            "another topic, or ask a mentor who offers it."
        )
        % values
    )


def _lock(request: MentorshipRequest) -> MentorshipRequest:
    # Lock only the request row: PostgreSQL refuses FOR UPDATE on the nullable side of the
    # outer join that the optional topic brings in.
    return (
        MentorshipRequest.objects.select_for_update(of=("self",))
        .select_related("mentee__user", "mentor__user", "program", "topic")
        .get(pk=request.pk)
    )


def _require_pending(request: MentorshipRequest) -> None:
    if request.status != Status.PENDING:
        raise DomainError(
            gettext("This request is %(status)s already.")
            % {"status": request.get_status_display().lower()}
        )


def _require_actor(request: MentorshipRequest, actor: User, side: str) -> None:
    person = request.mentor if side == "mentor" else request.mentee
    if person.user_id != actor.pk:
        raise DomainError(
            gettext("Only the request's mentor can do that.")
            if side == "mentor"
            else gettext("Only the request's mentee can do that.")
        )


def _finish(
    request: MentorshipRequest,
    *,
    actor: User | None,
    to_status: str,
    note: str = "",
    fields: Iterable[str] = (),
) -> None:
    from_status = request.status
    now = timezone.now()
    request.status = to_status
    request.closed_at = now
    if actor is not None and actor.pk == request.mentor.user_id and request.answered_at is None:
        request.answered_at = now
    request.save(update_fields=["status", "closed_at", "answered_at", "updated_at", *fields])
    record_change(
        request=request, actor=actor, from_status=from_status, to_status=to_status, note=note
    )


@transaction.atomic
def request_accept(*, request: MentorshipRequest, actor: User) -> Mentorship:
    """Say yes: the mentorship starts (within capacity), and the mentee's overlapping asks close."""
    request = _lock(request)
    _require_actor(request, actor, "mentor")
    _require_pending(request)
    if not _program_is_running(request.program, timezone.localdate()):
        raise DomainError(
            gettext("%(program)s is not running now, so no new mentorships start.")
            % {"program": request.program.name}
        )
    mentorship = mentorship_start(
        mentor=request.mentor, mentee=request.mentee, advisor_role=request.advisor_role
    )
    request.mentorship = mentorship
    _finish(request, actor=actor, to_status=Status.ACCEPTED, fields=["mentorship"])
    record_change(mentorship=mentorship, actor=actor, from_status="", to_status=mentorship.status)
    _tell(
        request.mentee.user,
        format_lazy(
            gettext_lazy("{name} said yes: you are now working together"),
            name=actor.get_full_name(),
        ),
        request,
        body=format_lazy(gettext_lazy("Next: {step}."), step=request.first_step),
    )
    _close_overlapping(request, actor)
    return mentorship


def _close_overlapping(accepted: MentorshipRequest, actor: User) -> None:
    """Another mentor said yes: the mentee's other asks for the same seat close."""
    others = MentorshipRequest.objects.select_for_update().filter(
        mentee=accepted.mentee, status=Status.PENDING
    )
    if accepted.advisor_role:
        others = others.filter(advisor_role=accepted.advisor_role)
    elif accepted.program.kind != Program.Kind.ONE_ON_ONE:
        return  # without roles, only a one-on-one program has a single seat to fill
    for other in others.select_related("mentor__user", "mentee__user", "program"):
        _finish(
            other, actor=None, to_status=Status.CLOSED, note=gettext("Another mentor accepted.")
        )
        _tell(
            other.mentor.user,
            format_lazy(
                gettext_lazy("{name}'s request is closed: another mentor accepted"),
                name=other.mentee.user.get_full_name(),
            ),
            other,
        )


@transaction.atomic
def request_ask_info(
    *, request: MentorshipRequest, actor: User, question: str
) -> MentorshipRequest:
    """The mentor asks for more before answering; the request waits for the mentee."""
    request = _lock(request)
    _require_actor(request, actor, "mentor")
    _require_pending(request)
    question = question.strip()
    if not question:
        raise DomainError(gettext("Write your question."), field="question")
    RequestMessage.objects.create(request=request, author=actor, body=question)
    request.waiting_on = MentorshipRequest.WaitingOn.MENTEE
    request.answered_at = request.answered_at or timezone.now()
    request.save(update_fields=["waiting_on", "answered_at", "updated_at"])
    record_change(
        request=request,
        actor=actor,
        from_status=Status.PENDING,
        to_status=Status.PENDING,
        note=gettext("Asked for more information."),
    )
    _tell(
        request.mentee.user,
        format_lazy(
            gettext_lazy("{name} asks a question about your request"), name=actor.get_full_name()
        ),
        request,
        body=question,
    )
    return request


@transaction.atomic
def request_answer(*, request: MentorshipRequest, actor: User, answer: str) -> MentorshipRequest:
    """The mentee answers the mentor's question; the request is back with the mentor."""
    request = _lock(request)
    _require_actor(request, actor, "mentee")
    _require_pending(request)
    if request.waiting_on != MentorshipRequest.WaitingOn.MENTEE:
        raise DomainError(
            gettext("The mentor has not asked anything; the request is waiting for them.")
        )
    answer = answer.strip()
    if not answer:
        raise DomainError(gettext("Write your answer."), field="answer")
    RequestMessage.objects.create(request=request, author=actor, body=answer)
    request.waiting_on = MentorshipRequest.WaitingOn.MENTOR
    request.save(update_fields=["waiting_on", "updated_at"])
    record_change(
        request=request,
        actor=actor,
        from_status=Status.PENDING,
        to_status=Status.PENDING,
        note=gettext("Answered the question."),
    )
    _tell(
        request.mentor.user,
        format_lazy(gettext_lazy("{name} answered your question"), name=actor.get_full_name()),
        request,
        body=answer,
    )
    return request


@transaction.atomic
def request_decline(
    *,
    request: MentorshipRequest,
    actor: User,
    reason: str,
    note: str = "",
    pause_until: date | None = None,
) -> MentorshipRequest:
    """Say no kindly, optionally pausing new requests until a date in the same step."""
    request = _lock(request)
    _require_actor(request, actor, "mentor")
    _require_pending(request)
    if reason not in MentorshipRequest.DeclineReason.values:
        raise DomainError(
            gettext("Pick a reason from the list (you can add your own words)."), field="reason"
        )
    if pause_until is not None and pause_until <= timezone.localdate():
        raise DomainError(gettext("The pause must end on a future date."), field="pause_until")
    request.decline_reason = reason
    request.decline_note = note.strip()
    _finish(
        request,
        actor=actor,
        to_status=Status.DECLINED,
        note=request.decline_note,
        fields=["decline_reason", "decline_note"],
    )
    if pause_until is not None:
        MentorProfile.objects.filter(participant=request.mentor).update(
            away_until=pause_until, updated_at=timezone.now()
        )
        forget_rankings([request.program_id])  # an update sends no signal
    _tell(
        request.mentee.user,
        format_lazy(gettext_lazy("{name} cannot take your request"), name=actor.get_full_name()),
        request,
        body=_declined_body(
            MentorshipRequest.DeclineReason(request.decline_reason).label, request.decline_note
        ),
    )
    return request


def _declined_words(reason: object, note: str) -> str:
    """The decline's reason, the mentor's own words and the way on, each a sentence."""
    parts = (str(reason), note, gettext("The directory has other mentors"))
    return " ".join(_sentence(part) for part in parts if part)


# Lazy: made when the notice is written, in the mentee's language.
_declined_body = lazy(_declined_words, str)


@transaction.atomic
def request_redirect(
    *, request: MentorshipRequest, actor: User, suggested: Participant, note: str = ""
) -> MentorshipRequest:
    """Point the mentee to another mentor of the program; they can re-send in one click."""
    request = _lock(request)
    _require_actor(request, actor, "mentor")
    _require_pending(request)
    if (
        suggested.program_id != request.program_id
        or suggested.role != Role.MENTOR
        or suggested.status != Participant.Status.ACTIVE
    ):
        raise DomainError(gettext("Suggest an active mentor of this program."), field="suggested")
    if suggested.pk == request.mentor_id or suggested.user_id == request.mentee.user_id:
        raise DomainError(gettext("Suggest someone else."), field="suggested")
    request.redirected_to = suggested
    _finish(
        request,
        actor=actor,
        to_status=Status.REDIRECTED,
        note=note.strip(),
        fields=["redirected_to"],
    )
    _tell(
        request.mentee.user,
        format_lazy(
            gettext_lazy("{name} suggests you ask {other} instead"),
            name=actor.get_full_name(),
            other=suggested.user.get_full_name(),
        ),
        request,
        body=note.strip(),
    )
    return request


@transaction.atomic
def request_follow_redirect(*, request: MentorshipRequest, actor: User) -> MentorshipRequest:
    """One click: the same ask, sent to the suggested mentor."""
    request = _lock(request)
    _require_actor(request, actor, "mentee")
    if request.status != Status.REDIRECTED or request.redirected_to is None:
        raise DomainError(gettext("This request was not redirected."))
    if request.follow_ups.exists():
        raise DomainError(gettext("You followed this suggestion already."))
    return request_create(
        mentee=request.mentee,
        mentor=request.redirected_to,
        goals=[g for g in request.goals.all() if g.status == Goal.Status.ACTIVE],
        topic=request.topic,
        why_this_mentor=gettext("%(name)s suggested you. %(why)s")
        % {"name": request.mentor.user.get_full_name(), "why": request.why_this_mentor},
        first_step=request.first_step,
        advisor_role=request.advisor_role,
        redirected_from=request,
    )


@transaction.atomic
def request_withdraw(*, request: MentorshipRequest, actor: User) -> MentorshipRequest:
    """The mentee takes a pending request back."""
    request = _lock(request)
    _require_actor(request, actor, "mentee")
    _require_pending(request)
    _finish(request, actor=actor, to_status=Status.WITHDRAWN)
    _tell(
        request.mentor.user,
        format_lazy(gettext_lazy("{name} withdrew their request"), name=actor.get_full_name()),
        request,
    )
    return request


def request_expire_one_due(*, now: datetime | None = None) -> bool:
    """Expire one overdue pending request; False when none is due. Safe to run anywhere, twice."""
    now = now or timezone.now()
    due = (
        MentorshipRequest.objects.filter(status=Status.PENDING, expires_at__lte=now)
        .order_by("expires_at", "id")
        .values_list("pk", flat=True)
        .first()
    )
    if due is None:
        return False
    try:
        _expire(due, now)
    except Exception:
        # Push this one back an hour so that one bad row cannot block every later expiry.
        MentorshipRequest.objects.filter(pk=due, status=Status.PENDING).update(
            expires_at=now + timedelta(hours=1)
        )
        raise
    return True


def _expire(due: int, now: datetime) -> None:
    with transaction.atomic():
        # Claim the row with a conditional update: a second worker finds it taken and moves on.
        claimed = MentorshipRequest.objects.filter(pk=due, status=Status.PENDING).update(
            status=Status.EXPIRED, closed_at=now, updated_at=now
        )
        if claimed != 1:
            return
        request = MentorshipRequest.objects.select_related(
            "mentee__user", "mentor__user", "program"
        ).get(pk=due)
        record_change(
            request=request, actor=None, from_status=Status.PENDING, to_status=Status.EXPIRED
        )
        # Through the ledger, in the same transaction: the notice exists exactly when the
        # expiry does, and delivery applies the mentee's channels and quiet hours.
        request_expired_schedule(request=request, now=now)


def requests_expire_due(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Expire overdue requests, one claimed row at a time; returns how many were looked at."""
    done = 0
    while done < limit and request_expire_one_due(now=now):
        done += 1
    return done


def requests_withdraw_for_leavers(
    *, participant_ids: list[int], actor: User | None
) -> list[MentorshipRequest]:
    """Withdraw every pending request to or from these participants, who left the organization;
    the other side hears why (a mentee: that it was nothing they did)."""
    pending = (
        MentorshipRequest.objects.select_for_update(of=("self",))
        .filter(Q(mentee_id__in=participant_ids) | Q(mentor_id__in=participant_ids))
        .filter(status=Status.PENDING)
        .select_related("mentor__user", "mentee__user", "program")
        .order_by("pk")
    )
    withdrawn = []
    for request in pending:
        _finish(
            request,
            actor=actor,
            to_status=Status.WITHDRAWN,
            note=gettext("Left the organization."),
        )
        notifications_resolve(recipient_id=request.mentor.user_id, key=_answer_key(request))
        if request.mentor_id in participant_ids and request.mentee_id not in participant_ids:
            _tell(
                request.mentee.user,
                format_lazy(
                    gettext_lazy("{name} has left the organization: your request was withdrawn"),
                    name=request.mentor.user.get_full_name(),
                ),
                request,
                gettext_lazy(
                    "Nothing you did: they can no longer mentor here. The directory shows the "
                    "mentors with room now."
                ),
            )
        elif request.mentor_id not in participant_ids:
            _tell(
                request.mentor.user,
                format_lazy(
                    gettext_lazy("{name} has left the organization: their request was withdrawn"),
                    name=request.mentee.user.get_full_name(),
                ),
                request,
            )
        withdrawn.append(request)
    return withdrawn


def requests_expire_for_program(*, program: Program, now: datetime | None = None) -> int:
    """Expire every pending request of a program that is closing; each mentee is told (ledger)."""
    now = now or timezone.now()
    pending = list(
        MentorshipRequest.objects.filter(program=program, status=Status.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in pending:
        _expire(pk, now)
    return len(pending)

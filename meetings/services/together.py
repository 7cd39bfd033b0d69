"""Writes for working together: norms, agenda, notes, action items, advice, appreciation, feedback."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from goals.models import Goal, GoalShare
from matching.models import Frequency, MeetingFormat, Mentorship, MentorshipGroup
from matching.services.mentorships import mentorship_set_end_date
from meetings.access import people_of
from meetings.models import (
    ActionItem,
    Advice,
    AgendaItem,
    Agreement,
    Appreciation,
    Meeting,
    MeetingFeedback,
    PrivateNote,
)
from meetings.services.scheduling import lazy_lower
from mentorship.errors import DomainError
from notifications.models import Notification
from notifications.services import notify

BEFORE_OR_DURING = (Meeting.Status.PROPOSED, Meeting.Status.CONFIRMED)


def _other(mentorship: Mentorship, actor: User) -> User:
    """The other person in the mentorship; a refusal for anyone who is not one of the two."""
    other = mentorship.other_person(actor.pk)
    if other is not None:
        return other
    raise DomainError(_("Only the two people in a mentorship can do that."))


def _in_meeting(meeting: Meeting, actor: User) -> list[User]:
    """Whom the actor's addition concerns: the other of the pair; in a circle, its mentor when a
    member adds (members hear of the meeting itself). Refused for anyone outside the meeting."""
    if meeting.mentorship is not None:
        return [_other(meeting.mentorship, actor)]
    people = people_of(meeting)
    if actor.pk not in {person.pk for person in people}:
        raise DomainError(_("Only the circle's mentor and its members can do that."))
    return [] if actor.pk == people[0].pk else [people[0]]


def _require_live(mentorship: Mentorship) -> None:
    if mentorship.status not in Mentorship.LIVE_STATUSES:
        raise DomainError(
            _("This mentorship is %(status)s; it takes no new entries.")
            % {"status": mentorship.get_status_display().lower()}
        )


def _tell(recipient: User, title: Any, link: str) -> None:
    """Tell someone else: ``title`` is lazy text, made in their language."""
    notify(recipient=recipient, kind=Notification.Kind.MENTORSHIP, title=title, link=link)


def _timeline(mentorship: Mentorship) -> str:
    return reverse("meetings:timeline", kwargs={"pk": mentorship.pk})


def _required(text: str, field: str, message: str) -> str:
    text = text.strip()
    if not text:
        raise DomainError(message, field=field)
    return text


def notes_digest(text: str) -> str:
    """A short fingerprint of shared notes, so a save can tell whether someone edited meanwhile."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# Norms ----------------------------------------------------------------------------------------


@transaction.atomic
def agreement_propose(
    *,
    mentorship: Mentorship,
    actor: User,
    frequency: str,
    format: str,  # noqa: A002 - the model's field name
    channel: str,
    between_meetings: str = "",
    reply_within: str = "",
    meeting_minutes: int = 30,
    ends_on: date | None = None,
    other: str = "",
) -> Agreement:
    """Propose the pair's norms, or a change to them: a new version the other person confirms."""
    other_person = _other(mentorship, actor)
    # The lock serialises version numbers: two proposals at once cannot both be version n.
    mentorship = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    _require_live(mentorship)
    norms = _checked_norms(
        frequency=frequency,
        format=format,
        channel=channel,
        between_meetings=between_meetings,
        reply_within=reply_within,
        meeting_minutes=meeting_minutes,
        ends_on=ends_on,
        other=other,
    )
    latest = Agreement.objects.filter(mentorship=mentorship).order_by("-version").first()
    agreement = Agreement.objects.create(
        mentorship=mentorship,
        version=(latest.version + 1) if latest else 1,
        proposed_by=actor,
        **norms,
    )
    _tell(
        other_person,
        format_lazy(
            gettext_lazy("{name} proposed your norms (version {version}): please confirm"),
            name=actor.get_full_name(),
            version=agreement.version,
        ),
        reverse("meetings:agreement", kwargs={"pk": mentorship.pk}),
    )
    return agreement


@transaction.atomic
def circle_norms_set(*, circle: MentorshipGroup, actor: User, **norms: Any) -> Agreement:
    """The circle's mentor sets its norms (a new version, in force at once); every member is
    told and sees them. Members speak to the mentor about a change."""
    # The lock serialises version numbers, as for a pair.
    circle = (
        MentorshipGroup.objects.select_for_update(of=("self",))
        .select_related("mentor__user")
        .get(pk=circle.pk)
    )
    if actor.pk != circle.mentor.user_id:
        raise DomainError(
            _("Only %(name)s, who leads the circle, sets its norms.")
            % {"name": circle.mentor.user.get_full_name()}
        )
    checked = _checked_norms(**{**NORMS_DEFAULTS, **norms, "ends_on": None})
    latest = Agreement.objects.filter(group=circle).order_by("-version").first()
    now = timezone.now()
    agreement = Agreement.objects.create(
        group=circle,
        version=(latest.version + 1) if latest else 1,
        proposed_by=actor,
        confirmed_by=actor,
        confirmed_at=now,
        **checked,
    )
    for member in circle.people()[1:]:
        _tell(
            member,
            format_lazy(
                gettext_lazy("{name} set your circle's norms (version {version})")
                if agreement.version > 1
                else gettext_lazy("{name} set your circle's norms"),
                name=actor.get_full_name(),
                version=agreement.version,
            ),
            circle.get_absolute_url(),
        )
    return agreement


# What a circle's mentor may leave out (a pair's norms take the same, and an end date).
NORMS_DEFAULTS: dict[str, Any] = {
    "between_meetings": "",
    "reply_within": "",
    "meeting_minutes": 30,
    "other": "",
}


def _checked_norms(
    *,
    frequency: str,
    format: str,  # noqa: A002 - the model's field name
    channel: str,
    between_meetings: str,
    reply_within: str,
    meeting_minutes: int,
    ends_on: date | None,
    other: str,
) -> dict[str, Any]:
    """Norms as the model stores them, or a refusal next to the field that breaks a rule."""
    if frequency not in Frequency.values:
        raise DomainError(_("Pick how often you meet from the list."), field="frequency")
    if format not in MeetingFormat.values:
        raise DomainError(_("Pick a meeting format from the list."), field="format")
    channel = _required(channel, "channel", _("Say where you meet: a link, a room or a number."))
    if not 10 <= meeting_minutes <= 240:
        raise DomainError(
            _("A meeting lasts between %(min)s and %(max)s minutes.") % {"min": 10, "max": 240},
            field="meeting_minutes",
        )
    if ends_on is not None and ends_on <= timezone.localdate():
        raise DomainError(_("The end date has to be in the future."), field="ends_on")
    if reply_within and reply_within not in Agreement.ReplyWithin.values:
        raise DomainError(
            _("Pick how quickly messages are answered from the list."), field="reply_within"
        )
    return {
        "reply_within": reply_within,
        "frequency": frequency,
        "format": format,
        "channel": channel,
        "between_meetings": between_meetings.strip(),
        "meeting_minutes": meeting_minutes,
        "ends_on": ends_on,
        "other": other.strip(),
    }


@transaction.atomic
def agreement_confirm(*, mentorship: Mentorship, actor: User, version: int) -> Agreement:
    """The other side confirms the latest proposal; an older version cannot be confirmed."""
    _other(mentorship, actor)
    mentorship = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    latest = Agreement.objects.filter(mentorship=mentorship).order_by("-version").first()
    if latest is None:
        raise DomainError(_("There is nothing to confirm yet: propose your norms first."))
    if latest.version != version:
        raise DomainError(
            _(
                "Version %(version)s is no longer the latest: read version %(latest)s and confirm that."
            )
            % {"version": version, "latest": latest.version}
        )
    if latest.confirmed_at is not None:
        raise DomainError(
            _("Version %(version)s is confirmed already.") % {"version": latest.version}
        )
    if latest.proposed_by_id == actor.pk:
        raise DomainError(_("You proposed this version; the other person confirms it."))
    latest.confirmed_by = actor
    latest.confirmed_at = timezone.now()
    latest.save(update_fields=["confirmed_by", "confirmed_at", "updated_at"])
    if latest.ends_on is not None:
        # The agreed end date is the relationship's: the "relationship ending" reminder reads it.
        mentorship_set_end_date(mentorship=mentorship, ends_on=latest.ends_on, actor=actor)
    if latest.proposed_by is not None:
        _tell(
            latest.proposed_by,
            format_lazy(
                gettext_lazy("{name} confirmed your norms (version {version})"),
                name=actor.get_full_name(),
                version=latest.version,
            ),
            reverse("meetings:agreement", kwargs={"pk": mentorship.pk}),
        )
    return latest


# Agenda and notes -----------------------------------------------------------------------------


@transaction.atomic
def agenda_item_add(*, meeting: Meeting, author: User, text: str) -> AgendaItem:
    """A question or topic for the meeting, added before or during it."""
    concerned = _in_meeting(meeting, author)
    if meeting.status not in BEFORE_OR_DURING:
        raise DomainError(
            _("The meeting is %(status)s: the agenda is closed.")
            % {"status": meeting.get_status_display().lower()}
        )
    text = _required(text, "text", _("Write the question or topic."))
    if len(text) > 300:
        raise DomainError(_("Keep it under 300 characters."), field="text")
    item = AgendaItem.objects.create(meeting=meeting, author=author, text=text)
    for person in concerned:
        _tell(
            person,
            format_lazy(
                gettext_lazy("{name} added to the agenda: {text}"),
                name=author.get_full_name(),
                text=text[:80],
            ),
            meeting.get_absolute_url(),
        )
    return item


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem, actor: User) -> None:
    """Its author removes an item while the meeting is still ahead."""
    _in_meeting(item.meeting, actor)
    if item.author_id != actor.pk:
        raise DomainError(_("Only whoever added an agenda item can remove it."))
    if item.meeting.status not in BEFORE_OR_DURING:
        raise DomainError(_("The meeting is over: its agenda stays as it was."))
    item.delete()


@transaction.atomic
def shared_notes_save(
    *, meeting: Meeting, author: User, text: str, base_digest: str | None = None
) -> Meeting:
    """Save the one text everyone in the meeting edits; refuse if another saved since
    ``base_digest``."""
    _in_meeting(meeting, author)
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.status == Meeting.Status.CANCELLED:
        raise DomainError(_("The meeting was cancelled: there is nothing to take notes on."))
    text = text.strip()
    # Without this check the second of two people editing at once silently wipes the first.
    if (
        base_digest is not None
        and base_digest != notes_digest(locked.shared_notes)
        and text != locked.shared_notes
    ):
        raise DomainError(
            _(
                "The notes changed while you were editing. Copy your text, reload, and add it again."
            ),
            field="text",
        )
    locked.shared_notes = text
    locked.shared_notes_edited_by = author
    locked.save(update_fields=["shared_notes", "shared_notes_edited_by", "updated_at"])
    return locked


@transaction.atomic
def private_note_save(*, meeting: Meeting, author: User, text: str) -> PrivateNote | None:
    """The author's own note on a meeting; an empty text deletes it. Nobody else ever reads it."""
    _in_meeting(meeting, author)
    text = text.strip()
    if not text:
        PrivateNote.objects.filter(meeting=meeting, author=author).delete()
        return None
    note, _created = PrivateNote.objects.update_or_create(
        meeting=meeting, author=author, defaults={"text": text}
    )
    return note


# Action items ---------------------------------------------------------------------------------


@transaction.atomic
def action_item_add(
    *,
    mentorship: Mentorship,
    actor: User,
    owner: User,
    text: str,
    due_on: date | None = None,
    meeting: Meeting | None = None,
) -> ActionItem:
    """Something one of the two will do, by a date; its owner hears of it."""
    _other(mentorship, actor)
    _require_live(mentorship)
    if owner.pk not in (mentorship.mentor.user_id, mentorship.mentee.user_id):
        raise DomainError(_("An action item belongs to one of the two of you."), field="owner")
    if meeting is not None and meeting.mentorship_id != mentorship.pk:
        raise DomainError(_("That meeting belongs to another mentorship."))
    text = _required(text, "text", _("Say what will be done."))
    if due_on is not None and due_on < timezone.localdate():
        raise DomainError(_("The due date has passed already."), field="due_on")
    item = ActionItem.objects.create(
        mentorship=mentorship, meeting=meeting, owner=owner, text=text, due_on=due_on
    )
    if owner.pk != actor.pk:
        _tell(
            owner,
            format_lazy(
                gettext_lazy("{name} gave you an action item: {text}"),
                name=actor.get_full_name(),
                text=text[:80],
            ),
            meeting.get_absolute_url() if meeting else _timeline(mentorship),
        )
    return item


@transaction.atomic
def action_item_toggle(*, item: ActionItem, actor: User) -> ActionItem:
    """Mark an item done, or open again; either of the two may tick it off."""
    _other(item.mentorship, actor)
    item.done_at = None if item.done_at else timezone.now()
    item.save(update_fields=["done_at", "updated_at"])
    return item


# Advice ---------------------------------------------------------------------------------------


@transaction.atomic
def advice_add(
    *, mentorship: Mentorship, actor: User, text: str, meeting: Meeting | None = None
) -> Advice:
    """The mentor records a piece of advice, or the mentee records it on the mentor's behalf."""
    other_person = _other(mentorship, actor)
    _require_live(mentorship)
    if meeting is not None and meeting.mentorship_id != mentorship.pk:
        raise DomainError(_("That meeting belongs to another mentorship."))
    text = _required(text, "text", _("Write down the advice."))
    advice = Advice.objects.create(
        mentorship=mentorship, meeting=meeting, recorded_by=actor, text=text
    )
    by_mentee = actor.pk == mentorship.mentee.user_id
    _tell(
        other_person,
        format_lazy(
            gettext_lazy("{name} logged advice you gave")
            if by_mentee
            else gettext_lazy("{name} logged advice: tell them later what you did with it"),
            name=actor.get_full_name(),
        ),
        _timeline(mentorship),
    )
    return advice


@transaction.atomic
def advice_report_back(
    *, advice: Advice, actor: User, outcome: str, outcome_reason: str = "", result: str = ""
) -> Advice:
    """The mentee says what they did with the advice and what came of it."""
    mentorship = advice.mentorship
    if actor.pk != mentorship.mentee.user_id:
        raise DomainError(_("Only the mentee reports back on advice."))
    if outcome not in Advice.Outcome.values:
        raise DomainError(_("Pick what you did with it."), field="outcome")
    outcome_reason = outcome_reason.strip()
    if outcome == Advice.Outcome.DIFFERENT and not outcome_reason:
        raise DomainError(
            _("You chose differently: say why, it helps your mentor."), field="outcome_reason"
        )
    advice.outcome = outcome
    advice.outcome_reason = outcome_reason
    advice.result = result.strip()
    advice.reported_at = timezone.now()
    advice.save(update_fields=["outcome", "outcome_reason", "result", "reported_at", "updated_at"])
    _tell(
        mentorship.mentor.user,
        format_lazy(
            gettext_lazy("{name} reported back on your advice: {outcome}"),
            name=actor.get_full_name(),
            outcome=lazy_lower(Advice.Outcome(outcome).label),
        ),
        _timeline(mentorship),
    )
    return advice


# Appreciation and feedback --------------------------------------------------------------------


@transaction.atomic
def appreciation_send(
    *,
    mentorship: Mentorship,
    author: User,
    kind: str,
    text: str,
    goal: Goal | None = None,
    advice: Advice | None = None,
) -> Appreciation:
    """A thank-you or a shared win, from either person, at any stage (closing invites one)."""
    other_person = _other(mentorship, author)
    if kind not in Appreciation.Kind.values:
        raise DomainError(_("Pick a thank-you or a win."), field="kind")
    text = _required(text, "text", _("Write a few words."))
    # Privacy: only goals the mentee shared with this mentor may be named where both read it.
    if (
        goal is not None
        and not GoalShare.objects.filter(
            goal=goal, goal__owner_id=mentorship.mentee_id, mentor_id=mentorship.mentor.user_id
        ).exists()
    ):
        raise DomainError(_("Pick one of the goals shared in this mentorship."), field="goal")
    if advice is not None and advice.mentorship_id != mentorship.pk:
        raise DomainError(_("Pick advice from this mentorship."), field="advice")
    appreciation = Appreciation.objects.create(
        mentorship=mentorship, author=author, kind=kind, text=text, goal=goal, advice=advice
    )
    _tell(
        other_person,
        format_lazy(
            gettext_lazy("{name} thanked you")
            if kind == Appreciation.Kind.THANKS
            else gettext_lazy("{name} shared a win with you"),
            name=author.get_full_name(),
        ),
        _timeline(mentorship),
    )
    return appreciation


@transaction.atomic
def feedback_leave(
    *, meeting: Meeting, author: User, helped: str = "", change: str = ""
) -> MeetingFeedback:
    """After a held meeting, what helped and what to change, for the other person; editable."""
    if meeting.mentorship is None:
        raise DomainError(
            _("Feedback is for a pair's meetings: in a circle, say it to the circle.")
        )
    other_person = _other(meeting.mentorship, author)
    if meeting.status != Meeting.Status.HELD:
        raise DomainError(_("Feedback comes after the meeting has been held."))
    helped, change = helped.strip(), change.strip()
    if not helped and not change:
        raise DomainError(_("Write what helped, what to change, or both."), field="helped")
    feedback, created = MeetingFeedback.objects.update_or_create(
        meeting=meeting, author=author, defaults={"helped": helped, "change": change}
    )
    if created:
        _tell(
            other_person,
            format_lazy(
                gettext_lazy("{name} left feedback on your meeting"), name=author.get_full_name()
            ),
            meeting.get_absolute_url(),
        )
    return feedback

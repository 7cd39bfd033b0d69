from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import TimeStampedModel
from goals.models import Goal
from matching.models import Frequency, MeetingFormat, Mentorship, MentorshipGroup
from mentorship.validators import validate_single_line

# A pair's meeting or norms belong to its mentorship; a circle's to the circle: exactly one.
ONE_OWNER = Q(mentorship__isnull=False, group__isnull=True) | Q(
    mentorship__isnull=True, group__isnull=False
)


def of_mentorship_outer() -> Q:
    """In a subquery on mentorships: the meetings of the outer mentorship, and those of its
    circle since the member joined (a circle's meetings count for each of its members)."""
    return Q(mentorship=OuterRef("pk")) | Q(
        group=OuterRef("group_id"), starts_at__gte=OuterRef("started_at")
    )


def in_program(program: object) -> Q:
    """The program's meetings: its pairs' and its circles' (each circle meeting once)."""
    return Q(mentorship__program=program) | Q(group__program=program)


class Agreement(TimeStampedModel):
    """The pair's norms, in versions: one side proposes, the other confirms or proposes a change.
    A circle's norms are its mentor's to set, and every member sees them."""

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="agreements", null=True, blank=True
    )
    group = models.ForeignKey(
        MentorshipGroup, on_delete=models.CASCADE, related_name="agreements", null=True, blank=True
    )
    version = models.PositiveSmallIntegerField()
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    frequency = models.CharField(
        max_length=15, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    format = models.CharField(
        max_length=10, choices=MeetingFormat.choices, default=MeetingFormat.VIDEO
    )
    channel = models.CharField(
        max_length=120,
        help_text=_("Where you meet: a video link, a room, a phone number."),
        validators=[validate_single_line],
    )

    class ReplyWithin(models.TextChoices):
        SAME_DAY = "same_day", _("the same working day")
        TWO_DAYS = "two_days", _("within two working days")
        WEEK = "week", _("within a week")

    reply_within = models.CharField(
        _("messages are answered"),
        max_length=10,
        choices=ReplyWithin.choices,
        blank=True,
        help_text=_("What you expect of each other in writing; the conversation shows it to both."),
    )
    between_meetings = models.CharField(
        _("between meetings"),
        max_length=200,
        blank=True,
        help_text=_("How to reach each other in between."),
        validators=[validate_single_line],
    )
    meeting_minutes = models.PositiveSmallIntegerField(
        _("length of a meeting (minutes)"),
        default=30,
        validators=[MinValueValidator(10), MaxValueValidator(240)],
    )
    ends_on = models.DateField(_("the formal relationship ends on"), null=True, blank=True)
    other = models.TextField(_("anything else you agree"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "version"], name="agreement_version_unique"
            ),
            models.UniqueConstraint(
                fields=["group", "version"], name="circle_agreement_version_unique"
            ),
            models.CheckConstraint(condition=ONE_OWNER, name="agreement_one_owner"),
        ]

    def __str__(self) -> str:
        return f"Agreement v{self.version}"


class Meeting(TimeStampedModel):
    """proposed → confirmed → held | cancelled (late if inside the notice) | missed.

    A pair's meeting belongs to its mentorship; a circle's meeting to the circle (its mentor
    schedules it, confirmed at once, and every live member takes part)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("meeting status", "Proposed")
        CONFIRMED = "confirmed", pgettext_lazy("meeting status", "Confirmed")
        HELD = "held", pgettext_lazy("meeting status", "Held")
        CANCELLED = "cancelled", pgettext_lazy("meeting status", "Cancelled")
        MISSED = "missed", pgettext_lazy("meeting status", "Missed")

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="meetings", null=True, blank=True
    )
    group = models.ForeignKey(
        MentorshipGroup, on_delete=models.CASCADE, related_name="meetings", null=True, blank=True
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_late = models.BooleanField(default=False)
    held_at = models.DateTimeField(null=True, blank=True)
    # Where it happens (meetings.places): the norms' format and place by default, each meeting
    # its own to change. Empty: not said.
    format = models.CharField(max_length=10, choices=MeetingFormat.choices, blank=True)
    place = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("A video link, a phone number, or an address or room."),
        validators=[validate_single_line],
    )
    # The calendar invitations' SEQUENCE (RFC 5546): raised at every change people's calendars
    # must take (time, place, confirmation, cancellation), so they keep one entry up to date.
    sequence = models.PositiveIntegerField(default=0)
    # Shared notes: one text both people see and edit.
    shared_notes = models.TextField(blank=True)
    shared_notes_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="meeting_starts_before_end"
            ),
            models.CheckConstraint(condition=ONE_OWNER, name="meeting_one_owner"),
        ]
        indexes = [
            models.Index(fields=["mentorship", "starts_at"], name="meeting_mentorship_start"),
            models.Index(fields=["group", "starts_at"], name="meeting_circle_start"),
            # The missed-meeting scan: confirmed meetings by end.
            models.Index(
                fields=["ends_at"], condition=Q(status="confirmed"), name="meeting_confirmed_end"
            ),
        ]

    def __str__(self) -> str:
        return f"Meeting {self.starts_at:%Y-%m-%d %H:%M} UTC"

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting", kwargs={"pk": self.pk})

    @property
    def owner(self) -> Mentorship | MentorshipGroup:
        """The mentorship or the circle the meeting belongs to."""
        owner = self.mentorship or self.group
        assert owner is not None
        return owner

    @property
    def pair(self) -> Mentorship:
        """The mentorship of a pair's meeting, for code that has left circles' meetings out."""
        if self.mentorship is None:
            raise ValueError("A circle's meeting belongs to no one mentorship.")
        return self.mentorship

    def with_whom(self, user_id: int) -> str:
        """Who the meeting is with, as ``user_id`` sees it: the other of the pair, or the circle."""
        if self.mentorship is not None:
            other = self.mentorship.other_person(user_id)
            return other.get_full_name() if other is not None else ""
        circle = self.owner
        return gettext("your circle") if circle.mentor.user_id == user_id else str(circle)


class AgendaItem(models.Model):
    """A question or topic for a meeting, added before it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.CharField(max_length=300, validators=[validate_single_line])
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text


class PrivateNote(TimeStampedModel):
    """A note only its author ever sees: not the other person, not admins."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "author"], name="private_note_one_per_author"
            )
        ]

    def __str__(self) -> str:
        return "Private note"


class ActionItem(TimeStampedModel):
    """Something one of the two will do, by a date."""

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="action_items"
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="action_items"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="action_items"
    )
    text = models.CharField(max_length=300, validators=[validate_single_line])
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["done_at", "due_on", "id"]
        indexes = [
            # Open items on the owner's home page.
            models.Index(
                fields=["owner", "due_on"],
                condition=Q(done_at__isnull=True),
                name="action_open_by_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class Advice(TimeStampedModel):
    """A piece of advice and what the mentee did with it: reported-back advice keeps mentors."""

    class Outcome(models.TextChoices):
        ACTED = "acted", _("Acted on it")
        ADAPTED = "adapted", _("Adapted it")
        DIFFERENT = "different", _("Chose differently")

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="advice")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="advice"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(blank=True)
    result = models.TextField(blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = _("advice")

    def __str__(self) -> str:
        return self.text[:60]


class Appreciation(TimeStampedModel):
    """A thank-you or a shared win, optionally about a goal or a piece of advice."""

    class Kind(models.TextChoices):
        THANKS = "thanks", _("Thank you")
        WIN = "win", _("A win")

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="appreciations"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.THANKS)
    text = models.TextField()
    goal = models.ForeignKey(
        Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    advice = models.ForeignKey(
        Advice, on_delete=models.SET_NULL, null=True, blank=True, related_name="appreciations"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class MeetingFeedback(TimeStampedModel):
    """After a held meeting, what helped and what to change, for the other person."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    helped = models.TextField(_("what helped"), blank=True)
    change = models.TextField(_("what to change"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "author"], name="feedback_one_per_author")
        ]

    def __str__(self) -> str:
        return "Feedback"


class CalendarFeed(TimeStampedModel):
    """A person's private calendar URL; regenerating the secret revokes the old address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    secret = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"


class CalendarConnection(TimeStampedModel):
    """A person's own calendar over CalDAV (meetings.caldav_sync): its busy times are kept here
    (start and end only, never titles or details) so the slot picker leaves them out, and their
    confirmed meetings are written there. The app password is kept encrypted."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_connection"
    )
    server_url = models.URLField(max_length=300)
    username = models.CharField(max_length=200, validators=[validate_single_line])
    password_encrypted = models.TextField()
    calendar_url = models.URLField(max_length=500)
    calendar_name = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    # [[start, end], ...] in UTC ISO 8601, over the slot picker's weeks ahead.
    busy = models.JSONField(default=list, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    sync_error = models.CharField(max_length=300, blank=True)
    # The calendar's sync token (RFC 6578) as of the last sync that finished: the next one asks
    # only for what changed since. Kept only once everything it reported was taken in.
    sync_token = models.CharField(max_length=500, blank=True)
    busy_read_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar of {self.user}"


class CalendarEntry(TimeStampedModel):
    """A meeting as Twoway last wrote it into a connected calendar: where, which version, and
    at what time. A later sync that finds other times there is the person moving it; no event
    there, the person deleting it. Written again when the meeting's version moves on."""

    connection = models.ForeignKey(
        CalendarConnection, on_delete=models.CASCADE, related_name="entries"
    )
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="calendar_entries")
    href = models.CharField(max_length=600)
    sequence = models.PositiveIntegerField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "meeting"], name="calendar_entry_one_per_meeting"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting} in {self.connection}"


class CheckIn(TimeStampedModel):
    """One person's pulse on one mentorship for one program period (quarterly by default)."""

    class Status(models.TextChoices):
        DUE = "due", pgettext_lazy("check-in status", "Due")
        ANSWERED = "answered", pgettext_lazy("check-in status", "Answered")
        SKIPPED = "skipped", pgettext_lazy("check-in status", "Skipped")

    class NormsFit(models.TextChoices):
        YES = "yes", _("Yes, our agreement still fits")
        REVISIT = "revisit", _("We should revisit our agreement")

    class Visibility(models.TextChoices):
        SHARED = "shared", _("Shared with the other person")
        ADMINS = "admins", _("Program admins only")

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="checkins")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins"
    )
    period_key = models.CharField(max_length=12)
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DUE)
    satisfaction = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    energy = models.PositiveSmallIntegerField(
        _("does this relationship give you energy?"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    norms_fit = models.CharField(max_length=10, choices=NormsFit.choices, blank=True)
    comment = models.TextField(blank=True)
    comment_visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.SHARED
    )
    # {goal id: progress 0–100}, for the mentee's goals shared with the mentor when answered.
    goal_progress = models.JSONField(default=dict, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-due_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "person", "period_key"], name="checkin_once_per_period"
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | (Q(satisfaction__gte=1) & Q(satisfaction__lte=5)),
                name="checkin_satisfaction_range",
            ),
            models.CheckConstraint(
                condition=Q(energy__isnull=True) | (Q(energy__gte=1) & Q(energy__lte=5)),
                name="checkin_energy_range",
            ),
        ]
        indexes = [
            # /checkins/: my due check-ins and my recent answered ones.
            models.Index(fields=["person", "status", "-due_on"], name="checkin_person_status"),
            # checkins_open_due: the nudge pass over recently opened, unanswered check-ins.
            models.Index(
                fields=["created_at"], condition=Q(status="due"), name="checkin_due_created"
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in {self.period_key} by {self.person}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:checkin", kwargs={"pk": self.pk})


class MeetingAnswer(TimeStampedModel):
    """A person's answer to a meeting's calendar invitation (iTIP REPLY), from their calendar."""

    class Answer(models.TextChoices):
        # Translators: "Name accepted; Name declined the invitation." on the meeting's page.
        ACCEPTED = "accepted", pgettext_lazy("invitation answer", "accepted")
        TENTATIVE = "tentative", pgettext_lazy("invitation answer", "said maybe to")
        DECLINED = "declined", pgettext_lazy("invitation answer", "declined")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="answers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(max_length=10, choices=Answer.choices)
    sequence = models.PositiveIntegerField(help_text="The invitation's SEQUENCE it answers.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="meeting_answer_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.answer} meeting {self.meeting_id}"

from __future__ import annotations

from collections.abc import Iterable
from datetime import time
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import TimeStampedModel, User
from accounts.timezones import validate_timezone
from goals.models import Goal
from mentorship.fields import ChoiceSetField
from mentorship.validators import validate_single_line
from programs.models import Participant, Program, Topic


class HelpKind(models.TextChoices):
    COACH = "coach", _("Coaching")
    SPONSOR = "sponsor", _("Sponsorship")
    CONNECTOR = "connector", _("Connections")


class AdvisorRole(models.TextChoices):
    TECHNICAL = "technical", _("Technical skills")
    CAREER = "career", _("Career strategy")
    INDUSTRY = "industry", _("Industry insider")
    LEADERSHIP = "leadership", _("Leadership development")
    OTHER = "other", _("Other")


class MeetingFormat(models.TextChoices):
    VIDEO = "video", _("Video call")
    PHONE = "phone", _("Phone")
    IN_PERSON = "in_person", _("In person")
    COFFEE = "coffee", _("Coffee")
    ASYNC = "async", _("Async (written)")


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    BIWEEKLY = "biweekly", _("Every two weeks")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    TWICE_A_YEAR = "twice_a_year", _("Twice a year")


class Seniority(models.TextChoices):
    EARLY = "early", _("Early career")
    MID = "mid", _("Mid-level")
    SENIOR = "senior", _("Senior")
    LEAD = "lead", _("Lead / principal")
    EXECUTIVE = "executive", _("Executive")


def seats_of(program: str = "participant__program", capacity: str = "capacity") -> Case:
    """A mentor profile's places for mentees, for ``annotate(seats=...)``: its capacity, which
    in a group program counts circles of the program's ``circle_size`` (``Program.seats``)."""
    return Case(
        When(
            **{f"{program}__kind": Program.Kind.GROUP},
            then=F(capacity) * F(f"{program}__circle_size"),
        ),
        default=F(capacity),
        output_field=models.IntegerField(),
    )


class MentorProfile(TimeStampedModel):
    """What a mentor offers in one program, and the limits the software holds them to."""

    class Communication(models.TextChoices):
        MEETINGS_ONLY = "meetings_only", _("Only at meetings")
        WITHIN_WINDOWS = "within_windows", _("Messages within my contact windows")
        ANY_TIME = "any_time", _("Any time")

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="mentor_profile"
    )
    headline = models.CharField(max_length=120, blank=True, validators=[validate_single_line])
    bio = models.TextField(blank=True)
    seniority = models.CharField(max_length=12, choices=Seniority.choices, blank=True)
    years_experience = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(60)]
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="mentor_profiles")
    help_offered = ChoiceSetField(
        choices=HelpKind.choices, help_text=_("What kind of help you give.")
    )
    advisor_roles = ChoiceSetField(
        choices=AdvisorRole.choices,
        help_text=_("Seats you can take on a mentee's board of advisors."),
    )
    cannot_help_with = models.TextField(
        blank=True, help_text=_("Say it plainly, so nobody asks you for it.")
    )
    cannot_help_topics = models.ManyToManyField(Topic, blank=True, related_name="+")
    capacity = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(0), MaxValueValidator(20)],
        help_text=_("How many mentees at once (0 to 20)."),
    )
    accepting_requests = models.BooleanField(default=True)
    # Set when the program's admins pause the mentor's new requests (a report's action): until
    # they lift it, the mentor cannot switch "accepting requests" back on.
    paused_by_admins_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The mentor's own setting when the admins paused them: lifting the pause gives it back.
    accepting_before_pause = models.BooleanField(null=True, blank=True, editable=False)
    away_until = models.DateField(
        null=True, blank=True, help_text=_("No new requests and no nudges until this date.")
    )
    formats = ChoiceSetField(choices=MeetingFormat.choices, help_text=_("How you can meet."))
    preferred_frequency = models.CharField(
        max_length=15, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    communication = models.CharField(
        _("communication preference"),
        max_length=15,
        choices=Communication.choices,
        default=Communication.MEETINGS_ONLY,
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__lte=20), name="mentor_capacity_at_most_20"
            ),
        ]

    def __str__(self) -> str:
        return f"Mentor profile of {self.participant.user}"

    def choice_labels(self, name: str) -> list[str]:
        """Readable labels of a ChoiceSetField's codes, such as ["Coaching", "Connections"]."""
        field = self._meta.get_field(name)
        assert isinstance(field, ChoiceSetField)
        return field.get_choices_display(getattr(self, name))

    @property
    def help_offered_display(self) -> str:
        return ", ".join(self.choice_labels("help_offered"))

    @property
    def formats_display(self) -> str:
        """How they meet, in words: "by video call, over coffee or in person"."""
        from matching.score import FORMAT_WORDS, join_words

        return join_words([FORMAT_WORDS.get(code, code) for code in self.formats], "or")

    @property
    def advisor_roles_display(self) -> str:
        return ", ".join(self.choice_labels("advisor_roles"))

    def is_away(self, today: object = None) -> bool:
        today = today or timezone.localdate()
        return bool(self.away_until and self.away_until > today)  # type: ignore[operator]


class MenteeProfile(TimeStampedModel):
    """What a mentee looks for in one program."""

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="mentee_profile"
    )
    help_wanted = ChoiceSetField(
        choices=HelpKind.choices, help_text=_("What kind of help you want.")
    )
    formats = ChoiceSetField(choices=MeetingFormat.choices, help_text=_("How you prefer to meet."))
    # Weekday working hours in the mentee's own zone: the directory finds mentors whose
    # contact windows overlap them.
    working_hours_start = models.TimeField(default=time(9, 0))
    working_hours_end = models.TimeField(default=time(17, 0))
    hours_per_month = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(0), MaxValueValidator(40)],
        help_text=_("How much time you can give mentoring each month."),
    )
    note_to_mentors = models.TextField(blank=True)
    seniority = models.CharField(
        max_length=12,
        choices=Seniority.choices,
        blank=True,
        help_text=_("Where you are in your career: matching looks for a mentor a little ahead."),
    )

    def __str__(self) -> str:
        return f"Mentee profile of {self.participant.user}"

    @property
    def help_wanted_display(self) -> str:
        field = self._meta.get_field("help_wanted")
        assert isinstance(field, ChoiceSetField)
        return ", ".join(field.get_choices_display(self.help_wanted))


class Availability(TimeStampedModel):
    """A mentor's reachability in one program: contact windows in their own zone, and notice."""

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="availability"
    )
    # Windows are wall-clock times in this zone, so a daylight-saving change does not move them.
    time_zone = models.CharField(max_length=64, validators=[validate_timezone])
    minimum_notice_hours = models.PositiveSmallIntegerField(
        _("minimum notice to schedule (hours)"), default=24, validators=[MaxValueValidator(24 * 14)]
    )
    cancellation_notice_hours = models.PositiveSmallIntegerField(
        _("notice to cancel (hours)"), default=24, validators=[MaxValueValidator(24 * 14)]
    )

    class Meta:
        db_table = "meetings_availability"
        verbose_name_plural = _("availabilities")

    def __str__(self) -> str:
        return f"Availability of {self.participant.user}"


class ContactWindow(models.Model):
    """A weekly window, such as Tuesday 09:00–11:30, in the availability's time zone."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    availability = models.ForeignKey(Availability, on_delete=models.CASCADE, related_name="windows")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        db_table = "meetings_contactwindow"
        ordering = ["availability", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_time__lt=F("end_time")), name="window_starts_before_end"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="window_weekday_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class ClosingReason(models.TextChoices):
    GOALS_MET = "goals_met", _("Goals met")
    RAN_ITS_COURSE = "ran_course", _("It ran its course")
    SCHEDULE = "schedule", _("Schedules did not work out")
    NOT_A_FIT = "not_a_fit", _("Not a fit")
    OTHER = "other", _("Other")
    # Set by the software or by the program's admins, never picked by the two people.
    REASSIGNED = "reassigned", _("The mentee moved to another mentor")
    INACTIVE = "inactive", _("Inactive")
    PROGRAM_CLOSED = "program_closed", _("The program closed")
    LEFT_ORGANIZATION = "left_org", _("Left the organization")
    LEFT_PROGRAM = "left_program", _("Left the program")


# The reasons the two people (and admins ending a mentorship by hand) choose from.
PEOPLE_CLOSING_REASONS = (
    ClosingReason.GOALS_MET,
    ClosingReason.RAN_ITS_COURSE,
    ClosingReason.SCHEDULE,
    ClosingReason.NOT_A_FIT,
    ClosingReason.OTHER,
)


class MentorshipGroup(TimeStampedModel):
    """In a group program, a circle: one mentor and several mentees who meet together. Each
    member's Mentorship points here; the circle's meetings and norms hang off it. A mentor's
    capacity counts circles, each holding the program's ``circle_size`` mentees."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="mentorship_groups")
    mentor = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="circles")
    number = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["mentor", "number"]
        constraints = [
            models.UniqueConstraint(fields=["mentor", "number"], name="circle_number_per_mentor"),
        ]

    def __str__(self) -> str:
        name = self.mentor.user.get_full_name()
        if self.number > 1:
            return gettext("%(name)s's circle %(number)s") % {"name": name, "number": self.number}
        return gettext("%(name)s's circle") % {"name": name}

    def get_absolute_url(self) -> str:
        return reverse("meetings:circle", kwargs={"pk": self.pk})

    def live_members(self) -> models.QuerySet[Mentorship]:
        """The members now: live memberships, with their mentees, in name order."""
        return (
            Mentorship.objects.filter(group=self, status__in=Mentorship.LIVE_STATUSES)
            .select_related("mentee__user")
            .order_by("mentee__user__full_name", "pk")
        )

    def people(self) -> list[User]:
        """Everyone the circle is for: its mentor first, then its members (one query)."""
        return [self.mentor.user, *(m.mentee.user for m in self.live_members())]


class Mentorship(TimeStampedModel):
    """A mentor and a mentee working together in a program."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        COMPLETED = "completed", _("Completed")
        ENDED = "ended", _("Ended early")

    # The relationship still runs: the only spelling of "live" (the constraint below excepted).
    LIVE_STATUSES: ClassVar[tuple[str, ...]] = (Status.ACTIVE, Status.PAUSED)

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="mentorships")
    mentor = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="mentorships_as_mentor"
    )
    mentee = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="mentorships_as_mentee"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    advisor_role = models.CharField(max_length=12, choices=AdvisorRole.choices, blank=True)
    # Group programs: the mentor's one group; flash programs: a single session, then complete.
    group = models.ForeignKey(
        MentorshipGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
    )
    single_session = models.BooleanField(default=False)
    started_at = models.DateTimeField(default=timezone.now)
    ends_on = models.DateField(null=True, blank=True)
    closing_reason = models.CharField(max_length=20, choices=ClosingReason.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Set by the inactivity scan (meetings.inactivity) when the program's quiet period has passed
    # and both people were nudged; cleared by the scan once either of them does something.
    stalled_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(mentor=F("mentee")), name="mentorship_not_self"),
            # One live relationship per pair; a finished one may be followed by a new one.
            # (Meta cannot see LIVE_STATUSES; the migration holds the same list.)
            models.UniqueConstraint(
                fields=["mentor", "mentee"],
                condition=Q(status__in=["active", "paused"]),
                name="mentorship_one_live_per_pair",
            ),
        ]
        indexes = [
            models.Index(fields=["mentee", "status"], name="mentorship_mentee_status"),
            models.Index(fields=["mentor", "status"], name="mentorship_mentor_status"),
            # The admins' mentorship list filtered to stalled ones, and the dashboard's count.
            models.Index(
                fields=["program", "stalled_since"],
                condition=Q(stalled_since__isnull=False),
                name="mentorship_stalled",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor.user} mentors {self.mentee.user}"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE_STATUSES

    def each_with_other(self, *, skip: Iterable[int] = ()) -> list[tuple[User, User]]:
        """(person, the other one) for the mentor, then the mentee; people whose user id is in
        ``skip`` (away mentors, say) are left out as recipients."""
        left_out = set(skip)
        pair = (self.mentor.user, self.mentee.user)
        return [
            (person, other) for person, other in (pair, pair[::-1]) if person.pk not in left_out
        ]

    def other_person(self, user_id: int | None) -> User | None:
        """The other one of the two; None for someone who is neither."""
        if user_id == self.mentor.user_id:
            return self.mentee.user
        if user_id == self.mentee.user_id:
            return self.mentor.user
        return None


class MentorshipRequest(TimeStampedModel):
    """A mentee's specific, small ask of one mentor: easy to say yes to, easy to say no to."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        REDIRECTED = "redirected", _("Redirected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")
        CLOSED = "closed", _("Closed: another mentor accepted")

    class WaitingOn(models.TextChoices):
        MENTOR = "mentor", _("the mentor")
        MENTEE = "mentee", _("the mentee (more information asked)")

    class DeclineReason(models.TextChoices):
        NO_TIME = "no_time", _("I do not have the time right now")
        NOT_MY_AREA = "not_my_area", _("This is not something I can help with")
        BETTER_FIT = "better_fit", _("Someone else would be a better fit")
        OTHER = "other", _("Another reason")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="requests")
    mentee = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="requests_sent")
    mentor = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="requests_received"
    )
    goals = models.ManyToManyField(Goal, related_name="requests")
    topic = models.ForeignKey(Topic, on_delete=models.SET_NULL, null=True, related_name="+")
    why_this_mentor = models.TextField()
    first_step = models.CharField(
        max_length=200, default="A 30-minute intro conversation", validators=[validate_single_line]
    )
    advisor_role = models.CharField(max_length=12, choices=AdvisorRole.choices, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    waiting_on = models.CharField(max_length=6, choices=WaitingOn.choices, default=WaitingOn.MENTOR)
    decline_reason = models.CharField(max_length=12, choices=DeclineReason.choices, blank=True)
    decline_note = models.TextField(blank=True)
    redirected_to = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    redirected_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="follow_ups"
    )
    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests"
    )
    # The mentor's first answer of any kind: the profile's response-time figures read it.
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentee", "mentor"],
                condition=Q(status="pending"),
                name="request_one_pending_per_pair",
            ),
            models.CheckConstraint(condition=~Q(mentee=F("mentor")), name="request_not_self"),
        ]
        indexes = [
            # The mentor's inbox and the mentee's sent list.
            models.Index(fields=["mentor", "status"], name="request_mentor_status"),
            models.Index(fields=["mentee", "status"], name="request_mentee_status"),
            # The expiry scan: pending requests by expiry.
            models.Index(
                fields=["expires_at"], condition=Q(status="pending"), name="request_pending_expiry"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentee.user} asks {self.mentor.user}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PENDING


class RequestMessage(models.Model):
    """A message in a request's thread: a question from the mentor, an answer from the mentee."""

    request = models.ForeignKey(
        MentorshipRequest, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


class StateChange(models.Model):
    """Who moved a request or a mentorship from which state to which, and when."""

    request = models.ForeignKey(
        MentorshipRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(request__isnull=False) & Q(mentorship__isnull=True))
                | (Q(request__isnull=True) & Q(mentorship__isnull=False)),
                name="state_change_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"

    @property
    def sentence(self) -> str:
        """The change in words: "Sent", "Accepted (was pending)", "Still pending"."""
        states = MentorshipRequest.Status if self.request_id else Mentorship.Status
        labels = dict(states.choices)
        to = labels.get(self.to_status, self.to_status)
        if not self.from_status:
            if self.request_id:
                return gettext("Sent")
            return gettext("Started (%(status)s)") % {"status": str(to).lower()}
        if self.from_status == self.to_status:
            return gettext("Still %(status)s") % {"status": str(to).lower()}
        was = labels.get(self.from_status, self.from_status)
        return gettext("%(status)s (was %(previous)s)") % {
            "status": to,
            "previous": str(was).lower(),
        }


class Reflection(TimeStampedModel):
    """A closing reflection, one per person and mentorship."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="reflections")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "author"], name="reflection_one_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"Reflection by {self.author}"


class Report(TimeStampedModel):
    """A problem with a request or a mentorship, told to the program's admins.

    open → in review → resolved (and back to open if it needs another look).
    """

    class Kind(models.TextChoices):
        MISCONDUCT = "misconduct", _("Misconduct")
        NO_SHOW = "no_show", _("No-shows")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("state", "Open")
        IN_REVIEW = "in_review", _("In review")
        RESOLVED = "resolved", _("Resolved")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    request = models.ForeignKey(
        MentorshipRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The admins' report queue, filtered by status, newest first.
            models.Index(fields=["program", "status", "-created_at"], name="report_program_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} report"

    @property
    def is_resolved(self) -> bool:
        return self.status == self.Status.RESOLVED

    @property
    def subject(self) -> Mentorship | MentorshipRequest | None:
        """What the report is about: its mentorship, else its request."""
        return self.mentorship or self.request


class ReportNote(models.Model):
    """An admin's note on a report: what was looked at, said or decided. Admins only."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class MatchingRound(TimeStampedModel):
    """An admin's matching of a set of mentees: runs of the engine, adjustments, then publish.

    draft → proposed (after the first run) → published | discarded. Every run is kept with its
    parameters and totals; pins and blocks (RoundRule) hold across runs.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PROPOSED = "proposed", _("Proposed")
        PUBLISHED = "published", _("Published")
        DISCARDED = "discarded", _("Discarded")

    class Method(models.TextChoices):
        OPTIMAL = "optimal", _("Optimal: the engine finds the best pairs by score")
        STABLE = "stable", _("Stable: mentees rank up to 5 mentors, mentors rank who chose them")

    class Objective(models.TextChoices):
        TOTAL = "total", _("Highest total score")
        COVERAGE = "coverage", _("As many mentees matched as possible, then the highest total")
        FAIRNESS = "fairness", _("Fairness: the lowest score as high as possible, then the total")

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="matching_rounds"
    )
    name = models.CharField(max_length=120, validators=[validate_single_line])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.OPTIMAL)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    mentees = models.ManyToManyField(Participant, related_name="+")
    # Stable rounds: the mentors who have ranked the mentees who chose them. A mentor who has
    # not is taken to prefer them by score; one who has finds the ones left out unacceptable.
    mentors_ranked = models.ManyToManyField(Participant, related_name="+", blank=True)
    # The parameters of the next run: a multiplier per part of the score, the minimum score
    # below which a pair is not allowed, and what to maximise.
    weights = models.JSONField(default=dict, blank=True)
    min_score = models.FloatField(default=1.0)
    objective = models.CharField(max_length=10, choices=Objective.choices, default=Objective.TOTAL)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.PROPOSED)


class MatchingRun(models.Model):
    """One run of the engine in a round: its parameters and totals, kept for comparison."""

    round = models.ForeignKey(MatchingRound, on_delete=models.CASCADE, related_name="runs")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    weights = models.JSONField(default=dict)
    min_score = models.FloatField()
    objective = models.CharField(max_length=10, choices=MatchingRound.Objective.choices)
    total_score = models.FloatField(default=0)
    matched = models.PositiveIntegerField(default=0)
    unmatched = models.PositiveIntegerField(default=0)
    top_choice = models.PositiveIntegerField(
        default=0, help_text=_("Matched mentees who got their top-scored mentor.")
    )
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="matching_run_number_unique")
        ]

    def __str__(self) -> str:
        return f"Run {self.number} of {self.round}"


class Proposal(models.Model):
    """A run's answer for one mentee: a mentor with the score's reasons, or why none."""

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="proposals")
    mentee = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(
        Participant, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    score = models.FloatField(null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    unmatched_reason = models.CharField(max_length=200, blank=True)
    swapped = models.BooleanField(default=False, help_text=_("An admin moved this mentee by hand."))
    # After publishing: the mentorship it became, or why it could not (the mentor filled up).
    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    publish_note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "mentee"], name="proposal_one_per_mentee")
        ]

    def __str__(self) -> str:
        return f"{self.mentee_id} → {self.mentor_id or 'unmatched'}"


class RoundRule(models.Model):
    """A pair an admin pinned (must stay) or blocked (never), kept across a round's runs."""

    class Kind(models.TextChoices):
        PIN = "pin", _("Pinned")
        BLOCK = "block", _("Blocked")

    round = models.ForeignKey(MatchingRound, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    mentee = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "mentee", "mentor"], name="round_rule_one_per_pair"
            ),
            # A mentee has at most one pinned mentor in a round.
            models.UniqueConstraint(
                fields=["round", "mentee"], condition=Q(kind="pin"), name="round_rule_one_pin"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.mentee_id}–{self.mentor_id}"


class RoundPreference(models.Model):
    """In a stable round: a mentee's choice of a mentor, or a mentor's ranking of a mentee who
    chose them. ``rank`` 1 is the first choice."""

    round = models.ForeignKey(MatchingRound, on_delete=models.CASCADE, related_name="preferences")
    chooser = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    chosen = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["round", "chooser", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "chooser", "chosen"], name="round_preference_once"
            ),
            models.UniqueConstraint(
                fields=["round", "chooser", "rank"], name="round_preference_rank_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.chooser_id} ranks {self.chosen_id} #{self.rank}"


class Block(TimeStampedModel):
    """One person muting or blocking another. Muted: their messages arrive without a notice.
    Blocked: they can send this person neither messages nor requests (and the program's admins
    were told when it was set)."""

    class Kind(models.TextChoices):
        MUTE = "mute", _("Muted")
        BLOCK = "block", _("Blocked")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks"
    )
    other = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=5, choices=Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "other"], name="block_once_per_pair"),
            models.CheckConstraint(condition=~Q(person=F("other")), name="block_not_oneself"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.other_id}"

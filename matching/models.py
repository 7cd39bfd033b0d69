from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import TimeStampedModel
from mentorship.fields import ChoiceSetField
from programs.models import Participant, Program, Topic


class HelpKind(models.TextChoices):
    COACH = "coach", "Coaching"
    SPONSOR = "sponsor", "Sponsorship"
    CONNECTOR = "connector", "Connections"


class AdvisorRole(models.TextChoices):
    TECHNICAL = "technical", "Technical skills"
    CAREER = "career", "Career strategy"
    INDUSTRY = "industry", "Industry insider"
    LEADERSHIP = "leadership", "Leadership development"
    OTHER = "other", "Other"


class MeetingFormat(models.TextChoices):
    VIDEO = "video", "Video call"
    PHONE = "phone", "Phone"
    IN_PERSON = "in_person", "In person"
    COFFEE = "coffee", "Coffee"
    ASYNC = "async", "Async (written)"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    BIWEEKLY = "biweekly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    TWICE_A_YEAR = "twice_a_year", "Twice a year"


class Seniority(models.TextChoices):
    EARLY = "early", "Early career"
    MID = "mid", "Mid-level"
    SENIOR = "senior", "Senior"
    LEAD = "lead", "Lead / principal"
    EXECUTIVE = "executive", "Executive"


class MentorProfile(TimeStampedModel):
    """What a mentor offers in one program, and the limits the software holds them to."""

    class Communication(models.TextChoices):
        MEETINGS_ONLY = "meetings_only", "Only at meetings"
        WITHIN_WINDOWS = "within_windows", "Messages within my contact windows"
        ANY_TIME = "any_time", "Any time"

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="mentor_profile"
    )
    headline = models.CharField(max_length=120, blank=True)
    bio = models.TextField(blank=True)
    seniority = models.CharField(max_length=12, choices=Seniority.choices, blank=True)
    years_experience = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(60)]
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="mentor_profiles")
    help_offered = ChoiceSetField(choices=HelpKind.choices, help_text="What kind of help you give.")
    advisor_roles = ChoiceSetField(
        choices=AdvisorRole.choices, help_text="Seats you can take on a mentee's board of advisors."
    )
    cannot_help_with = models.TextField(
        blank=True, help_text="Say it plainly, so nobody asks you for it."
    )
    cannot_help_topics = models.ManyToManyField(Topic, blank=True, related_name="+")
    capacity = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(0), MaxValueValidator(20)],
        help_text="How many mentees at once (0 to 20).",
    )
    accepting_requests = models.BooleanField(default=True)
    away_until = models.DateField(
        null=True, blank=True, help_text="No new requests and no nudges until this date."
    )
    formats = ChoiceSetField(choices=MeetingFormat.choices, help_text="How you can meet.")
    preferred_frequency = models.CharField(
        max_length=15, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    communication = models.CharField(
        "communication preference",
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
        return ", ".join(self.choice_labels("formats")).lower()

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
    help_wanted = ChoiceSetField(choices=HelpKind.choices, help_text="What kind of help you want.")
    formats = ChoiceSetField(choices=MeetingFormat.choices, help_text="How you prefer to meet.")
    hours_per_month = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(0), MaxValueValidator(40)],
        help_text="How much time you can give mentoring each month.",
    )
    note_to_mentors = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Mentee profile of {self.participant.user}"

    @property
    def help_wanted_display(self) -> str:
        field = self._meta.get_field("help_wanted")
        assert isinstance(field, ChoiceSetField)
        return ", ".join(field.get_choices_display(self.help_wanted))


class Mentorship(TimeStampedModel):
    """A mentor and a mentee working together in a program."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        COMPLETED = "completed", "Completed"
        ENDED = "ended", "Ended early"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="mentorships")
    mentor = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="mentorships_as_mentor"
    )
    mentee = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="mentorships_as_mentee"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    advisor_role = models.CharField(max_length=12, choices=AdvisorRole.choices, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(mentor=F("mentee")), name="mentorship_not_self"),
            # One live relationship per pair; a finished one may be followed by a new one.
            models.UniqueConstraint(
                fields=["mentor", "mentee"],
                condition=Q(status__in=["active", "paused"]),
                name="mentorship_one_live_per_pair",
            ),
        ]
        indexes = [
            models.Index(fields=["mentee", "status"], name="mentorship_mentee_status"),
            models.Index(fields=["mentor", "status"], name="mentorship_mentor_status"),
        ]

    def __str__(self) -> str:
        return f"{self.mentor.user} mentors {self.mentee.user}"

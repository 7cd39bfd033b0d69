from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import TimeStampedModel
from mentorship.validators import validate_single_line
from programs.models import Participant, Topic


class Goal(TimeStampedModel):
    """What a mentee wants out of mentoring, written before they look for anyone."""

    class Horizon(models.TextChoices):
        SHORT = "short", _("Short term (under 6 months)")
        LONG = "long", _("Long term")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        ACHIEVED = "achieved", _("Achieved")
        DROPPED = "dropped", _("Dropped")

    owner = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=150, validators=[validate_single_line])
    why = models.TextField(_("why it matters"), blank=True)
    horizon = models.CharField(max_length=10, choices=Horizon.choices, default=Horizon.SHORT)
    # The owner's own order: 0 first. Moves renumber the owner's goals in one transaction.
    position = models.PositiveIntegerField(default=0)
    target_date = models.DateField(null=True, blank=True)
    timeframe = models.CharField(
        max_length=60,
        blank=True,
        help_text=_("A rough timeframe is fine: “by summer”, “this year”."),
        validators=[validate_single_line],
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="goals")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    progress = models.PositiveSmallIntegerField(default=0)
    achieved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["owner", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="goal_progress_at_most_100"
            ),
        ]
        indexes = [
            # /goals/: a person's goals in their order.
            models.Index(fields=["owner", "position"], name="goal_owner_position"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("goals:detail", kwargs={"pk": self.pk})


class GoalStep(TimeStampedModel):
    """An actionable next step towards a goal."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    title = models.CharField(max_length=200, validators=[validate_single_line])
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["goal", "done_at", "due_on", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class ProgressUpdate(TimeStampedModel):
    """A dated note with the goal's new progress; the goal page shows them as a timeline."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.TextField()
    progress = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="progress_update_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.goal}: {self.progress} %"


class GoalShare(TimeStampedModel):
    """A goal made visible to one of its owner's mentors. No row, no access: private by default."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="shares")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shared_goals"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["goal", "mentor"], name="goal_share_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.goal} → {self.mentor}"

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q

from accounts.models import TimeStampedModel
from accounts.timezones import validate_timezone
from programs.models import Participant


class Availability(TimeStampedModel):
    """A mentor's reachability in one program: contact windows in their own zone, and notice."""

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="availability"
    )
    # Windows are wall-clock times in this zone, so a daylight-saving change does not move them.
    time_zone = models.CharField(max_length=64, validators=[validate_timezone])
    minimum_notice_hours = models.PositiveSmallIntegerField(
        "minimum notice to schedule (hours)", default=24, validators=[MaxValueValidator(24 * 14)]
    )
    cancellation_notice_hours = models.PositiveSmallIntegerField(
        "notice to cancel (hours)", default=24, validators=[MaxValueValidator(24 * 14)]
    )

    class Meta:
        verbose_name_plural = "availabilities"

    def __str__(self) -> str:
        return f"Availability of {self.participant.user}"


class ContactWindow(models.Model):
    """A weekly window, such as Tuesday 09:00–11:30, in the availability's time zone."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    availability = models.ForeignKey(Availability, on_delete=models.CASCADE, related_name="windows")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["availability", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_time__lt=F("end_time")), name="window_starts_before_end"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="window_weekday_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

from __future__ import annotations

from django.conf import settings
from django.db import models

from accounts.models import TimeStampedModel


class Notification(TimeStampedModel):
    """An in-app message. It carries its own text and link, not a key into another app."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", "Invitation"
        APPLICATION = "application", "Application"
        APPROVAL = "approval", "Approval"
        PARTICIPATION = "participation", "Participation"
        REQUEST = "request", "Mentorship request"
        MENTORSHIP = "mentorship", "Mentorship"
        REPORT = "report", "Report to admins"
        REMINDER = "reminder", "Reminder"
        GENERAL = "general", "General"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices, default=Kind.GENERAL)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # What would make this notification moot, as a key the sending app chooses ("goals:first",
    # "request:12:answer"): once that is done the app resolves the key and the notification is
    # marked read, so nobody is asked to do what they did already.
    resolved_by = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The navigation's unread count on every page.
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notif_unread_by_recipient",
            ),
            # /notifications/, newest first.
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_created"),
        ]

    def __str__(self) -> str:
        return f"{self.title} → {self.recipient}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Reminder(models.TextChoices):
    """The kinds of reminders and nudges (DESIGN, "Reminders and nudges")."""

    MEETING = "meeting_reminder", "Meeting reminder"
    FOLLOW_UP = "follow_up", "Follow-up after a meeting"
    CADENCE = "cadence", "Time to meet again"
    CHECK_IN = "check_in", "Check-in"
    REQUEST_PENDING = "request_pending", "Request waiting for an answer"
    REQUEST_EXPIRED = "request_expired", "Request expired"
    ACTION_DUE = "action_due", "Action item due"
    REPORT_BACK = "report_back", "Report back on advice"
    ENDING = "ending", "Relationship ending"
    ADMIN_DIGEST = "admin_digest", "Weekly admin digest"
    # From an admin on the dashboard, or the program's inactivity rule (meetings.inactivity).
    ADMIN_NUDGE = "admin_nudge", "Your mentorship has gone quiet"
    # The person's own weekly email of what they set to "weekly digest" (notifications.digest).
    WEEKLY_DIGEST = "weekly_digest", "Your weekly digest"
    # Unread messages of one conversation, told once per stretch of unread (conversations/).
    MESSAGE = "message", "New messages"


class InboundMail(TimeStampedModel):
    """Every email that reached Twoway's inbound address, once per Message-ID: a second
    delivery of the same mail finds its row and changes nothing."""

    message_id = models.CharField(max_length=255, unique=True)
    sender = models.CharField(max_length=255, blank=True)
    # "posted", or why it was refused ("unknown address", "auto-reply", "too large", ...).
    outcome = models.CharField(max_length=120)

    def __str__(self) -> str:
        return f"{self.message_id}: {self.outcome}"


class Delivery(TimeStampedModel):
    """The ledger: one row per (recipient, kind, subject, period), so nothing is sent twice.

    Scans insert rows (a second insert of the same key is a no-op under the unique
    constraint); delivery claims pending rows that are due, and records what happened.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SUPPRESSED = "suppressed", "Suppressed"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries"
    )
    kind = models.CharField(max_length=20, choices=Reminder.choices)
    # What it is about ("meeting:42") and which occurrence ("2026-11-23", "2026-Q4", "once").
    subject_key = models.CharField(max_length=100)
    period_key = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True)
    due_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    channels = models.CharField(
        max_length=40, blank=True, help_text="Where it went: in_app, email, digest."
    )

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "subject_key", "period_key"],
                name="delivery_once_per_period",
            ),
        ]
        indexes = [
            # The delivery sweep: pending rows by due time.
            models.Index(
                fields=["due_at"], condition=models.Q(state="pending"), name="delivery_pending_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_key} {self.period_key} → {self.recipient_id}"

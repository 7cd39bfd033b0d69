from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import TimeStampedModel
from mentorship.validators import validate_single_line


class Notification(TimeStampedModel):
    """An in-app message. It carries its own text and link, not a key into another app."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        APPLICATION = "application", _("Application")
        APPROVAL = "approval", _("Approval")
        PARTICIPATION = "participation", _("Participation")
        REQUEST = "request", _("Mentorship request")
        MENTORSHIP = "mentorship", _("Mentorship")
        REPORT = "report", _("Report to admins")
        REMINDER = "reminder", _("Reminder")
        GENERAL = "general", _("General")

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

    MEETING = "meeting_reminder", _("Meeting reminder")
    FOLLOW_UP = "follow_up", _("Follow-up after a meeting")
    CADENCE = "cadence", _("Time to meet again")
    CHECK_IN = "check_in", _("Check-in")
    REQUEST_PENDING = "request_pending", _("Request waiting for an answer")
    REQUEST_EXPIRED = "request_expired", _("Request expired")
    ACTION_DUE = "action_due", _("Action item due")
    REPORT_BACK = "report_back", _("Report back on advice")
    ENDING = "ending", _("Relationship ending")
    ADMIN_DIGEST = "admin_digest", _("Weekly admin digest")
    # From an admin on the dashboard, or the program's inactivity rule (meetings.inactivity).
    ADMIN_NUDGE = "admin_nudge", _("Your mentorship has gone quiet")
    # The person's own weekly email of what they set to "weekly digest" (notifications.digest).
    WEEKLY_DIGEST = "weekly_digest", _("Your weekly digest")
    # Unread messages of one conversation, told once per stretch of unread (conversations/).
    MESSAGE = "message", _("New messages")


class InboundMail(TimeStampedModel):
    """Every email that reached Twoway's inbound address, once per Message-ID: a second
    delivery of the same mail finds its row and changes nothing."""

    message_id = models.CharField(max_length=255, unique=True)
    sender = models.CharField(max_length=255, blank=True)
    # "posted", or why it was refused ("unknown address", "auto-reply", "too large", ...).
    outcome = models.CharField(max_length=120)

    def __str__(self) -> str:
        return f"{self.message_id}: {self.outcome}"


WEBHOOK = "webhook"  # Delivery.kind of an event for a webhook (notifications.webhooks)


class Webhook(TimeStampedModel):
    """An address another system gave to hear of events, as the Standard Webhooks specification
    says (notifications.webhooks). Whose it is, ``owner_key``, is the offering app's word
    ("organization:12"): this app knows none of them. Its signing secrets are kept encrypted;
    during a rotation the previous one signs too, until ``previous_until``."""

    owner_key = models.CharField(max_length=60, db_index=True)
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    events = models.JSONField(default=list)  # the event types it hears
    secret_encrypted = models.TextField()
    previous_secret_encrypted = models.TextField(blank=True)
    previous_until = models.DateTimeField(null=True, blank=True)
    # Set when deliveries began to fail (cleared by a success); a day of failures disables it.
    failing_since = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.url


class Delivery(TimeStampedModel):
    """The ledger: one row per (recipient, kind, subject, period), so nothing is sent twice.

    Scans insert rows (a second insert of the same key is a no-op under the unique
    constraint); delivery claims pending rows that are due, and records what happened.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SUPPRESSED = "suppressed", _("Suppressed")

    # Its recipient: a person, or (an event) a webhook.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="deliveries",
        null=True,
        blank=True,
    )
    webhook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, related_name="deliveries", null=True, blank=True
    )
    kind = models.CharField(
        max_length=20, choices=[*Reminder.choices, (WEBHOOK, _("Webhook event"))]
    )
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
        max_length=40, blank=True, help_text=_("Where it went: in_app, email, digest.")
    )
    # A webhook's last answer: its status and the start of its body.
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "subject_key", "period_key"],
                name="delivery_once_per_period",
            ),
            # One row per (webhook, event): the event's id is its subject.
            models.UniqueConstraint(
                fields=["webhook", "subject_key"],
                condition=models.Q(webhook__isnull=False),
                name="delivery_once_per_webhook_event",
            ),
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False, webhook__isnull=True)
                | models.Q(recipient__isnull=True, webhook__isnull=False),
                name="delivery_one_recipient",
            ),
        ]
        indexes = [
            # The delivery sweep: pending rows by due time, then id, as it takes them (on due time
            # alone, thousands due at the same instant were sorted again at every pick).
            models.Index(
                fields=["due_at", "id"],
                condition=models.Q(state="pending"),
                name="delivery_pending_due_id",
            ),
        ]

    @property
    def replayable(self) -> bool:
        """A webhook's event that is not waiting to be sent may be sent again."""
        return self.webhook_id is not None and self.state != self.State.PENDING

    def __str__(self) -> str:
        to = self.recipient_id if self.webhook_id is None else f"webhook {self.webhook_id}"
        return f"{self.kind} {self.subject_key} {self.period_key} → {to}"

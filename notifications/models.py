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
        GENERAL = "general", "General"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices, default=Kind.GENERAL)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

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

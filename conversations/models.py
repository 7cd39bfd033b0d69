"""A pair's or a circle's conversation: messages, and how far each person has read.

Program admins never read messages: no admin page, export or dashboard shows their text."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from accounts.models import TimeStampedModel
from matching.models import Mentorship, MentorshipGroup
from meetings.models import ONE_OWNER


class Conversation(TimeStampedModel):
    """One per mentorship, or one per circle; made with its first message or first visit mark."""

    mentorship = models.OneToOneField(
        Mentorship, on_delete=models.CASCADE, null=True, blank=True, related_name="conversation"
    )
    group = models.OneToOneField(
        MentorshipGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="conversation",
    )
    # Newest conversations first at /messages/.
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=ONE_OWNER, name="conversation_one_owner"),
        ]

    def __str__(self) -> str:
        return f"Conversation {self.pk}"


class Message(TimeStampedModel):
    """Plain text. Its author may edit it for a while (marked edited) or delete it (a deleted
    message keeps its place and loses its text)."""

    MAX_LENGTH = 10_000

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            # A page of a conversation, the poll for what is newer, and the unread counts.
            models.Index(fields=["conversation", "id"], name="message_conversation_id"),
        ]

    def __str__(self) -> str:
        return f"Message {self.pk}"


class Seen(models.Model):
    """How far one person has read one conversation: the last message id they saw."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="seen")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_seen = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="seen_once_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} saw {self.last_seen} of {self.conversation_id}"


class Attachment(TimeStampedModel):
    """A file sent with a message, stored through Django's storage (the filesystem, or an
    S3-compatible bucket) and served only to the conversation's people."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/", max_length=200)
    name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

"""A person's data export, and an organization's retention setting."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.models import Organization


class DataExport(models.Model):
    """One "Download my data": asked for, built by a task, downloadable by its person until
    ``expires_at``, then its file is deleted."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to="exports/", blank=True, max_length=200)
    size = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["user", "-requested_at"], name="dataexport_user_recent")]

    def __str__(self) -> str:
        return f"Export {self.pk} of user {self.user_id}"

    @property
    def is_ready(self) -> bool:
        return self.ready_at is not None and bool(self.file)

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()


class RetentionPolicy(models.Model):
    """An organization's rule: the personal data of people whose programs all closed more than
    ``months`` ago is deleted, daily. Off (no row, or ``months`` empty) by default."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="retention"
    )
    months = models.PositiveSmallIntegerField(
        _("months after the program closed"), null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Retention of {self.organization_id}: {self.months or 'off'}"

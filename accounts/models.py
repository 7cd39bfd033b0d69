from __future__ import annotations

import zoneinfo
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.languages import spoken_language_choices
from accounts.timezones import validate_timezone
from mentorship.fields import ChoiceSetField
from mentorship.validators import validate_single_line


def initials_of(name: str) -> str:
    """Up to two letters for where a photo would be: "AO" for Amara Okafor."""
    words = name.split()
    return "".join(w[0] for w in words[:1] + words[1:][-1:]).upper()


class TimeStampedModel(models.Model):
    """Every Twoway table records when a row was made and last changed."""

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        if not extra["is_staff"] or not extra["is_superuser"]:
            raise ValueError("A superuser needs is_staff and is_superuser.")
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Email is the login; roles live on programs.Participant, per program."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(max_length=150, validators=[validate_single_line])
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text=_("Reminders and contact windows are shown in this zone."),
    )
    # Pages, emails and notifications to them are in this language; empty: the browser's choice
    # on pages, and the site's default language in what is sent to them.
    language = models.CharField(
        max_length=10, blank=True, db_default="", choices=settings.LANGUAGES
    )
    # "Languages I speak": the directory filters by them and the score counts a shared one.
    languages = ChoiceSetField(choices=spoken_language_choices, db_default="")
    department = models.CharField(max_length=100, blank=True, validators=[validate_single_line])
    job_title = models.CharField(max_length=100, blank=True, validators=[validate_single_line])
    # A square JPEG made on the server from what they uploaded (accounts/photos.py), kept in the
    # default storage (the filesystem, or an S3-compatible bucket); empty: their initials show.
    # db_default: rows written by code that predates the column (older migrations' states) get
    # none too.
    photo = models.FileField(upload_to="photos/", blank=True, max_length=200, db_default="")
    # Channel and quiet-hours choices per notification kind; the reminders work fills it.
    notification_preferences = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text=_("Operators: may use the Django admin site.")
    )
    date_joined = models.DateTimeField(default=timezone.now)
    # Set when their personal data was deleted (privacy/services.py): the row stays, named
    # "a former participant", so that what others keep still has an author.
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    @property
    def language_code(self) -> str:
        """The language to write to them in: theirs, else the site's."""
        return self.language or settings.LANGUAGE_CODE

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [
            # Emails are stored lower-cased; this also guards rows written around the manager.
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        if self.deleted_at is not None:
            from django.utils.translation import gettext

            return gettext("a former participant")
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name.split() or [self.email])[0]

    @property
    def initials(self) -> str:
        return initials_of(self.full_name or self.email)

    @property
    def zoneinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

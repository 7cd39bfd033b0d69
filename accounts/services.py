"""Writes to accounts."""

from __future__ import annotations

import secrets

from django.core.files.base import ContentFile
from django.db import transaction

from accounts.models import User
from accounts.photos import photo_square


@transaction.atomic
def user_update_profile(
    *,
    user: User,
    full_name: str,
    time_zone: str,
    department: str,
    job_title: str,
    language: str | None = None,
    languages: list[str] | None = None,
) -> User:
    """Change the person's own name, time zone, language, the languages they speak (None:
    unchanged) and work details."""
    user.full_name = full_name.strip()
    user.time_zone = time_zone
    user.department = department.strip()
    user.job_title = job_title.strip()
    if language is not None:
        user.language = language
    if languages is not None:
        user.languages = languages  # type: ignore[assignment]  # a ChoiceSetField: a list
    user.full_clean(exclude=["password"])
    user.save(
        update_fields=["full_name", "time_zone", "language", "languages", "department", "job_title"]
    )
    return user


@transaction.atomic
def user_create(
    *,
    email: str,
    full_name: str,
    password: str | None,
    time_zone: str = "UTC",
    department: str = "",
    job_title: str = "",
    email_verified: bool = False,
    password_hash: str = "",
) -> User:
    """Make an account; with ``email_verified`` its address needs no confirmation link."""
    from allauth.account.models import EmailAddress

    user = User(
        email=email.strip().lower(),
        full_name=full_name.strip(),
        time_zone=time_zone,
        department=department.strip(),
        job_title=job_title.strip(),
    )
    if password_hash:
        user.password = password_hash  # already hashed (seeding many accounts with one password)
    elif password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=email_verified)
    return user


@transaction.atomic
def user_photo_set(*, user: User, data: bytes) -> User:
    """Check, crop and store a new profile photo; the old one's file is removed once the new one
    is saved (after the transaction: a rollback keeps the old photo whole)."""
    square = photo_square(data)
    old = user.photo.name
    user.photo.save(f"{user.pk}-{secrets.token_hex(12)}.jpg", ContentFile(square), save=False)
    user.save(update_fields=["photo"])
    if old:
        storage = user.photo.storage
        transaction.on_commit(lambda: storage.delete(old))
    return user


@transaction.atomic
def user_photo_remove(*, user: User) -> User:
    """Back to initials; the file goes once that is saved."""
    old = user.photo.name
    if old:
        storage = user.photo.storage
        user.photo = ""
        user.save(update_fields=["photo"])
        transaction.on_commit(lambda: storage.delete(old))
    return user

"""Emails about programs; sent through notifications.email_send."""

from __future__ import annotations

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from accounts.models import User
from notifications.reminders import keyset_batches
from notifications.services import email_send
from programs.models import Announcement, Invitation
from programs.selectors import announcement_recipients
from programs.tokens import invitation_token


def _invitation_language(invitation: Invitation) -> str:
    """The language to invite someone in: theirs if they have an account; else the language
    the admin who invited them chose (likely a colleague's), else the site's."""
    invitee = User.objects.filter(email__iexact=invitation.email).first()
    if invitee is not None:
        return invitee.language_code
    if invitation.invited_by is not None and invitation.invited_by.language:
        return invitation.invited_by.language
    return settings.LANGUAGE_CODE


def invitation_email_send(*, invitation_id: int) -> bool:
    """Send the invitation link if the invitation is still pending; True when sent."""
    invitation = (
        Invitation.objects.select_related("program", "program__organization", "invited_by")
        .filter(pk=invitation_id, status=Invitation.Status.PENDING)
        .first()
    )
    if invitation is None or invitation.is_expired:
        return False
    link = settings.SITE_URL + reverse(
        "programs:invitation", kwargs={"token": invitation_token(invitation)}
    )
    email_send(
        to=[invitation.email],
        language=_invitation_language(invitation),
        subject=format_lazy(
            gettext_lazy("You are invited to {program}"), program=invitation.program.name
        ),
        template="emails/invitation",
        context={"invitation": invitation, "link": link},
    )
    return True


def announcement_emails_send(*, announcement_id: int) -> int:
    """Email the announcement to each recipient not emailed yet, in user-id order; how many sent.

    Progress is written after each email, so a retried task (the worker died, the mail server
    went away) resumes after the last one sent: nobody gets it twice, save the one email that
    may have left just before a crash.
    """
    announcement = (
        Announcement.objects.select_related("program", "program__organization", "author")
        .filter(pk=announcement_id, emailed_at__isnull=True)
        .first()
    )
    if announcement is None:
        return 0
    program = announcement.program
    recipients = announcement_recipients(
        program=program,
        audience=announcement.audience,
        author_id=announcement.author_id,
        joined_by=announcement.created_at,
    ).filter(pk__gt=announcement.emailed_through)
    link = settings.SITE_URL + program.get_absolute_url()
    sent = 0
    for batch in keyset_batches(recipients, 200):
        for user in batch:
            email_send(
                to=[user.email],
                language=user.language_code,
                subject=f"{program.name}: {announcement.title}",
                template="emails/announcement",
                context={"announcement": announcement, "user": user, "link": link},
            )
            Announcement.objects.filter(pk=announcement.pk).update(
                emailed_through=user.pk, emailed_count=F("emailed_count") + 1
            )
            sent += 1
    Announcement.objects.filter(pk=announcement.pk).update(emailed_at=timezone.now())
    return sent

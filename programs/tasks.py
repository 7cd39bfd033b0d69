from __future__ import annotations

from celery import shared_task


@shared_task(
    name="programs.send_invitation_email",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_invitation_email(invitation_id: int) -> bool:
    """Email one pending invitation its link; a used or withdrawn one is left alone."""
    from programs.emails import invitation_email_send

    return invitation_email_send(invitation_id=invitation_id)


@shared_task(
    name="programs.send_announcement_emails",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_announcement_emails(announcement_id: int) -> int:
    """Email an announcement to its recipients; a retry resumes where the last attempt stopped."""
    from programs.emails import announcement_emails_send

    return announcement_emails_send(announcement_id=announcement_id)

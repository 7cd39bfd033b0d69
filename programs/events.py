"""What happens in an organization's programs, told to its webhooks (notifications.webhooks):
the event types organizations can subscribe to, and ``emit``, which the apps call inside the
transaction that makes the change. An event carries ids, states and dates: never what people
wrote."""

from __future__ import annotations

from typing import Any

from notifications.webhooks import event_emit
from programs.models import Organization, Program

EVENTS: dict[str, str] = {
    "participant.joined": "Someone joined a program",
    "participant.left": "Someone left a program",
    "request.sent": "A mentee asked a mentor",
    "request.answered": "A mentor answered a request (accepted, declined or redirected)",
    "mentorship.started": "A mentorship started",
    "mentorship.paused": "A mentorship was paused",
    "mentorship.resumed": "A paused mentorship went on",
    "mentorship.completed": "A mentorship was completed",
    "mentorship.ended": "A mentorship ended early",
    "meeting.confirmed": "A meeting was confirmed",
    "meeting.held": "A meeting was marked held",
    "meeting.missed": "A meeting passed without being marked held",
    "checkin.answered": "Someone answered a check-in (no answers in the event)",
    "problem.reported": "Someone reported a problem to the program's admins",
    "round.published": "A matching round was published",
}


def owner_key(organization: Organization | int) -> str:
    """The webhooks' owner of an organization (notifications.models.Webhook.owner_key)."""
    pk = organization if isinstance(organization, int) else organization.pk
    return f"organization:{pk}"


def emit(program: Program, event_type: str, **data: Any) -> int:
    """Tell the organization's webhooks that hear ``event_type``; in the caller's transaction."""
    assert event_type in EVENTS, event_type
    return event_emit(
        owner_key=owner_key(program.organization_id),
        event_type=event_type,
        data={"program": program.slug, **data},
    )

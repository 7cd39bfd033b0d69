"""What happens in an organization's programs, told to its webhooks (notifications.webhooks):
the event types organizations can subscribe to, and ``emit``, which the apps call inside the
transaction that makes the change. An event carries ids, states and dates: never what people
wrote."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from notifications.webhooks import event_emit
from programs.models import Organization, Program

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Each type's description is lazy text: pages show it in their reader's language.
EVENTS: dict[str, StrOrPromise] = {
    "participant.joined": _("Someone joined a program"),
    "participant.left": _("Someone left a program"),
    "request.sent": _("A mentee asked a mentor"),
    "request.answered": _("A mentor answered a request (accepted, declined or redirected)"),
    "mentorship.started": _("A mentorship started"),
    "mentorship.paused": _("A mentorship was paused"),
    "mentorship.resumed": _("A paused mentorship went on"),
    "mentorship.completed": _("A mentorship was completed"),
    "mentorship.ended": _("A mentorship ended early"),
    "meeting.confirmed": _("A meeting was confirmed"),
    "meeting.held": _("A meeting was marked held"),
    "meeting.missed": _("A meeting passed without being marked held"),
    "checkin.answered": _("Someone answered a check-in (no answers in the event)"),
    "problem.reported": _("Someone reported a problem to the program's admins"),
    "round.published": _("A matching round was published"),
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

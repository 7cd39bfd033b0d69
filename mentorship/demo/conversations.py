"""A few pairs and the demo's circle talking between meetings: a short exchange each, the last
message left unread, so its notice waits in the ledger as a message would."""

from __future__ import annotations

from conversations.access import get_thread_for_user
from conversations.models import Message
from conversations.services import message_send
from matching.models import Mentorship
from programs.models import Program

EXCHANGE = (
    ("mentee", "Thanks for today! I wrote down the three questions for next time."),
    ("mentor", "Great. Bring the draft too, even if it is rough: https://example.com/draft"),
    ("mentee", "Will do. Could we start ten minutes later on Tuesday?"),
)


def conversations_seed(*, program: Program) -> None:
    if Message.objects.filter(conversation__mentorship__program=program).exists():
        return
    pairs = (
        Mentorship.objects.filter(program=program, status=Mentorship.Status.ACTIVE)
        .select_related("mentor__user", "mentee__user")
        .order_by("mentee__user__email")[:4]
    )
    for mentorship in pairs:
        for side, text in EXCHANGE:
            author = getattr(mentorship, side).user
            message_send(
                thread=get_thread_for_user(author, mentorship.pk), author=author, text=text
            )
    circle_member = (
        Mentorship.objects.filter(group__isnull=False, status=Mentorship.Status.ACTIVE)
        .select_related("mentee__user")
        .order_by("pk")
        .first()
    )
    if circle_member is not None:
        author = circle_member.mentee.user
        message_send(
            thread=get_thread_for_user(author, circle_member.pk),
            author=author,
            text="Hello everyone! Looking forward to our next session.",
        )

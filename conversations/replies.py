"""Replies by email: each message notice carries a reply address whose token is signed, names
one person and one conversation, and expires; a reply to it is posted as that person."""

from __future__ import annotations

from datetime import timedelta

from django.http import Http404
from django.utils.translation import gettext_noop

from conversations.access import get_conversation_thread_for_user
from conversations.models import Conversation
from conversations.services import message_send
from mentorship.errors import DomainError
from notifications.inbound import Inbound, Refused, SignedAddress

VALID_FOR = timedelta(days=60)
_ADDRESS = SignedAddress("conversations.reply", VALID_FOR)


def reply_token(user_id: int, conversation_id: int) -> str:
    return _ADDRESS.token(user_id, conversation_id)


def reply_received(mail: Inbound, token: str) -> None:
    """Post a reply's new text as the person its token names, in its conversation; refused if
    the token is forged or expired, or the person is no longer in the conversation."""
    user, conversation_id = _ADDRESS.read(mail, token)
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None:
        raise Refused(gettext_noop("unknown address"))
    try:
        thread = get_conversation_thread_for_user(user, conversation)
        message_send(thread=thread, author=user, text=mail.text)
    except Http404 as exc:
        raise Refused(gettext_noop("not in this conversation")) from exc
    except DomainError as exc:
        raise Refused(exc.message) from exc

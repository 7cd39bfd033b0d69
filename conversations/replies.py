"""Replies by email: each message notice carries a reply address whose token is signed, names
one person and one conversation, and expires; a reply to it is posted as that person."""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.http import Http404

from accounts.models import User
from conversations.access import get_conversation_thread_for_user
from conversations.models import Conversation
from conversations.services import message_send
from mentorship.errors import DomainError
from notifications.inbound import Inbound, Refused

VALID_FOR = timedelta(days=60)
# "." separates: an email address's local part takes it, where the default ":" is not allowed.
_SIGNER = signing.TimestampSigner(salt="conversations.reply", sep=".")


def reply_token(user_id: int, conversation_id: int) -> str:
    return _SIGNER.sign(f"{user_id}-{conversation_id}")


def reply_received(mail: Inbound, token: str) -> None:
    """Post a reply's new text as the person its token names, in its conversation; refused if
    the token is forged or expired, or the person is no longer in the conversation."""
    try:
        value = _SIGNER.unsign(token, max_age=VALID_FOR)
    except signing.SignatureExpired as exc:
        raise Refused("expired address") from exc
    except signing.BadSignature as exc:
        raise Refused("unknown address") from exc
    user_id, conversation_id = (int(part) for part in value.split("-", 1))
    user = User.objects.filter(pk=user_id, is_active=True).first()
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if user is None or conversation is None:
        raise Refused("unknown address")
    if mail.sender != user.email.lower():
        raise Refused("sent from another address than the one the notice went to")
    try:
        thread = get_conversation_thread_for_user(user, conversation)
        message_send(thread=thread, author=user, text=mail.text)
    except Http404 as exc:
        raise Refused("not in this conversation") from exc
    except DomainError as exc:
        raise Refused(exc.message) from exc

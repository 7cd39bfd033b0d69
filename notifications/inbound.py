"""Mail that reaches Twoway: parsed here, and handed to the app that registered for its address.

An address is ``<handler>+<token>@INBOUND_EMAIL_DOMAIN``; an app registers a handler name with
``inbound_handler`` (conversations: "reply") and gets the token and the mail's new text, without
quoted history or signature. This app knows none of them. Auto-replies, bounces, mail too large,
and mail to an address nobody registered are refused without posting, logged, and (except
auto-replies and bounces, which must never be answered) answered with one bounce an hour at
most per sender. A mail delivered twice (the same Message-ID) is handled once."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from html import unescape

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from mailparser_reply import EmailReplyParser

from accounts.models import User
from notifications.models import InboundMail

log = logging.getLogger(__name__)

BOUNCE_EVERY = 3600  # seconds: at most one bounce an hour to one sender


class Refused(Exception):
    """The mail is not posted; the words say why (to the log, and in a bounce). They are English
    (marked with ``gettext_noop``): the bounce translates them into its reader's language."""


@dataclass(frozen=True)
class Inbound:
    sender: str
    subject: str
    text: str  # the new text of the reply, without quoted history or signature
    calendar: bytes | None = None  # its text/calendar part (a calendar's answer), if any


Handler = Callable[[Inbound, str], None]
_HANDLERS: dict[str, Handler] = {}


def inbound_handler(name: str, handler: Handler) -> None:
    """Mail to ``<name>+<token>@INBOUND_EMAIL_DOMAIN`` goes to ``handler(mail, token)``, which
    raises ``Refused`` for a token it does not take."""
    _HANDLERS[name] = handler


class SignedAddress:
    """The token of a per-person address: it names one person and one object of the app's
    (``<user>-<object>``), is signed, and expires after ``valid_for``. "." separates its parts:
    an email address's local part takes it, where the default ":" is not allowed."""

    def __init__(self, salt: str, valid_for: timedelta) -> None:
        self.signer = signing.TimestampSigner(salt=salt, sep=".")
        self.valid_for = valid_for

    def token(self, user_id: int, object_id: int) -> str:
        return self.signer.sign(f"{user_id}-{object_id}")

    def read(self, mail: Inbound, token: str) -> tuple[User, int]:
        """The active person the token names and its object's id, if the mail comes from that
        person's address; refused if the token is forged or expired, or the sender another."""
        try:
            value = self.signer.unsign(token, max_age=self.valid_for)
        except signing.SignatureExpired as exc:
            raise Refused(gettext_noop("expired address")) from exc
        except signing.BadSignature as exc:
            raise Refused(gettext_noop("unknown address")) from exc
        user_id, object_id = (int(part) for part in value.split("-", 1))
        user = User.objects.filter(pk=user_id, is_active=True).first()
        if user is None:
            raise Refused(gettext_noop("unknown address"))
        if mail.sender != user.email.lower():
            raise Refused(gettext_noop("sent from another address than the one the notice went to"))
        return user, object_id


def reply_address(name: str, token: str) -> str:
    """The address that brings a reply to handler ``name``; "" when inbound mail is off."""
    domain = settings.INBOUND_EMAIL_DOMAIN
    return f"{name}+{token}@{domain}" if domain else ""


def receive(raw: bytes) -> str:
    """Handle one raw RFC 822 message; returns what became of it ("posted" or why not)."""
    if len(raw) > settings.INBOUND_EMAIL_MAX_BYTES:
        log.warning("inbound mail refused: too large (%d bytes)", len(raw))
        return "too large"
    mail = message_from_bytes(raw, policy=policy.default)
    assert isinstance(mail, EmailMessage)
    sender = parseaddr(str(mail.get("From", "")))[1].lower()
    message_id = str(mail.get("Message-ID", "")).strip()[:255] or f"<no id from {sender}>"
    try:
        with transaction.atomic():
            record = InboundMail.objects.create(
                message_id=message_id, sender=sender[:255], outcome="received"
            )
    except IntegrityError:
        log.info("inbound mail %s handled before: ignored", message_id)
        return "duplicate"
    try:
        if _is_automatic(mail, sender):
            raise Refused("auto-reply")
        name, token = _route(mail)
        with transaction.atomic():
            calendar = _calendar_part(mail)
            _HANDLERS[name](
                Inbound(
                    sender=sender,
                    subject=str(mail.get("Subject", "")),
                    # A calendar's answer may come with no words at all.
                    text=_new_text(mail) if calendar is None else _text_if_any(mail),
                    calendar=calendar,
                ),
                token,
            )
        outcome = "posted"
    except Refused as refusal:
        outcome = str(refusal)
        log.warning("inbound mail %s from %s refused: %s", message_id, sender, outcome)
        if outcome != "auto-reply":
            _bounce(sender, outcome)
    InboundMail.objects.filter(pk=record.pk).update(outcome=outcome[:120])
    return outcome


def _is_automatic(mail: EmailMessage, sender: str) -> bool:
    """An auto-reply or a bounce (RFC 3834 and common practice): never posted, never answered."""
    if str(mail.get("Auto-Submitted", "no")).strip().lower() != "no":
        return True
    if str(mail.get("Precedence", "")).strip().lower() in {"bulk", "junk", "auto_reply", "list"}:
        return True
    if mail.get("X-Autoreply") or mail.get("X-Autorespond"):
        return True
    local = sender.split("@", 1)[0]
    return not sender or local in {"mailer-daemon", "postmaster"}


def _route(mail: EmailMessage) -> tuple[str, str]:
    domain = settings.INBOUND_EMAIL_DOMAIN.lower()
    headers = [
        str(value)
        for key in ("Delivered-To", "X-Original-To", "To", "Cc")
        for value in mail.get_all(key, [])
    ]
    for _, address in getaddresses(headers):
        local, _, at = address.lower().partition("@")
        name, plus, token = local.partition("+")
        if domain and at == domain and plus and name in _HANDLERS:
            # The token's case matters (it is signed); take it from the address as written.
            return name, address.split("+", 1)[1].rsplit("@", 1)[0]
    raise Refused(gettext_noop("unknown address"))


def _new_text(mail: EmailMessage) -> str:
    """The reply's own words: its plain part (or its HTML part's text), without the quoted
    history or the signature."""
    part = mail.get_body(preferencelist=("plain", "html"))
    if part is None:
        raise Refused(gettext_noop("no text"))
    body = part.get_content()
    if part.get_content_type() == "text/html":
        body = unescape(re.sub(r"<br\s*/?>|</p>|</div>", "\n", body, flags=re.I))
        body = re.sub(r"<[^>]+>", "", body)
    text = EmailReplyParser(languages=["en", "de", "fr", "es", "nl"]).parse_reply(text=body)
    if not text.strip():
        raise Refused(gettext_noop("no new text"))
    return text.strip()


def _text_if_any(mail: EmailMessage) -> str:
    try:
        return _new_text(mail)
    except Refused:
        return ""


def _calendar_part(mail: EmailMessage) -> bytes | None:
    """The first text/calendar part (or .ics attachment), as bytes: what a calendar sends back."""
    for part in mail.walk():
        kind = part.get_content_type()
        name = (part.get_filename() or "").lower()
        if kind == "text/calendar" or (kind == "application/ics" or name.endswith(".ics")):
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes) and payload.strip():
                return payload
    return None


def _bounce(sender: str, why: str) -> None:
    if not sender or not cache.add(f"inbound-bounce:{sender}", 1, BOUNCE_EVERY):
        return
    # In the sender's language when Twoway knows them, else in the site's.
    user = User.objects.filter(email__iexact=sender).first()
    with translation.override(user.language_code if user else settings.LANGUAGE_CODE):
        subject = gettext("Your email to %(site)s was not posted") % {"site": settings.SITE_NAME}
        message = gettext(
            "Your email could not be posted (%(why)s). Open %(url)s to write in the conversation "
            "there.\n\nThis is an automatic message; replies are not read."
        ) % {"why": gettext(why), "url": settings.SITE_URL}
    send_mail(
        subject=subject,
        message=message,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[sender],
        fail_silently=True,
    )

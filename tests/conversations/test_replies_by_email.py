"""Replies by email: the notice's Reply-To carries a signed token; a reply as Gmail and Outlook
write it, fed to `manage.py receive_email` or to the webhook, posts its new text once."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from conversations.access import get_thread_for_user
from conversations.models import Message
from conversations.notices import REPLY_HANDLER
from conversations.replies import VALID_FOR, reply_token
from conversations.services import message_send
from matching.models import MentorProfile, Mentorship
from notifications.inbound import receive, reply_address
from notifications.models import InboundMail
from notifications.reminders import deliveries_send_due

pytestmark = pytest.mark.django_db

MAIL = Path(__file__).parent / "mail"


@pytest.fixture
def inbound(settings):
    settings.INBOUND_EMAIL_DOMAIN = "in.twoway.example"
    settings.INBOUND_EMAIL_SECRET = "s3cret-for-tests"
    return settings


@pytest.fixture
def asked(mentorship: Mentorship, mentee, mentor) -> Message:
    """Mia asked Mo something; Mo takes messages at any time."""
    MentorProfile.objects.filter(participant=mentorship.mentor).update(
        communication=MentorProfile.Communication.ANY_TIME
    )
    return message_send(
        thread=get_thread_for_user(mentee, mentorship.pk),
        author=mentee,
        text="Could we move Tuesday to 11:00?",
    )


def _raw(name: str, *, to: str, sender: str) -> bytes:
    return (MAIL / name).read_text().replace("{TO}", to).replace("{FROM}", sender).encode()


def _address(user, message: Message) -> str:
    return reply_address(REPLY_HANDLER, reply_token(user.pk, message.conversation_id))


def _feed(raw: bytes) -> str:
    out = io.StringIO()
    call_command("receive_email", stdin=io.BytesIO(raw), stdout=out)
    return out.getvalue()


def test_the_notice_email_carries_the_persons_reply_address(inbound, asked, mentor, mailoutbox):
    # Noon (outside quiet hours) on the next day: after the notice falls due whatever the clock says.
    noon = (timezone.now() + timedelta(days=1)).replace(hour=12, minute=0)
    with time_machine.travel(noon, tick=False):
        mentor.time_zone = "UTC"
        mentor.save()
        deliveries_send_due(now=noon)
    [email] = mailoutbox
    [address] = email.reply_to
    assert address.startswith(f"reply+{mentor.pk}-{asked.conversation_id}.")
    assert address.endswith("@in.twoway.example")
    assert len(address.split("@")[0]) <= 64  # an address's local part (RFC 5321)
    # Answering that very address posts the reply.
    assert receive(_raw("gmail_reply.eml", to=address, sender=mentor.email)) == "posted"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("gmail_reply.eml", "Yes, 11:00 works. Bring the draft, even if it is rough."),
        (
            "outlook_reply.eml",
            "Tuesday at 11:00 is fine. I will send the room details on Monday.",
        ),
        ("apple_mail_reply.eml", "Perfect, 11:00 on Tuesday then."),
    ],
)
def test_a_reply_posts_its_new_text_once(inbound, asked, mentor, name, expected):
    raw = _raw(name, to=_address(mentor, asked), sender=mentor.email)
    assert _feed(raw).strip() == "posted"
    assert _feed(raw).strip() == "duplicate"  # the same mail delivered twice
    [reply] = Message.objects.filter(author=mentor)
    assert reply.text.startswith(expected)
    assert "Could we move Tuesday" not in reply.text  # no quoted history
    assert "From:" not in reply.text and "wrote:" not in reply.text


def test_the_webhook_takes_the_raw_mail_with_the_secret_only(client, inbound, asked, mentor):
    raw = _raw("gmail_reply.eml", to=_address(mentor, asked), sender=mentor.email)
    url = reverse("notifications:inbound_email")
    assert client.post(url, raw, content_type="message/rfc822").status_code == 403
    assert (
        client.post(
            url, raw, content_type="message/rfc822", HTTP_AUTHORIZATION="Bearer wrong"
        ).status_code
        == 403
    )
    assert not Message.objects.filter(author=mentor).exists()
    response = client.post(
        url, raw, content_type="message/rfc822", HTTP_AUTHORIZATION="Bearer s3cret-for-tests"
    )
    assert response.status_code == 204
    assert Message.objects.filter(author=mentor).count() == 1


@pytest.mark.parametrize(
    ("change", "outcome"),
    [
        (
            lambda raw, token: raw.replace(token.encode(), token[:-2].encode() + b"xx"),
            "unknown address",
        ),
        (lambda raw, token: b"Auto-Submitted: auto-replied\n" + raw, "auto-reply"),
        (
            lambda raw, token: raw.replace(b"From: Amara Okafor <", b"From: Amara Okafor <x."),
            "sent from another address",
        ),
    ],
)
def test_a_forged_or_automatic_reply_is_refused_without_posting(
    inbound, asked, mentor, change, outcome, mailoutbox
):
    token = reply_token(mentor.pk, asked.conversation_id)
    address = _address(mentor, asked)
    raw = _raw("gmail_reply.eml", to=address, sender=mentor.email)
    result = receive(change(raw, token))
    assert result.startswith(outcome)
    assert not Message.objects.filter(author=mentor).exists()
    assert InboundMail.objects.get().outcome.startswith(outcome)
    # A bounce tells a person, never an automatic sender.
    assert len(mailoutbox) == (0 if outcome == "auto-reply" else 1)


def test_an_expired_token_or_a_closed_mentorship_is_refused(inbound, asked, mentor, mentorship):
    raw = _raw("gmail_reply.eml", to=_address(mentor, asked), sender=mentor.email)
    with time_machine.travel(timezone.now() + VALID_FOR + timedelta(days=1)):
        assert receive(raw) == "expired address"
    mentorship.status = Mentorship.Status.COMPLETED
    mentorship.save()
    outlook = _raw("outlook_reply.eml", to=_address(mentor, asked), sender=mentor.email)
    assert receive(outlook).startswith("This mentorship is completed")
    assert not Message.objects.filter(author=mentor).exists()


def test_a_sender_gets_at_most_one_bounce_an_hour(inbound, asked, mentor, mailoutbox):
    for n in range(3):
        raw = _raw(
            "gmail_reply.eml", to="reply+forged@in.twoway.example", sender=mentor.email
        ).replace(b"<CAF=gmail", f"<{n}CAF=gmail".encode())
        assert receive(raw) == "unknown address"
    assert len(mailoutbox) == 1


def test_mail_too_large_is_refused_before_it_is_read(inbound, asked, mentor):
    inbound.INBOUND_EMAIL_MAX_BYTES = 100
    raw = _raw("gmail_reply.eml", to=_address(mentor, asked), sender=mentor.email)
    assert receive(raw) == "too large"
    assert not InboundMail.objects.exists()

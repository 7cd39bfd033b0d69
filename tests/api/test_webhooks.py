"""Webhooks against a real HTTP receiver on the loopback, its signatures verified with the
``standardwebhooks`` package: an event is written with the change that makes it and sent signed;
only the events a webhook hears, only to its organization's; a receiver that fails gets every
event again on the schedule, with the same webhook-id, until it answers; a day of failures
disables the webhook and tells its organization admins; a private address is refused when
production says so, and the address resolved is the one connected to; a rotated secret signs
alongside the old one for a day; a replay keeps the webhook-id; the pages are the organization
admins' only."""

from __future__ import annotations

import json
import socket
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from standardwebhooks.webhooks import Webhook as Verifier

from api.webhooks import delivery_replay, webhook_create, webhook_rotate
from matching.models import Mentorship
from matching.services.mentorships import mentorship_pause
from matching.services.start import mentorship_start
from mentorship import crypto
from mentorship.errors import DomainError
from notifications.models import Delivery, Notification, Webhook
from notifications.reminders import deliveries_send_due
from notifications.webhooks import DISABLE_AFTER, RETRY_AFTER
from programs.models import Role
from tests.programs.factories import ParticipantFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def _hook(program, admin, receiver, events=("mentorship.started", "mentorship.paused")):
    return webhook_create(
        organization=program.organization,
        actor=admin,
        url=receiver.url,
        events=list(events),
        description="HR dashboard",
    )


def _verify(secret: str, item) -> dict:
    return Verifier(secret).verify(item.body, item.headers)


def test_an_event_is_sent_signed_as_standard_webhooks_says(
    program, org_admin, mentor_p, mentee_p, receiver
):
    webhook, secret = _hook(program, org_admin, receiver)
    mentorship = mentorship_start(mentor=mentor_p, mentee=mentee_p)
    [delivery] = Delivery.objects.filter(webhook=webhook)
    assert delivery.state == Delivery.State.PENDING  # written with the change
    deliveries_send_due()
    [item] = receiver.got
    event = _verify(secret, item)
    assert event["type"] == "mentorship.started"
    assert event["data"] == {
        "program": program.slug,
        "mentorship": mentorship.pk,
        "mentor": mentor_p.pk,
        "mentee": mentee_p.pk,
        "circle": None,
    }
    assert item.headers["webhook-id"] == delivery.subject_key
    assert item.headers["content-type"] == "application/json"
    delivery.refresh_from_db()
    assert (delivery.state, delivery.response_status, delivery.response_body) == (
        Delivery.State.SENT,
        200,
        "thanks",
    )
    with pytest.raises(Exception, match="signature"):  # a wrong secret does not verify
        Verifier("whsec_" + "A" * 32).verify(item.body, item.headers)


def test_only_the_events_it_hears_and_only_its_organizations(
    program, org_admin, mentor_p, mentee_p, receiver
):
    webhook, _ = _hook(program, org_admin, receiver, events=["mentorship.paused"])
    elsewhere = ProgramFactory()
    ParticipantFactory(program=elsewhere, role=Role.ADMIN)
    mentorship = mentorship_start(mentor=mentor_p, mentee=mentee_p)
    assert not Delivery.objects.filter(webhook=webhook).exists()  # it does not hear "started"
    mentorship_pause(mentorship=mentorship, actor=mentee_p.user)
    [delivery] = Delivery.objects.filter(webhook=webhook)
    assert json.loads(delivery.body)["type"] == "mentorship.paused"
    other_mentor = ParticipantFactory(program=elsewhere, role=Role.MENTOR)
    from tests.matching.factories import MentorProfileFactory

    MentorProfileFactory(participant=other_mentor)
    other = ParticipantFactory(program=elsewhere, role=Role.MENTEE)
    paused = mentorship_start(mentor=other_mentor, mentee=other)
    mentorship_pause(mentorship=paused, actor=other.user)
    assert Delivery.objects.filter(webhook=webhook).count() == 1  # not another organization's


def test_a_failing_receiver_gets_every_event_again_with_the_same_id(
    program, org_admin, mentor_p, mentee_p, receiver
):
    webhook, secret = _hook(program, org_admin, receiver)
    receiver.statuses = [500, 503, 200]
    mentorship_start(mentor=mentor_p, mentee=mentee_p)
    now = timezone.now()
    deliveries_send_due(now=now)
    delivery = Delivery.objects.get(webhook=webhook)
    assert delivery.state == Delivery.State.PENDING and delivery.response_status == 500
    assert delivery.due_at == now + RETRY_AFTER[0]
    deliveries_send_due(now=now + timedelta(seconds=1))  # not due yet: nothing sent
    assert len(receiver.got) == 1
    now += RETRY_AFTER[0]
    deliveries_send_due(now=now)
    now += RETRY_AFTER[1]
    deliveries_send_due(now=now)
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SENT and delivery.attempts == 3
    assert len(receiver.got) == 3 and len(set(receiver.ids())) == 1
    for item in receiver.got:
        _verify(secret, item)  # each try signed anew, with its own timestamp
    webhook.refresh_from_db()
    assert webhook.failing_since is None


def test_a_day_of_failures_disables_it_and_tells_the_organization_admins(
    program, org_admin, mentor_p, mentee_p, receiver, django_capture_on_commit_callbacks
):
    webhook, _ = _hook(program, org_admin, receiver)
    receiver.statuses = [500]
    mentorship = mentorship_start(mentor=mentor_p, mentee=mentee_p)
    now = timezone.now()
    deliveries_send_due(now=now)
    mentorship_pause(mentorship=mentorship, actor=mentee_p.user)  # another event waits
    later = now + DISABLE_AFTER + timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        deliveries_send_due(now=later)
    webhook.refresh_from_db()
    assert webhook.disabled_at is not None and "a day" in webhook.disabled_reason
    assert not Delivery.objects.filter(webhook=webhook, state=Delivery.State.PENDING).exists()
    told = Notification.objects.get(recipient=org_admin, title__contains="disabled")
    assert receiver.url in told.body
    tries = len(receiver.got)
    Mentorship.objects.filter(pk=mentorship.pk).update(status=Mentorship.Status.ACTIVE)
    mentorship.refresh_from_db()
    mentorship_pause(mentorship=mentorship, actor=mentee_p.user)  # a disabled one hears nothing
    deliveries_send_due(now=later + timedelta(hours=1))
    assert len(receiver.got) == tries


def test_production_refuses_private_addresses_when_sending_and_registering(
    program, org_admin, mentor_p, mentee_p, receiver, settings
):
    webhook, _ = _hook(program, org_admin, receiver)
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    mentorship_start(mentor=mentor_p, mentee=mentee_p)
    deliveries_send_due()
    delivery = Delivery.objects.get(webhook=webhook)
    assert "not a public address" in delivery.last_error and receiver.got == []
    for url in (
        receiver.url,
        "https://127.0.0.1/x",
        "https://169.254.169.254/latest",
        "https://[::1]/",
    ):
        with pytest.raises(DomainError) as refused:
            webhook_create(
                organization=program.organization, actor=org_admin, url=url, events=["request.sent"]
            )
        assert refused.value.field == "url"


def test_it_connects_to_the_address_it_checked(
    program, org_admin, mentor_p, mentee_p, receiver, monkeypatch
):
    """DNS answers once: the host is resolved, that address checked and connected to, with the
    host's name in the Host header (so a second, different answer cannot be slipped in)."""
    name = "hooks.example.test"
    real = socket.getaddrinfo
    asked: list[str] = []

    def resolve(host, port, *args, **kwargs):
        asked.append(host)
        if host == name:
            return real("127.0.0.1", port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    webhook, secret = _hook(program, org_admin, receiver)
    Webhook.objects.filter(pk=webhook.pk).update(url=f"http://{name}:{receiver.port}/hooks")
    mentorship_start(mentor=mentor_p, mentee=mentee_p)
    asked.clear()
    deliveries_send_due()
    assert asked.count(name) == 1 and set(asked) <= {name, "127.0.0.1"}  # resolved once
    [item] = receiver.got
    assert item.headers["host"] == f"{name}:{receiver.port}"
    _verify(secret, item)


def test_a_rotated_secret_signs_alongside_the_old_one_for_a_day(
    program, org_admin, mentor_p, mentee_p, receiver
):
    webhook, old = _hook(program, org_admin, receiver)
    new = webhook_rotate(organization=program.organization, webhook=webhook, actor=org_admin)
    mentorship_start(mentor=mentor_p, mentee=mentee_p)
    deliveries_send_due()
    [item] = receiver.got
    assert len(item.headers["webhook-signature"].split(" ")) == 2
    _verify(old, item)
    _verify(new, item)
    webhook.refresh_from_db()
    assert crypto.decrypt(webhook.secret_encrypted) == new
    assert old not in str(Webhook.objects.values_list().get())  # kept encrypted


def test_a_replay_keeps_the_webhook_id(program, org_admin, mentor_p, mentee_p, receiver):
    webhook, _ = _hook(program, org_admin, receiver)
    mentorship_start(mentor=mentor_p, mentee=mentee_p)
    deliveries_send_due()
    delivery = Delivery.objects.get(webhook=webhook)
    delivery_replay(organization=program.organization, delivery=delivery, actor=org_admin)
    deliveries_send_due()
    assert len(receiver.got) == 2 and len(set(receiver.ids())) == 1


def test_the_pages_are_the_organization_admins(client, program, org_admin, admin_user, receiver):
    url = reverse("api:webhooks", kwargs={"slug": program.organization.slug})
    client.force_login(admin_user)  # a program's admin is not an organization admin
    assert client.get(url).status_code == 404
    client.force_login(org_admin)
    refused = client.post(url, {"url": "ftp://example.org/x", "events": ["request.sent"]})
    assert "Give the address as https://" in refused.content.decode()
    assert not Webhook.objects.exists()
    added = client.post(url, {"url": receiver.url, "events": ["request.sent"]})
    webhook = Webhook.objects.get()
    assert added["Location"] == reverse(
        "api:webhook", kwargs={"slug": program.organization.slug, "pk": webhook.pk}
    )
    page = client.get(added["Location"]).content.decode()
    secret = page.split('id="webhook-secret" type="text" readonly value="')[1].split('"')[0]
    assert crypto.decrypt(webhook.secret_encrypted) == secret
    assert secret not in client.get(added["Location"]).content.decode()  # shown once

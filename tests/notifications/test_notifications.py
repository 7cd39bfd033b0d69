from __future__ import annotations

import pytest
from django.urls import reverse

from notifications.models import Notification
from notifications.services import SUBJECT_MAX_LENGTH, email_subject, notify
from tests.accounts.factories import UserFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_list_shows_only_my_notifications(client):
    me, other = UserFactory(), UserFactory()
    NotificationFactory(recipient=me, title="For me")
    NotificationFactory(recipient=other, title="For someone else")
    client.force_login(me)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "For me" in page
    assert "For someone else" not in page


def test_unread_count_in_navigation(client):
    me = UserFactory()
    NotificationFactory.create_batch(3, recipient=me)
    client.force_login(me)
    page = client.get(reverse("home")).content.decode()
    assert 'id="unread-count">3<' in page


def test_mark_read_with_htmx_returns_the_item(client):
    me = UserFactory()
    note = NotificationFactory(recipient=me, title="Hello")
    client.force_login(me)
    response = client.post(
        reverse("notifications:read", args=[note.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert f'id="notification-{note.pk}"' in response.content.decode()
    assert "Mark as read" not in response.content.decode()
    # The navigation's badge is swapped out of band: nothing unread, so no count.
    assert '<span id="unread-badge" hx-swap-oob="true"></span>' in response.content.decode()
    note.refresh_from_db()
    assert note.is_read


def test_mark_read_without_htmx_redirects(client):
    me = UserFactory()
    note = NotificationFactory(recipient=me)
    client.force_login(me)
    response = client.post(reverse("notifications:read", args=[note.pk]))
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.is_read


def test_cannot_mark_someone_elses_notification(client):
    me, other = UserFactory(), UserFactory()
    theirs = NotificationFactory(recipient=other)
    client.force_login(me)
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_mark_all_read_touches_only_mine(client):
    me, other = UserFactory(), UserFactory()
    NotificationFactory.create_batch(2, recipient=me)
    theirs = NotificationFactory(recipient=other)
    client.force_login(me)
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_mark_read_needs_post(client):
    me = UserFactory()
    note = NotificationFactory(recipient=me)
    client.force_login(me)
    assert client.get(reverse("notifications:read", args=[note.pk])).status_code == 405


def test_notify_refuses_unknown_kind():
    with pytest.raises(ValueError, match="Unknown notification kind"):
        notify(recipient=UserFactory(), kind="carrier-pigeon", title="x")
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("Meeting with Ann\nBcc: x@example.com", "[Twoway] Meeting with Ann Bcc: x@example.com"),
        ("  Ann \r\n\t Lee\x07 ", "[Twoway] Ann Lee"),
        ("Due:\u2028call\u2029Ann\x85now", "[Twoway] Due: call Ann now"),
        ("Zoë 👩‍👩‍👧 Ó Briain", "[Twoway] Zoë 👩‍👩‍👧 Ó Briain"),
    ],
)
def test_email_subject_is_one_line(text, subject):
    assert email_subject(text) == subject


def test_email_subject_is_capped():
    subject = email_subject("word " * 100)
    assert SUBJECT_MAX_LENGTH - 5 <= len(subject) <= SUBJECT_MAX_LENGTH
    assert subject.endswith("word…")

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_email_is_the_login(client):
    user = UserFactory(email="Casey@Example.org")
    assert user.email == "casey@example.org"
    response = client.post(
        reverse("account_login"), {"login": "casey@example.org", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_unverified_email_cannot_log_in(client):
    UserFactory(email="fresh@example.org", verified=False)
    response = client.post(
        reverse("account_login"), {"login": "fresh@example.org", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert client.get(reverse("home")).status_code == 302


def test_password_reset_does_not_reveal_whether_an_account_exists(client):
    UserFactory(email="known@example.org")
    known = client.post(reverse("account_reset_password"), {"email": "known@example.org"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    # Both get a mail: one with a link, one saying there is no account (allauth's enumeration guard).
    assert {m.to[0] for m in mail.outbox} == {"known@example.org", "nobody@example.org"}


def test_failed_logins_are_rate_limited(client):
    UserFactory(email="target@example.org")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "target@example.org", "password": "wrong"})
    # Even the right password is refused while the limit holds, and nobody is logged in.
    response = client.post(
        reverse("account_login"), {"login": "target@example.org", "password": TEST_PASSWORD}
    )
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_profile_saves_name_zone_and_department(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {
            "full_name": "Robin Q. Doe",
            "time_zone": "America/New_York",
            "department": "Legal",
            "job_title": "Counsel",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.time_zone, user.department) == (
        "Robin Q. Doe",
        "America/New_York",
        "Legal",
    )


def test_profile_refuses_an_unknown_time_zone_next_to_the_field(client):
    user = UserFactory(time_zone="Europe/Berlin")
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "X", "time_zone": "Europe/Atlantis", "department": "", "job_title": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["time_zone"]
    user.refresh_from_db()
    assert user.time_zone == "Europe/Berlin"


def test_model_validation_refuses_an_unknown_time_zone():
    from django.core.exceptions import ValidationError

    user = User(email="z@example.org", full_name="Z", time_zone="Not/AZone")
    with pytest.raises(ValidationError) as excinfo:
        user.full_clean(exclude=["password"])
    assert "time_zone" in excinfo.value.message_dict


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        # 05:30 UTC is 07:30 in Berlin on the last day of summer time (UTC+2) ...
        (datetime(2026, 10, 24, 5, 30, tzinfo=UTC), "24 Oct 2026 07:30"),
        # ... and 06:30 the day after the clocks went back (UTC+1).
        (datetime(2026, 10, 26, 5, 30, tzinfo=UTC), "26 Oct 2026 06:30"),
    ],
)
def test_times_are_shown_in_the_persons_zone_across_daylight_saving(client, instant, expected):
    user = UserFactory(time_zone="Europe/Berlin")
    with time_machine.travel(instant):
        NotificationFactory(recipient=user, title="Zoned")
    client.force_login(user)
    page = client.get(reverse("notifications:list")).content.decode()
    assert expected in page


def test_instants_are_stored_in_utc():
    with time_machine.travel(datetime(2026, 3, 29, 0, 59, tzinfo=UTC), tick=False):
        note = NotificationFactory(recipient=UserFactory(time_zone="Europe/Berlin"))
    note.refresh_from_db()
    assert note.created_at.utcoffset().total_seconds() == 0
    assert note.created_at == datetime(2026, 3, 29, 0, 59, tzinfo=UTC)


def test_the_password_reset_email_signs_off_with_the_sites_name(client, mentee, settings):
    settings.SITE_URL = "https://mentoring.example.org"
    response = client.post(
        reverse("account_reset_password"), {"email": mentee.email}, HTTP_HOST="127.0.0.1:8100"
    )
    assert response.status_code == 302
    [message] = mail.outbox
    assert "Thank you for using Twoway!" in message.body
    assert "mentoring.example.org" in message.body
    assert "127.0.0.1:8100" not in message.body.split("Thank you")[1]

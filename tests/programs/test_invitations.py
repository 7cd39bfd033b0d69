from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from mentorship.errors import DomainError
from programs.emails import invitation_email_send
from programs.models import Invitation, Participant, Role
from programs.services import invitation_accept, invitation_create, invitation_revoke
from programs.tokens import invitation_token
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.programs.factories import InvitationFactory

pytestmark = pytest.mark.django_db


def _link_from_email() -> str:
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    message = mail.outbox[0]
    html = message.alternatives[0][0]
    link = re.search(r"http://\S+/programs/invitations/\S+/", message.body).group(0)
    assert link in html
    return link.split("testserver", 1)[-1].replace("http://127.0.0.1:8000", "")


def test_invite_sign_up_and_become_participant(
    client, program, admin_user, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("programs:invite", args=[program.slug]),
            {"email": "New.Person@Example.org", "role": "mentor", "full_name": "Nia New"},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(program=program)
    assert invitation.email == "new.person@example.org"
    assert mail.outbox[0].to == ["new.person@example.org"]
    link = _link_from_email()
    client.logout()

    # The link sends a newcomer to sign-up with the address and the invited name filled in, and
    # a time zone the browser may replace with its own (static/js/twoway.js).
    response = client.get(link)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_signup"))
    assert "email=new.person%40example.org" in response.url
    assert "name=Nia+New" in response.url
    response = client.get(response.url)
    page = response.content.decode()
    assert 'value="new.person@example.org"' in page
    assert response.context["form"]["full_name"].value() == "Nia New"
    assert 'data-browser-zone="UTC"' in page

    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "Nia New",
            "email": "new.person@example.org",
            "time_zone": "America/New_York",
            "password1": TEST_PASSWORD,
            "password2": TEST_PASSWORD,
        },
    )
    # The address is proven by the link: no confirmation mail, straight in.
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="new.person@example.org")
    assert user.full_name == "Nia New"
    assert user.time_zone == "America/New_York"
    assert EmailAddress.objects.get(user=user).verified
    participant = Participant.objects.get(user=user, program=program)
    assert (participant.role, participant.status) == (Role.MENTOR, Participant.Status.ACTIVE)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.accepted_by == user
    assert client.get(reverse("home")).status_code == 200
    # The admins hear about it.
    assert admin_user.notifications.filter(title__contains="Nia New").exists()


def test_existing_user_logs_in_then_accepts(client, program, admin_user, mentee):
    invitation = invitation_create(
        program=program, invited_by=admin_user, email=mentee.email, role=Role.MENTOR
    )
    link = reverse("programs:invitation", args=[invitation_token(invitation)])
    response = client.get(link)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    # They also see it in-app.
    assert mentee.notifications.filter(kind="invitation").exists()

    client.force_login(mentee)
    page = client.get(link)
    assert page.status_code == 200
    assert "Accept the invitation" in page.content.decode()
    response = client.post(link)
    assert response.status_code == 302
    assert Participant.objects.filter(
        user=mentee, program=program, role=Role.MENTOR, status="active"
    ).exists()
    # Single use: the same link, posted again, only leads to the program.
    again = client.post(link)
    assert again.url == program.get_absolute_url()
    assert Participant.objects.filter(user=mentee, program=program, role=Role.MENTOR).count() == 1
    with pytest.raises(DomainError, match="used already"):
        invitation_accept(invitation=invitation, user=mentee)


def test_invitation_refuses_someone_logged_in_with_another_address(
    client, program, admin_user, outsider
):
    invitation = InvitationFactory(
        program=program, email="someone.else@example.org", invited_by=admin_user
    )
    client.force_login(outsider)
    link = reverse("programs:invitation", args=[invitation_token(invitation)])
    page = client.get(link)
    assert "was sent to someone.else@example.org" in page.content.decode()
    client.post(link)
    assert not Participant.objects.filter(user=outsider, program=program).exists()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_expired_invitation_is_refused(program, admin_user):
    user = UserFactory(email="late@example.org")
    invitation = InvitationFactory(program=program, email=user.email)
    with (
        time_machine.travel(timezone.now() + timedelta(days=15)),
        pytest.raises(DomainError, match="expired"),
    ):
        invitation_accept(invitation=invitation, user=user)
    assert not Participant.objects.filter(user=user).exists()


def test_revoked_invitation_link_stops_working(client, program, admin_user):
    invitation = InvitationFactory(program=program, email="gone@example.org")
    link = reverse("programs:invitation", args=[invitation_token(invitation)])
    invitation_revoke(invitation=invitation, actor=admin_user)
    assert client.get(link).status_code == 404


def test_forged_token_is_not_found(client):
    assert client.get(reverse("programs:invitation", args=["not-a-real-token"])).status_code == 404


def test_resend_voids_the_old_link(client, program, admin_user):
    invitation = InvitationFactory(program=program, email="again@example.org")
    old_link = reverse("programs:invitation", args=[invitation_token(invitation)])
    client.force_login(admin_user)
    client.post(reverse("programs:resend", args=[program.slug, invitation.pk]))
    invitation.refresh_from_db()
    assert client.get(old_link).status_code == 404
    client.logout()
    assert (
        client.get(reverse("programs:invitation", args=[invitation_token(invitation)])).status_code
        == 302
    )


def test_invite_refuses_an_existing_participant_with_message_next_to_field(
    client, program, admin_user, mentee
):
    client.force_login(admin_user)
    response = client.post(
        reverse("programs:invite", args=[program.slug]), {"email": mentee.email, "role": "mentee"}
    )
    assert response.status_code == 200
    assert "is already a mentee" in str(response.context["form"].errors["email"])
    assert not Invitation.objects.exists()


def test_invite_refuses_a_second_pending_invitation(program, admin_user):
    invitation_create(
        program=program, invited_by=admin_user, email="dup@example.org", role=Role.MENTEE
    )
    with pytest.raises(DomainError, match="pending invitation"):
        invitation_create(
            program=program, invited_by=admin_user, email="DUP@example.org", role=Role.MENTEE
        )
    assert Invitation.objects.count() == 1


def test_invite_refuses_a_bad_email(client, program, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("programs:invite", args=[program.slug]), {"email": "not-an-email", "role": "mentee"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert not Invitation.objects.exists()


LONG_EMAIL = "a" * 243 + "@example.org"  # 255 characters: Django's EmailField takes 320


def test_invite_refuses_an_email_longer_than_its_column_next_to_the_field(
    client, program, admin_user
):
    client.force_login(admin_user)
    url = reverse("programs:invite", args=[program.slug])
    assert 'maxlength="254"' in client.get(url).content.decode()
    response = client.post(url, {"email": LONG_EMAIL, "role": "mentee"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "Enter an email address of at most 254 characters."
    ]
    assert not Invitation.objects.exists()


def test_invitation_create_refuses_an_email_longer_than_its_column(program, admin_user):
    """The service does not trust the form: a caller without one gets a readable refusal."""
    with pytest.raises(DomainError, match="at most 254 characters") as refusal:
        invitation_create(program=program, invited_by=admin_user, email=LONG_EMAIL, role="mentee")
    assert refusal.value.field == "email"
    assert not Invitation.objects.exists()
    invitation = invitation_create(
        program=program, invited_by=admin_user, email=LONG_EMAIL[1:], role="mentee"
    )
    assert len(invitation.email) == 254


def test_signup_without_invitation_needs_email_confirmation(client):
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "Sol Solo",
            "email": "solo@example.org",
            "time_zone": "Europe/Paris",
            "password1": TEST_PASSWORD,
            "password2": TEST_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert client.get(reverse("home")).status_code == 302  # not logged in
    assert "confirm" in mail.outbox[0].subject.lower()


def test_signup_refuses_an_unknown_time_zone(client):
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "Tim Zone",
            "email": "tz@example.org",
            "time_zone": "Mars/Olympus_Mons",
            "password1": TEST_PASSWORD,
            "password2": TEST_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["time_zone"]
    assert not User.objects.filter(email="tz@example.org").exists()


def test_existing_user_who_logs_in_from_the_link_is_in_at_once(client, program, admin_user, mentee):
    invitation = invitation_create(
        program=program, invited_by=admin_user, email=mentee.email, role=Role.MENTOR
    )
    link = reverse("programs:invitation", args=[invitation_token(invitation)])
    login_url = client.get(link).url
    response = client.post(login_url, {"login": mentee.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response.url == link
    assert Participant.objects.filter(
        user=mentee, program=program, role=Role.MENTOR, status="active"
    ).exists()
    # The link, followed once more, goes to the program rather than offering to accept again.
    landing = client.get(link)
    assert landing.status_code == 302
    assert landing.url == program.get_absolute_url()


def test_logging_in_with_another_account_does_not_use_the_invitation(
    client, program, admin_user, outsider
):
    invitation = InvitationFactory(program=program, email="meant.for@example.org")
    link = reverse("programs:invitation", args=[invitation_token(invitation)])
    client.get(link)  # anonymous: the token goes into the session
    response = client.post(
        reverse("account_login"), {"login": outsider.email, "password": TEST_PASSWORD}, follow=True
    )
    assert "invitation could not be used" in response.content.decode()
    assert not Participant.objects.filter(user=outsider, program=program).exists()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_the_invitation_email_says_who_invites_you_in_plain_words(program, admin_user):
    # Was: "Ada Admin invites you to join" read right, but without an inviter the sentence read
    # "You are invited you to join".
    invitation = invitation_create(
        program=program, invited_by=admin_user, email="new.person@example.org", role=Role.MENTEE
    )
    assert invitation_email_send(invitation_id=invitation.pk)
    message = mail.outbox[-1]
    html = message.alternatives[0][0]
    inviter = admin_user.get_full_name()
    assert f"{inviter} invites you to join" in message.body
    assert " ".join(html.split()).count(f"{inviter} invites you to join") == 1

    invitation.invited_by = None
    invitation.save(update_fields=["invited_by"])
    assert invitation_email_send(invitation_id=invitation.pk)
    body = mail.outbox[-1].body
    assert "You are invited to join" in body
    assert "invited you to join" not in body

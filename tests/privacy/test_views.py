"""The privacy pages: a person's export (asked for once a day, built by the task, downloaded
only by them and only for 7 days), deleting one's own account after signing in again, a program
admin deleting a participant's data (only their organization's, audited), and an organization's
retention rule (a count first; organization admins only)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from matching.models import Mentorship
from notifications.models import Notification
from privacy.models import DataExport, RetentionPolicy
from programs.models import AuditEntry, Participant, Role
from tests.accounts.factories import UserFactory
from tests.helpers import signed_in_just_now
from tests.programs.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

SETTINGS = "/settings/privacy/"


def _ask(client, user, django_capture_on_commit_callbacks):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("privacy:export"))


def test_an_export_is_built_told_and_downloaded_by_its_person_only(
    client, mentee, mentor, mentorship, django_capture_on_commit_callbacks
):
    assert _ask(client, mentee, django_capture_on_commit_callbacks).status_code == 302
    export = DataExport.objects.get(user=mentee)
    assert export.is_ready and export.expires_at - export.ready_at == timedelta(days=7)
    assert Notification.objects.filter(recipient=mentee, title__contains="ready").exists()
    assert [m.to for m in mail.outbox] == [[mentee.email]]
    page = client.get(SETTINGS).content.decode()
    url = reverse("privacy:download", args=[export.pk])
    assert url in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    account = json.loads(archive.read("accounts/user.json"))
    assert account[0]["email"] == mentee.email
    mentorships = json.loads(archive.read("matching/mentorship.json"))
    assert [m["id"] for m in mentorships] == [mentorship.pk]
    client.force_login(mentor)
    assert client.get(url).status_code == 404


def test_one_export_a_day(client, mentee, django_capture_on_commit_callbacks):
    _ask(client, mentee, django_capture_on_commit_callbacks)
    again = client.post(reverse("privacy:export"), follow=True).content.decode()
    assert "one export a day" in again
    assert DataExport.objects.filter(user=mentee).count() == 1
    DataExport.objects.update(requested_at=timezone.now() - timedelta(days=1, minutes=1))
    _ask(client, mentee, django_capture_on_commit_callbacks)
    assert DataExport.objects.filter(user=mentee).count() == 2


def test_an_expired_export_is_gone(client, mentee, django_capture_on_commit_callbacks):
    from privacy.services import exports_expire

    _ask(client, mentee, django_capture_on_commit_callbacks)
    export = DataExport.objects.get(user=mentee)
    url = reverse("privacy:download", args=[export.pk])
    DataExport.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(url).status_code == 404
    assert exports_expire() == 1
    export.refresh_from_db()
    assert not export.file


def test_deleting_ones_account_needs_a_fresh_sign_in_and_a_tick(client, mentee, mentorship):
    client.force_login(mentee)
    url = reverse("privacy:delete")
    # force_login is not a recent authentication: allauth asks for the password first.
    asked = client.post(url, {"confirm": "on"})
    assert asked.status_code == 302 and "reauthenticate" in asked["Location"]
    signed_in_just_now(client, mentee)
    refused = client.post(url, {})
    assert "Tick this to confirm" in refused.content.decode()
    mentee.refresh_from_db()
    assert mentee.deleted_at is None and mentee.is_active
    done = client.post(url, {"confirm": "on"})
    assert done.status_code == 302
    mentee.refresh_from_db()
    assert mentee.deleted_at is not None and not mentee.is_active
    assert mentee.get_full_name() == "a former participant"
    mentorship.refresh_from_db()
    assert (
        mentorship.status == Mentorship.Status.ENDED and mentorship.closing_reason == "left_program"
    )
    assert client.get(SETTINGS).status_code == 302  # signed out


def test_a_program_admin_deletes_a_participants_data(client, admin_user, mentee, program):
    participant = Participant.objects.get(user=mentee, program=program)
    url = reverse("privacy:participant_delete", args=[program.slug, participant.pk])
    signed_in_just_now(client, admin_user)
    assert client.get(url).status_code == 200
    assert client.post(url, {"confirm": "on"}).status_code == 302
    mentee.refresh_from_db()
    assert mentee.deleted_at is not None
    entry = AuditEntry.objects.get(action="person.delete")
    assert entry.actor == admin_user and entry.detail["via"] == "program admin"
    assert mentee.email not in str(AuditEntry.objects.values_list())


def test_a_program_admin_cannot_delete_someone_who_takes_part_elsewhere(
    client, admin_user, mentee, program, other_program
):
    ParticipantFactory(user=mentee, program=other_program, role=Role.MENTEE)
    participant = Participant.objects.get(user=mentee, program=program)
    url = reverse("privacy:participant_delete", args=[program.slug, participant.pk])
    signed_in_just_now(client, admin_user)
    page = client.post(url, {"confirm": "on"}).content.decode()
    assert "only an operator can delete" in page
    mentee.refresh_from_db()
    assert mentee.deleted_at is None


def test_another_programs_admin_gets_404(client, outsider, mentee, program):
    participant = Participant.objects.get(user=mentee, program=program)
    url = reverse("privacy:participant_delete", args=[program.slug, participant.pk])
    signed_in_just_now(client, outsider)
    assert client.post(url, {"confirm": "on"}).status_code == 404
    mentee.refresh_from_db()
    assert mentee.deleted_at is None


def test_retention_shows_a_count_first_and_only_to_organization_admins(
    client, org_admin, program, mentee, mentor
):
    program.starts_on = timezone.localdate() - timedelta(days=800)
    program.ends_on = timezone.localdate() - timedelta(days=400)
    program.save()
    url = reverse("privacy:retention", args=[program.organization.slug])
    client.force_login(mentor)
    assert client.post(url, {"months": 6, "save": "1"}).status_code == 404
    assert not RetentionPolicy.objects.exists()
    client.force_login(org_admin)
    preview = client.post(url, {"months": 6, "preview": "1"}).content.decode()
    # The mentee, the mentor and the program's admin... the fixtures' people of this program.
    people = Participant.objects.filter(program=program).values("user").distinct().count()
    assert f"{people} people" in preview
    assert not RetentionPolicy.objects.exists()
    bad = client.post(url, {"months": 0, "save": "1"}).content.decode()
    assert "greater than or equal to 1" in bad
    assert not RetentionPolicy.objects.exists()
    assert client.post(url, {"months": 6, "save": "1"}).status_code == 302
    assert RetentionPolicy.objects.get().months == 6
    assert AuditEntry.objects.filter(action="retention.set").exists()


def test_retention_deletes_only_those_whose_programs_all_closed_long_ago(program, mentee, mentor):
    from privacy.services import retention_apply

    RetentionPolicy.objects.create(organization=program.organization, months=6)
    assert retention_apply() == 0  # the program is open
    program.starts_on = timezone.localdate() - timedelta(days=800)
    program.ends_on = timezone.localdate() - timedelta(days=400)
    program.save()
    still_here = UserFactory()
    ParticipantFactory(user=still_here, program=program)
    ParticipantFactory(user=still_here)  # a program elsewhere, still open
    deleted = retention_apply()
    assert (
        deleted
        == Participant.objects.filter(program=program)
        .exclude(user=still_here)
        .values("user")
        .distinct()
        .count()
    )
    assert User.objects.get(pk=mentee.pk).deleted_at is not None
    assert User.objects.get(pk=still_here.pk).deleted_at is None
    assert retention_apply() == 0  # done once


def test_someone_without_a_password_signs_in_again_with_a_code_by_email(client, mentee):
    """A single sign-on account has no password: allauth re-authenticates it with a code sent
    to its verified address, and then the deletion page opens."""
    import re

    from allauth.account.models import EmailAddress

    mentee.set_unusable_password()
    mentee.save()
    EmailAddress.objects.update_or_create(
        user=mentee, email=mentee.email, defaults={"verified": True, "primary": True}
    )
    client.force_login(mentee)
    url = reverse("privacy:delete")
    asked = client.get(url)
    assert asked.status_code == 302
    code_page = reverse("account_request_reauthentication_code")
    assert asked["Location"].startswith(code_page)  # no password: the code is the way
    mail.outbox.clear()
    sent = client.post(code_page, {"recipient": mentee.email})
    assert sent.status_code == 302
    [email] = mail.outbox
    found = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", email.body, re.MULTILINE)
    assert found is not None, email.body
    code = found.group(1)
    confirmed = client.post(reverse("account_confirm_reauthentication_code"), {"code": code})
    assert confirmed.status_code == 302
    assert client.get(url).status_code == 200


def test_an_operator_deletes_anyones_data_from_the_admin_and_staff_without_rights_cannot(
    client, mentee, mentor, other_program
):
    ParticipantFactory(user=mentee, program=other_program, role=Role.MENTEE)  # two organizations
    url = reverse("admin:accounts_user_changelist")
    action = {"action": "delete_personal_data", "_selected_action": [str(mentee.pk)]}
    viewer = UserFactory(is_staff=True)  # staff, but no permission to delete people
    client.force_login(viewer)
    client.post(url, action)
    mentee.refresh_from_db()
    assert mentee.deleted_at is None
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    done = client.post(url, action, follow=True)
    assert "Personal data deleted for 1 person." in done.content.decode()
    mentee.refresh_from_db()
    assert mentee.deleted_at is not None and not mentee.is_active
    assert AuditEntry.objects.filter(action="person.delete", detail__via="operator").count() == 2
    mentor.refresh_from_db()
    assert mentor.deleted_at is None

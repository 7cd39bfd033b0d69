"""Admins and people's data in the browser: an organization admin counts whom a retention rule
would delete (after a refused 0 months), saves it, finds it in the audit log, and the nightly
job then deletes exactly those people; a program admin signs in again, is refused until they
tick, and deletes a participant's data, whose row then reads "a former participant"."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from privacy.models import RetentionPolicy
from privacy.services import retention_apply
from programs.models import AuditEntry, Participant, Role
from programs.services import organization_admin_grant
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.e2e.conftest import log_in
from tests.programs.factories import OrganizationFactory, ParticipantFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_organization_admin_sets_a_retention_rule_after_seeing_whom_it_deletes(page):
    organization = OrganizationFactory(name="Acme", slug="acme")
    today = timezone.localdate()
    old = ProgramFactory(
        organization=organization,
        name="Spring cohort",
        starts_on=today - timedelta(days=800),
        ends_on=today - timedelta(days=400),
    )
    open_program = ProgramFactory(organization=organization, name="Pathways")
    gone = [
        ParticipantFactory(program=old, role=Role.MENTOR, user__full_name="Olga Oldmentor").user,
        ParticipantFactory(program=old, role=Role.MENTEE, user__full_name="Omar Oldmentee").user,
    ]
    # Took part in the old program and is in the open one: not every program of theirs closed.
    both = ParticipantFactory(program=old, role=Role.MENTEE, user__full_name="Bea Both").user
    ParticipantFactory(program=open_program, role=Role.MENTEE, user=both)
    current = ParticipantFactory(program=open_program, user__full_name="Nia Now").user
    org_admin = organization_admin_grant(
        organization=organization, user=UserFactory(full_name="Orla Orgadmin"), actor=None
    ).user

    log_in(page, org_admin.email, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))
    page.goto("/organizations/acme/")
    page.locator(".nav-tabs").get_by_role("link", name="Data retention").click()
    expect(page).to_have_url(re.compile(r"/organizations/acme/privacy/$"))
    expect(page.locator("#retention-current")).to_contain_text("No rule is set")
    expect(page.locator("#retention-preview")).to_have_count(0)

    # 0 months is refused next to the field, and nothing is saved.
    months = page.get_by_label("Delete personal data this many months")
    months.fill("0")
    page.get_by_role("button", name="Count whom it would delete").click()
    expect(page.locator("#error_1_id_months")).to_contain_text("greater than or equal to 1")
    assert not RetentionPolicy.objects.exists()

    # 12 months: first the count (the two whose only program closed 400 days ago), then saving.
    months.fill("12")
    page.get_by_role("button", name="Count whom it would delete").click()
    expect(page.locator("#retention-preview")).to_have_text(
        "With this rule, 2 people's data would be deleted now."
    )
    assert not RetentionPolicy.objects.exists()
    page.get_by_role("button", name="Save the rule").click()
    expect(page.get_by_text("The retention rule is saved.")).to_be_visible()
    expect(page.locator("#retention-current")).to_have_text(
        "The rule now: delete 12 months after the programs closed."
    )
    expect(page.get_by_label("Delete personal data this many months")).to_have_value("12")
    assert RetentionPolicy.objects.get(organization=organization).months == 12

    # The organization's audit log has it: who, and the months before and after.
    page.locator(".nav-tabs").get_by_role("link", name="Audit log").click()
    row = page.locator("#audit tr", has_text="Changed the data retention rule")
    expect(row).to_contain_text("Orla Orgadmin")
    expect(row).to_contain_text("Acme")
    expect(row.locator("del", has_text="—")).to_be_visible()
    expect(row.locator("ins", has_text="12")).to_be_visible()
    entry = AuditEntry.objects.get(action="retention.set")
    assert entry.organization == organization and entry.actor == org_admin
    assert entry.detail["before"] == {"months": None}
    assert entry.detail["after"] == {"months": 12}

    # The nightly job deletes those two, and no one whose programs have not all closed.
    assert retention_apply() == 2
    for user in gone:
        user.refresh_from_db()
        assert user.deleted_at is not None and not user.is_active
    for user in (both, current, org_admin):
        user.refresh_from_db()
        assert user.deleted_at is None and user.is_active
    assert set(
        AuditEntry.objects.filter(action="person.delete", detail__via="retention").values_list(
            "subject", flat=True
        )
    ) == {f"a former participant (#{user.pk})" for user in gone}


def test_a_program_admin_deletes_a_participants_data_after_signing_in_again(page):
    program = ProgramFactory(name="Pathways", slug="pathways")
    admin = ParticipantFactory(program=program, role=Role.ADMIN, user__full_name="Ada Admin")
    ParticipantFactory(program=program, role=Role.MENTOR, user__full_name="Mo Mentor")
    mentee = ParticipantFactory(program=program, role=Role.MENTEE, user__full_name="Mia Mentee")

    log_in(page, admin.user.email, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))
    page.goto("/programs/pathways/manage/")
    row = page.locator("#participants tbody tr", has_text="Mia Mentee")
    expect(row).to_contain_text("Active")
    row.get_by_role("link", name="Delete data of Mia Mentee").click()

    # Signing in again first.
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    # The page names the person and says what happens; a tick is required.
    expect(
        page.get_by_role("heading", name="Delete the personal data of Mia Mentee")
    ).to_be_visible()
    expect(page.get_by_text("As an admin of Pathways you can delete")).to_be_visible()
    expect(page.get_by_text("Open requests are withdrawn.")).to_be_visible()
    expect(page.get_by_text("signed “a former participant”")).to_be_visible()
    page.get_by_role("button", name="Delete their personal data").click()
    expect(page.locator("#error_1_id_confirm")).to_contain_text("Tick this to confirm")
    mentee.user.refresh_from_db()
    assert mentee.user.deleted_at is None
    page.get_by_label("I understand that this cannot be undone.").check()
    page.get_by_role("button", name="Delete their personal data").click()

    # Back on the manage page: the row is a withdrawn former participant, with nothing to do.
    expect(page.get_by_text("Their personal data is deleted.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/programs/pathways/manage/$"))
    participants = page.locator("#participants")
    expect(participants).not_to_contain_text("Mia Mentee")
    expect(participants).not_to_contain_text(mentee.user.email)
    row = participants.locator("tbody tr", has_text="a former participant")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"former-{mentee.user.pk}@deleted.invalid")
    expect(row).to_contain_text("Withdrawn")
    expect(row.get_by_role("link", name=re.compile("Delete data"))).to_have_count(0)
    expect(row.get_by_role("button", name="Withdraw")).to_have_count(0)
    expect(participants.locator("tbody tr", has_text="Mo Mentor")).to_contain_text("Active")

    person = User.objects.get(pk=mentee.user.pk)
    assert person.deleted_at is not None and not person.is_active
    assert person.full_name == "a former participant"
    mentee.refresh_from_db()
    assert mentee.status == Participant.Status.WITHDRAWN
    entry = AuditEntry.objects.get(action="person.delete")
    assert entry.organization == program.organization and entry.actor == admin.user
    assert entry.detail["via"] == "program admin"
    assert entry.subject == f"a former participant (#{person.pk})"

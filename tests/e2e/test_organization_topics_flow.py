"""An organization admin renames a topic on the organization's page; a program admin of that
organization sees the change, marked "organization", in their program's audit log, and reads
the list (without forms) on their program's topics page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from programs.models import Role, Topic
from programs.services import organization_admin_grant
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.e2e.conftest import csp_violations, log_in, watch_console
from tests.programs.factories import OrganizationFactory, ParticipantFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_organization_admin_renames_a_topic_and_a_program_admin_sees_it_logged(page, new_page):
    organization = OrganizationFactory(name="Acme", slug="acme")
    program = ProgramFactory(organization=organization, name="Pathways", slug="pathways")
    admin = ParticipantFactory(program=program, role=Role.ADMIN, user__full_name="Ada Admin")
    org_admin = organization_admin_grant(
        organization=organization, user=UserFactory(full_name="Orla Orgadmin"), actor=None
    ).user
    Topic.objects.create(organization=organization, name="Public speaking")
    console = watch_console(page)

    # The organization admin finds the organization in the navigation and renames the topic.
    log_in(page, org_admin.email, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))
    page.locator("#nav-manage").click()
    page.get_by_role("link", name="Acme", exact=True).click()
    expect(page.get_by_role("heading", name="Acme", exact=True)).to_be_visible()
    expect(page.locator("#programs")).to_contain_text("Pathways")
    expect(page.locator("#organization-topics")).to_contain_text("Public speaking")
    page.get_by_role("link", name="Manage topics").click()
    page.get_by_label("Name of Public speaking").fill("Speaking in public")
    page.locator("#topics").get_by_role("button", name="Rename").click()
    expect(page.get_by_text("Topic renamed.")).to_be_visible()
    expect(page.get_by_label("Name of Speaking in public")).to_have_value("Speaking in public")
    page.get_by_role("link", name="Audit log").click()
    expect(page.locator("#audit")).to_contain_text("Renamed a topic")

    # The program's admin sees it in their program's log, marked as the organization's.
    admin_page = new_page()
    log_in(admin_page, admin.user.email, TEST_PASSWORD)
    expect(admin_page).to_have_url(re.compile(r"/home/$"))
    admin_page.goto("/programs/pathways/manage/")
    admin_page.locator(".nav-tabs").get_by_role("link", name="Audit log").click()
    row = admin_page.locator("#audit tr", has_text="Renamed a topic")
    expect(row).to_contain_text("Orla Orgadmin")
    expect(row).to_contain_text("organization")
    expect(row.locator("del", has_text="Public speaking")).to_be_visible()
    expect(row.locator("ins", has_text="Speaking in public")).to_be_visible()

    # Their topics page shows the new name and who manages the list, with nothing to change.
    admin_page.locator(".nav-tabs").get_by_role("link", name="Topics").click()
    expect(admin_page.locator("#topics")).to_contain_text("Speaking in public")
    expect(admin_page.locator("#topics-managed-by")).to_contain_text("Orla Orgadmin")
    expect(admin_page.get_by_role("button", name="Rename")).to_have_count(0)
    assert csp_violations(console) == []

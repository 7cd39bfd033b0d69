"""The organization admin: granted by operators in /admin/, shown in the app, and the only
role that changes what all of an organization's programs share (its topics). Such changes are
logged where every program of the organization sees them."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from mentorship.errors import DomainError
from notifications.models import Notification
from programs.access import get_organization_for_admin, organizations_administered_by
from programs.mfa import user_must_have_mfa
from programs.models import AuditEntry, OrganizationAdmin, Role, Topic
from programs.services import (
    organization_admin_grant,
    organization_admin_revoke,
    topic_create,
    topic_delete,
    topic_rename,
)
from tests.accounts.factories import UserFactory
from tests.helpers import assert_flat_queries
from tests.programs.factories import OrganizationFactory, ParticipantFactory, ProgramFactory

pytestmark = pytest.mark.django_db

ORGANIZATION_PAGES = ["organizations:detail", "organizations:topics", "organizations:audit"]


@pytest.fixture
def topic(program):
    return Topic.objects.create(organization=program.organization, name="Public speaking")


@pytest.fixture
def operator(db):
    return UserFactory(is_staff=True, is_superuser=True, full_name="Opal Operator")


# ---------------------------------------------------------------------------
# Who may change the organization's topics
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("action", ["create", "rename", "delete"])
def test_a_program_admin_who_is_not_an_organization_admin_cannot_change_a_topic(
    client, program, admin_user, topic, action
):
    client.force_login(admin_user)
    response = client.post(
        reverse("programs:topics", args=[program.slug]),
        {"action": action, "topic": topic.pk, "name": "Speaking in public"},
    )
    assert response.status_code == 403
    assert "only its organization admins" in response.content.decode()
    assert list(Topic.objects.values_list("name", flat=True)) == ["Public speaking"]
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("action", ["create", "rename", "delete"])
def test_a_program_admin_cannot_reach_the_organization_topics_either(
    client, program, admin_user, topic, action
):
    client.force_login(admin_user)
    response = client.post(
        reverse("organizations:topics", args=[program.organization.slug]),
        {"action": action, "topic": topic.pk, "name": "Speaking in public"},
    )
    assert response.status_code == 404
    assert list(Topic.objects.values_list("name", flat=True)) == ["Public speaking"]
    assert not AuditEntry.objects.exists()


def test_the_topic_services_refuse_anyone_but_an_organization_admin(program, admin_user, topic):
    organization = program.organization
    with pytest.raises(DomainError, match="Only the organization admins"):
        topic_create(organization=organization, actor=admin_user, name="New")
    with pytest.raises(DomainError, match="Only the organization admins"):
        topic_rename(organization=organization, topic=topic, actor=admin_user, name="Renamed")
    with pytest.raises(DomainError, match="Only the organization admins"):
        topic_delete(organization=organization, topic=topic, actor=admin_user)
    assert list(Topic.objects.values_list("name", flat=True)) == ["Public speaking"]
    assert not AuditEntry.objects.exists()


def test_an_organization_admin_cannot_change_another_organizations_topic_by_service(
    program, org_admin
):
    foreign = Topic.objects.create(organization=OrganizationFactory(), name="Theirs")
    with pytest.raises(DomainError):
        topic_rename(organization=program.organization, topic=foreign, actor=org_admin, name="X")
    with pytest.raises(DomainError):
        topic_delete(organization=program.organization, topic=foreign, actor=org_admin)
    assert Topic.objects.get(pk=foreign.pk).name == "Theirs"


# ---------------------------------------------------------------------------
# Where the change is logged: every program of the organization, and nowhere else
# ---------------------------------------------------------------------------
def test_a_rename_is_in_the_audit_log_of_every_program_of_the_organization(
    client, program, admin_user, org_admin, topic
):
    sibling = ProgramFactory(organization=program.organization, slug="sibling")
    sibling_admin = ParticipantFactory(program=sibling, role=Role.ADMIN).user
    far = ProgramFactory(slug="far")
    far_admin = ParticipantFactory(program=far, role=Role.ADMIN).user

    client.force_login(org_admin)
    response = client.post(
        reverse("organizations:topics", args=[program.organization.slug]),
        {"action": "rename", "topic": topic.pk, "name": "Speaking in public"},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="topic.rename")
    assert (entry.organization, entry.program, entry.actor) == (
        program.organization,
        None,
        org_admin,
    )
    assert entry.changes == [("name", "Public speaking", "Speaking in public")]

    for person, each in ((admin_user, program), (sibling_admin, sibling)):
        client.force_login(person)
        response = client.get(reverse("programs:audit", args=[each.slug]))
        assert entry in response.context["page"].object_list, each
        page = response.content.decode()
        assert "Renamed a topic" in page and "Speaking in public" in page
        assert '<span class="badge text-bg-secondary">organization</span>' in page
    client.force_login(far_admin)
    response = client.get(reverse("programs:audit", args=[far.slug]))
    assert list(response.context["page"].object_list) == []
    assert "Renamed a topic" not in response.content.decode()

    client.force_login(org_admin)
    for name in ("organizations:detail", "organizations:audit"):
        page = client.get(reverse(name, args=[program.organization.slug])).content.decode()
        assert "Renamed a topic" in page and "Speaking in public" in page, name


def test_a_programs_own_entries_stay_out_of_the_organization_log(
    client, program, admin_user, org_admin
):
    AuditEntry.objects.create(program=program, actor=admin_user, action="participant.withdraw")
    client.force_login(org_admin)
    response = client.get(reverse("organizations:audit", args=[program.organization.slug]))
    assert list(response.context["page"].object_list) == list(
        AuditEntry.objects.filter(action="organization_admin.grant")
    )


# ---------------------------------------------------------------------------
# The organization's pages
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", ORGANIZATION_PAGES)
def test_an_organization_admin_of_one_organization_gets_404_on_anothers(client, org_admin, name):
    other = OrganizationFactory(slug="other-org")
    organization_admin_grant(organization=other, user=UserFactory(), actor=None)
    client.force_login(org_admin)
    assert client.get(reverse(name, args=[other.slug])).status_code == 404
    assert client.get(reverse(name, args=["no-such-org"])).status_code == 404


@pytest.mark.parametrize("name", ORGANIZATION_PAGES)
def test_a_program_admin_who_is_not_an_organization_admin_gets_404(
    client, program, admin_user, name
):
    client.force_login(admin_user)
    assert client.get(reverse(name, args=[program.organization.slug])).status_code == 404


def test_the_organization_page_lists_its_programs_topics_and_admins(
    client, program, admin_user, org_admin, topic
):
    ProgramFactory(organization=program.organization, name="Second Cohort", slug="second")
    ProgramFactory(name="Elsewhere", slug="elsewhere")
    client.force_login(org_admin)
    response = client.get(reverse("organizations:detail", args=[program.organization.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Pathways" in page and "Second Cohort" in page and "Elsewhere" not in page
    assert "Public speaking" in page and "Orla Orgadmin" in page
    # The role gives no rights inside a program: no link into a program they do not run.
    assert reverse("programs:manage", args=[program.slug]) not in page


def test_the_navigation_offers_the_organization_to_its_admins_only(
    client, program, admin_user, org_admin
):
    url = reverse("organizations:detail", args=[program.organization.slug])
    client.force_login(org_admin)
    assert url in client.get(reverse("home")).content.decode()
    client.force_login(admin_user)
    assert url not in client.get(reverse("home")).content.decode()


def test_the_access_helpers_follow_the_role(program, org_admin, admin_user):
    assert list(organizations_administered_by(org_admin)) == [program.organization]
    assert list(organizations_administered_by(admin_user)) == []
    assert get_organization_for_admin(org_admin, program.organization.slug) == program.organization


@pytest.mark.parametrize("name", ORGANIZATION_PAGES)
def test_organization_pages_do_not_grow_with_the_organization(
    client, django_assert_num_queries, program, org_admin, name
):
    client.force_login(org_admin)
    organization = program.organization

    def grow() -> None:
        for n in range(5):
            other = ProgramFactory(organization=organization, slug=f"grown-{n}")
            ParticipantFactory(program=other, role=Role.MENTEE)
            Topic.objects.create(organization=organization, name=f"Grown topic {n}")
            organization_admin_grant(organization=organization, user=UserFactory(), actor=None)

    assert_flat_queries(
        client, django_assert_num_queries, reverse(name, args=[organization.slug]), grow
    )


def test_a_programs_audit_page_does_not_grow_with_organization_entries(
    client, django_assert_num_queries, program, admin_user, org_admin
):
    client.force_login(admin_user)

    def grow() -> None:
        for n in range(5):
            topic_create(organization=program.organization, actor=org_admin, name=f"T {n}")

    assert_flat_queries(
        client, django_assert_num_queries, reverse("programs:audit", args=[program.slug]), grow
    )


# ---------------------------------------------------------------------------
# Operators grant the role in /admin/
# ---------------------------------------------------------------------------
def test_an_operator_grants_the_role_in_the_django_admin(client, program, operator):
    person = UserFactory(full_name="Gus Granted")
    client.force_login(operator)
    response = client.post(
        reverse("admin:programs_organizationadmin_add"),
        {"organization": program.organization.pk, "user": person.pk},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    role = OrganizationAdmin.objects.get(organization=program.organization, user=person)
    assert role.granted_by == operator
    entry = AuditEntry.objects.get(action="organization_admin.grant")
    assert (entry.organization, entry.program, entry.actor, entry.subject) == (
        program.organization,
        None,
        operator,
        "Gus Granted",
    )
    assert Notification.objects.filter(
        recipient=person, link=reverse("organizations:detail", args=[program.organization.slug])
    ).exists()
    client.force_login(person)
    url = reverse("organizations:detail", args=[program.organization.slug])
    assert client.get(url).status_code == 200


def test_an_operator_grants_the_role_on_the_organizations_admin_page(client, program, operator):
    person = UserFactory(full_name="Ivy Inline")
    organization = program.organization
    client.force_login(operator)
    response = client.post(
        reverse("admin:programs_organization_change", args=[organization.pk]),
        {
            "name": organization.name,
            "slug": organization.slug,
            "admins-TOTAL_FORMS": "1",
            "admins-INITIAL_FORMS": "0",
            "admins-MIN_NUM_FORMS": "0",
            "admins-MAX_NUM_FORMS": "1000",
            "admins-0-user": person.pk,
            "admins-0-organization": organization.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    role = OrganizationAdmin.objects.get(organization=organization, user=person)
    assert role.granted_by == operator
    assert AuditEntry.objects.filter(
        organization=organization, action="organization_admin.grant", subject="Ivy Inline"
    ).exists()


def test_a_second_grant_of_the_same_person_is_refused_in_the_admin(
    client, program, operator, org_admin
):
    client.force_login(operator)
    response = client.post(
        reverse("admin:programs_organizationadmin_add"),
        {"organization": program.organization.pk, "user": org_admin.pk},
    )
    assert response.status_code == 200
    assert "already" in response.content.decode()
    assert OrganizationAdmin.objects.filter(user=org_admin).count() == 1


def test_an_operator_takes_the_role_back_in_the_django_admin(client, program, operator, org_admin):
    role = OrganizationAdmin.objects.get(user=org_admin)
    client.force_login(operator)
    response = client.post(
        reverse("admin:programs_organizationadmin_delete", args=[role.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not OrganizationAdmin.objects.exists()
    assert AuditEntry.objects.filter(
        organization=program.organization, action="organization_admin.revoke"
    ).exists()
    client.force_login(org_admin)
    url = reverse("organizations:detail", args=[program.organization.slug])
    assert client.get(url).status_code == 404


def test_nobody_but_an_operator_grants_the_role(program, admin_user, org_admin):
    for actor in (admin_user, org_admin):
        with pytest.raises(DomainError, match="operators"):
            organization_admin_grant(
                organization=program.organization, user=UserFactory(), actor=actor
            )
    role = OrganizationAdmin.objects.get(user=org_admin)
    with pytest.raises(DomainError, match="operators"):
        organization_admin_revoke(role=role, actor=admin_user)
    assert OrganizationAdmin.objects.count() == 1


def test_a_program_admin_cannot_reach_the_role_in_the_django_admin(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("admin:programs_organizationadmin_add"))
    assert response.status_code == 302
    assert not OrganizationAdmin.objects.exists()


# ---------------------------------------------------------------------------
# Two-factor sign-in: the role changes what every program of the organization sees
# ---------------------------------------------------------------------------
@override_settings(MFA_REQUIRED_FOR_ADMINS=True)
def test_an_organization_admin_must_set_up_two_factor_sign_in(client, program, org_admin):
    assert user_must_have_mfa(org_admin)
    client.force_login(org_admin)
    url = reverse("organizations:topics", args=[program.organization.slug])
    response = client.post(url, {"action": "create", "name": "Sneaked in"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:mfa_required")
    assert not Topic.objects.exists()


@override_settings(MFA_REQUIRED_FOR_ADMINS=True)
def test_the_role_taken_back_no_longer_requires_two_factor_sign_in(program, org_admin):
    organization_admin_revoke(role=OrganizationAdmin.objects.get(user=org_admin), actor=None)
    assert not user_must_have_mfa(org_admin)

"""The organization's topic list: managed on the organization's page by its organization
admins; a program's admins read it on their program's topics page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from programs.models import AuditEntry, Topic
from programs.services import organization_admin_grant

pytestmark = pytest.mark.django_db


def _url(program) -> str:
    return reverse("organizations:topics", args=[program.organization.slug])


def test_organization_admin_adds_renames_and_removes_a_topic(client, program, org_admin):
    client.force_login(org_admin)
    url = _url(program)
    assert client.post(url, {"action": "create", "name": "  Public   speaking "}).status_code == 302
    topic = Topic.objects.get(organization=program.organization)
    assert topic.name == "Public speaking"
    client.post(url, {"action": "rename", "topic": topic.pk, "name": "Speaking in public"})
    topic.refresh_from_db()
    assert topic.name == "Speaking in public"
    client.post(url, {"action": "delete", "topic": topic.pk})
    assert not Topic.objects.exists()
    assert set(
        AuditEntry.objects.filter(organization=program.organization).values_list(
            "action", flat=True
        )
    ) >= {"topic.create", "topic.rename", "topic.delete"}


def test_duplicate_topic_is_refused_next_to_the_field(client, program, org_admin):
    Topic.objects.create(organization=program.organization, name="System design")
    client.force_login(org_admin)
    response = client.post(_url(program), {"action": "create", "name": "system DESIGN"})
    assert response.status_code == 200
    assert "on the list already" in str(response.context["form"].errors["name"])
    assert Topic.objects.count() == 1


def test_mentee_cannot_see_or_edit_topics(client, program, mentee):
    client.force_login(mentee)
    url = reverse("programs:topics", args=[program.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "create", "name": "Sneaky"}).status_code == 403
    assert client.get(_url(program)).status_code == 404
    assert client.post(_url(program), {"action": "create", "name": "Sneaky"}).status_code == 404
    assert not Topic.objects.exists()


def test_organization_admin_cannot_touch_another_organizations_topic(
    client, program, org_admin, other_program
):
    foreign = Topic.objects.create(organization=other_program.organization, name="Theirs")
    client.force_login(org_admin)
    response = client.post(_url(program), {"action": "delete", "topic": foreign.pk})
    assert response.status_code == 404
    assert Topic.objects.filter(pk=foreign.pk).exists()


@pytest.mark.parametrize("raw", ["abc", "-1", "99999999999999999999999", ""])
def test_a_topic_id_that_is_not_one_is_404_not_a_crash(client, program, org_admin, raw):
    client.force_login(org_admin)
    response = client.post(_url(program), {"action": "rename", "topic": raw, "name": "X"})
    assert response.status_code == 404


def test_a_topic_name_with_a_control_character_is_refused(client, program, org_admin):
    client.force_login(org_admin)
    client.post(_url(program), {"action": "create", "name": "Public speaking"})
    topic = Topic.objects.get(name="Public speaking")
    response = client.post(
        _url(program), {"action": "rename", "topic": topic.pk, "name": "Bad\x00name"}, follow=True
    )
    assert "control characters" in response.content.decode()
    topic.refresh_from_db()
    assert topic.name == "Public speaking"


def test_program_admins_read_the_list_and_who_manages_it(client, program, admin_user, org_admin):
    Topic.objects.create(organization=program.organization, name="Public speaking")
    client.force_login(admin_user)
    response = client.get(reverse("programs:topics", args=[program.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Public speaking" in page
    assert "Managed by the organization admins of" in page and "Orla Orgadmin" in page
    # Nothing on the page offers a change the program's admins may not make.
    assert 'name="action"' not in page
    assert reverse("organizations:topics", args=[program.organization.slug]) not in page


def test_an_organization_admin_who_runs_the_program_is_sent_to_the_organization_page(
    client, program, admin_user
):
    organization_admin_grant(organization=program.organization, user=admin_user, actor=None)
    client.force_login(admin_user)
    page = client.get(reverse("programs:topics", args=[program.slug])).content.decode()
    assert reverse("organizations:topics", args=[program.organization.slug]) in page
    # Even they change the list only there: the program's page never writes.
    response = client.post(
        reverse("programs:topics", args=[program.slug]), {"action": "create", "name": "New"}
    )
    assert response.status_code == 403
    assert not Topic.objects.exists()


def test_a_program_without_an_organization_admin_says_whom_to_ask(client, program, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("programs:topics", args=[program.slug])).content.decode()
    assert "has no organization admin yet" in page

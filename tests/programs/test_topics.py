from __future__ import annotations

import pytest
from django.urls import reverse

from programs.models import AuditEntry, Topic

pytestmark = pytest.mark.django_db


def test_admin_adds_renames_and_removes_a_topic(client, program, admin_user):
    client.force_login(admin_user)
    url = reverse("programs:topics", args=[program.slug])
    assert client.post(url, {"action": "create", "name": "  Public   speaking "}).status_code == 302
    topic = Topic.objects.get(organization=program.organization)
    assert topic.name == "Public speaking"
    client.post(url, {"action": "rename", "topic": topic.pk, "name": "Speaking in public"})
    topic.refresh_from_db()
    assert topic.name == "Speaking in public"
    client.post(url, {"action": "delete", "topic": topic.pk})
    assert not Topic.objects.exists()
    assert set(AuditEntry.objects.values_list("action", flat=True)) >= {
        "topic.create",
        "topic.rename",
        "topic.delete",
    }


def test_duplicate_topic_is_refused_next_to_the_field(client, program, admin_user):
    Topic.objects.create(organization=program.organization, name="System design")
    client.force_login(admin_user)
    response = client.post(
        reverse("programs:topics", args=[program.slug]),
        {"action": "create", "name": "system DESIGN"},
    )
    assert response.status_code == 200
    assert "on the list already" in str(response.context["form"].errors["name"])
    assert Topic.objects.count() == 1


def test_mentee_cannot_edit_topics(client, program, mentee):
    client.force_login(mentee)
    url = reverse("programs:topics", args=[program.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "create", "name": "Sneaky"}).status_code == 403
    assert not Topic.objects.exists()


def test_admin_cannot_touch_another_organizations_topic(client, program, admin_user, other_program):
    foreign = Topic.objects.create(organization=other_program.organization, name="Theirs")
    client.force_login(admin_user)
    response = client.post(
        reverse("programs:topics", args=[program.slug]), {"action": "delete", "topic": foreign.pk}
    )
    assert response.status_code == 404
    assert Topic.objects.filter(pk=foreign.pk).exists()


@pytest.mark.parametrize("raw", ["abc", "-1", "99999999999999999999999", ""])
def test_a_topic_id_that_is_not_one_is_404_not_a_crash(client, program, admin_user, raw):
    client.force_login(admin_user)
    url = reverse("programs:topics", args=[program.slug])
    response = client.post(url, {"action": "rename", "topic": raw, "name": "X"})
    assert response.status_code == 404


def test_a_topic_name_with_a_control_character_is_refused(client, program, admin_user):
    client.force_login(admin_user)
    url = reverse("programs:topics", args=[program.slug])
    client.post(url, {"action": "create", "name": "Public speaking"})
    topic = Topic.objects.get(name="Public speaking")
    response = client.post(
        url, {"action": "rename", "topic": topic.pk, "name": "Bad\x00name"}, follow=True
    )
    assert "control characters" in response.content.decode()
    topic.refresh_from_db()
    assert topic.name == "Public speaking"

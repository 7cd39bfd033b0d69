"""The organization's topic list that goals and mentor profiles tag."""

from __future__ import annotations

import pytest

from goals.services import goal_create
from mentorship.errors import DomainError
from programs.models import AuditEntry, Participant, Topic
from programs.services import topic_create, topic_delete, topic_rename
from tests.programs.factories import ProgramFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_topic_create_adds_to_the_organizations_list(program, org_admin):
    topic = topic_create(
        organization=program.organization, actor=org_admin, name="  Public   speaking "
    )
    assert topic.name == "Public speaking"
    assert topic.organization == program.organization
    assert (
        AuditEntry.objects.filter(organization=program.organization, action="topic.create").count()
        == 1
    )


def test_topic_is_shared_by_the_organizations_programs(program, org_admin):
    sibling = ProgramFactory(organization=program.organization)
    topic_create(organization=program.organization, actor=org_admin, name="SQL")
    with pytest.raises(DomainError):
        topic_create(organization=sibling.organization, actor=org_admin, name="sql")
    assert Topic.objects.filter(organization=program.organization).count() == 1


def test_topic_create_refuses_a_duplicate_in_another_case(program, org_admin):
    topic_create(organization=program.organization, actor=org_admin, name="Public speaking")
    with pytest.raises(DomainError) as error:
        topic_create(organization=program.organization, actor=org_admin, name="PUBLIC SPEAKING")
    assert error.value.field == "name"
    assert Topic.objects.count() == 1


def test_topic_create_allows_the_same_name_in_another_organization(program, org_admin):
    TopicFactory(name="Public speaking")
    topic_create(organization=program.organization, actor=org_admin, name="Public speaking")
    assert Topic.objects.filter(name="Public speaking").count() == 2


@pytest.mark.parametrize("name", ["", "   ", "x" * 81])
def test_topic_create_refuses_a_bad_name(program, org_admin, name):
    with pytest.raises(DomainError):
        topic_create(organization=program.organization, actor=org_admin, name=name)
    assert not Topic.objects.exists()


def test_topic_rename_is_seen_on_tagged_goals(program, org_admin, mentee):
    topic = TopicFactory(organization=program.organization, name="Speaking")
    owner = Participant.objects.get(user=mentee, program=program)
    goal = goal_create(owner=owner, title="Speak up", topics=[topic])
    topic_rename(
        organization=program.organization, topic=topic, actor=org_admin, name="Public speaking"
    )
    assert [t.name for t in goal.topics.all()] == ["Public speaking"]


def test_topic_rename_refuses_a_name_already_on_the_list(program, org_admin):
    TopicFactory(organization=program.organization, name="SQL")
    topic = TopicFactory(organization=program.organization, name="Databases")
    with pytest.raises(DomainError):
        topic_rename(organization=program.organization, topic=topic, actor=org_admin, name="sql")
    topic.refresh_from_db()
    assert topic.name == "Databases"


def test_topic_rename_may_change_only_the_case(program, org_admin):
    topic = TopicFactory(organization=program.organization, name="sql")
    topic_rename(organization=program.organization, topic=topic, actor=org_admin, name="SQL")
    topic.refresh_from_db()
    assert topic.name == "SQL"


def test_topic_delete_untags_goals_and_keeps_them(program, org_admin, mentee):
    topic = TopicFactory(organization=program.organization)
    owner = Participant.objects.get(user=mentee, program=program)
    goal = goal_create(owner=owner, title="Speak up", topics=[topic])
    topic_delete(organization=program.organization, topic=topic, actor=org_admin)
    goal.refresh_from_db()
    assert list(goal.topics.all()) == []
    assert (
        AuditEntry.objects.filter(organization=program.organization, action="topic.delete").count()
        == 1
    )

"""Mentor and mentee profiles: the limits the software holds people to, and choice sets."""

from __future__ import annotations

import pytest

from matching.models import HelpKind, MenteeProfile, MentorProfile
from matching.services.profiles import mentee_profile_update, mentor_profile_update
from mentorship.errors import DomainError
from mentorship.fields import choice_set_lookup
from tests.matching.factories import MentorProfileFactory
from tests.programs.factories import TopicFactory

pytestmark = pytest.mark.django_db


def test_mentor_profile_update_creates_the_profile(program, mentor_participant):
    topic = TopicFactory(organization=program.organization)
    profile = mentor_profile_update(
        participant=mentor_participant, capacity=4, headline="Databases", topics=[topic]
    )
    profile.refresh_from_db()
    assert (profile.capacity, profile.headline) == (4, "Databases")
    assert list(profile.topics.all()) == [topic]


def test_mentor_profile_update_refuses_capacity_above_20(mentor_participant):
    MentorProfileFactory(participant=mentor_participant, capacity=2)
    with pytest.raises(DomainError) as error:
        mentor_profile_update(participant=mentor_participant, capacity=21)
    assert error.value.field == "capacity"
    assert MentorProfile.objects.get().capacity == 2


def test_mentor_profile_update_refuses_an_unknown_help_kind(mentor_participant):
    with pytest.raises(DomainError) as error:
        mentor_profile_update(participant=mentor_participant, help_offered=["coach", "therapy"])
    assert error.value.field == "help_offered"
    assert "therapy" in error.value.message
    assert not MentorProfile.objects.exists()


def test_mentor_profile_update_refuses_another_organizations_topic(mentor_participant):
    with pytest.raises(DomainError) as error:
        mentor_profile_update(
            participant=mentor_participant, topics=[TopicFactory(name="Forklifts")]
        )
    assert error.value.field == "topics"
    assert not MentorProfile.objects.exists()


def test_mentor_profile_is_for_mentors_only(mentee_p):
    with pytest.raises(DomainError):
        mentor_profile_update(participant=mentee_p, capacity=3)
    assert not MentorProfile.objects.exists()


def test_mentee_profile_update_refuses_more_than_40_hours_a_month(mentee_p):
    with pytest.raises(DomainError) as error:
        mentee_profile_update(participant=mentee_p, hours_per_month=41)
    assert error.value.field == "hours_per_month"
    assert not MenteeProfile.objects.exists()


def test_mentee_profile_is_for_mentees_only(mentor_participant):
    with pytest.raises(DomainError):
        mentee_profile_update(participant=mentor_participant, hours_per_month=2)


def test_choice_set_stores_each_code_once_in_order(mentor_participant):
    mentor_profile_update(
        participant=mentor_participant, help_offered=["sponsor", "coach", "sponsor"]
    )
    profile = MentorProfile.objects.get()
    assert profile.help_offered == ["coach", "sponsor"]
    assert profile.help_offered_display == "Coaching, Sponsorship"
    stored = MentorProfile.objects.filter(pk=profile.pk).values_list("help_offered", flat=True)
    assert list(stored) == [["coach", "sponsor"]]


def test_choice_set_filters_by_one_member(program, mentor_participant):
    mentor_profile_update(participant=mentor_participant, help_offered=["coach", "connector"])
    other = MentorProfileFactory(participant__program=program, help_offered=["sponsor"])
    coaches = MentorProfile.objects.filter(help_offered__contains=choice_set_lookup(HelpKind.COACH))
    sponsors = MentorProfile.objects.filter(
        help_offered__contains=choice_set_lookup(HelpKind.SPONSOR)
    )
    assert [p.participant for p in coaches] == [mentor_participant]
    assert list(sponsors) == [other]


def test_choice_set_empty_is_an_empty_list(mentor_participant):
    mentor_profile_update(participant=mentor_participant, help_offered=[])
    assert MentorProfile.objects.get().help_offered == []

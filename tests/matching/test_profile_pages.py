"""Availability and the profile pages: saving all or nothing, and windows in the viewer's zone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time

import pytest
import time_machine
from django.urls import reverse

from matching.models import Availability, ContactWindow, MentorProfile
from matching.services.profiles import availability_set
from matching.windows import Window
from mentorship.errors import DomainError
from programs.models import Participant, Role
from programs.services import participant_withdraw
from tests.helpers import assert_flat_queries
from tests.matching.factories import (
    AvailabilityFactory,
    ContactWindowFactory,
    MenteeProfileFactory,
    MentorProfileFactory,
)
from tests.matching.helpers import profile_form_data as _profile_post
from tests.programs.factories import ParticipantFactory, ProgramFactory, TopicFactory

pytestmark = pytest.mark.django_db

NOTICE = {"minimum_notice_hours": 24, "cancellation_notice_hours": 12}


@pytest.fixture
def old_windows(mentor_participant) -> Availability:
    return availability_set(
        participant=mentor_participant,
        time_zone="America/New_York",
        windows=[Window(0, time(9), time(11)), Window(2, time(14), time(15))],
        **NOTICE,
    )


def _stored(participant: Participant) -> list[tuple[int, time, time]]:
    return list(
        ContactWindow.objects.filter(availability__participant=participant)
        .order_by("weekday", "start_time")
        .values_list("weekday", "start_time", "end_time")
    )


# ---------------------------------------------------------------------------
# availability_set
# ---------------------------------------------------------------------------
def test_availability_set_stores_zone_notice_and_windows(mentor_participant):
    availability = availability_set(
        participant=mentor_participant,
        time_zone="Asia/Kolkata",
        minimum_notice_hours=48,
        cancellation_notice_hours=6,
        windows=[Window(4, time(16), time(18)), Window(0, time(9), time(10))],
    )
    availability.refresh_from_db()
    assert (availability.time_zone, availability.minimum_notice_hours) == ("Asia/Kolkata", 48)
    assert availability.cancellation_notice_hours == 6
    assert _stored(mentor_participant) == [(0, time(9), time(10)), (4, time(16), time(18))]


def test_availability_set_replaces_the_old_windows(mentor_participant, old_windows):
    availability_set(
        participant=mentor_participant,
        time_zone="America/New_York",
        windows=[Window(3, time(8), time(9))],
        **NOTICE,
    )
    assert _stored(mentor_participant) == [(3, time(8), time(9))]
    assert Availability.objects.count() == 1


def test_availability_set_refuses_overlapping_windows_and_keeps_the_old_ones(
    mentor_participant, old_windows
):
    with pytest.raises(DomainError) as error:
        availability_set(
            participant=mentor_participant,
            time_zone="Europe/Lisbon",
            windows=[Window(1, time(9), time(11)), Window(1, time(10), time(12))],
            **NOTICE,
        )
    assert "Tuesday" in error.value.message
    assert "overlap" in error.value.message
    assert error.value.field == "windows"
    assert _stored(mentor_participant) == [(0, time(9), time(11)), (2, time(14), time(15))]
    old_windows.refresh_from_db()
    assert old_windows.time_zone == "America/New_York"


def test_availability_set_refuses_a_start_after_the_end_and_keeps_the_old_ones(
    mentor_participant, old_windows
):
    with pytest.raises(DomainError) as error:
        availability_set(
            participant=mentor_participant,
            time_zone="America/New_York",
            windows=[Window(3, time(9), time(10)), Window(5, time(12), time(11))],
            **NOTICE,
        )
    assert "Saturday 12:00–11:00" in error.value.message
    assert _stored(mentor_participant) == [(0, time(9), time(11)), (2, time(14), time(15))]


def test_availability_set_refuses_an_unknown_zone_and_keeps_the_old_windows(
    mentor_participant, old_windows
):
    with pytest.raises(DomainError) as error:
        availability_set(
            participant=mentor_participant,
            time_zone="Mars/Olympus_Mons",
            windows=[Window(3, time(9), time(10))],
            **NOTICE,
        )
    assert error.value.field == "time_zone"
    assert _stored(mentor_participant) == [(0, time(9), time(11)), (2, time(14), time(15))]


def test_availability_set_refuses_notice_over_two_weeks(mentor_participant, old_windows):
    with pytest.raises(DomainError) as error:
        availability_set(
            participant=mentor_participant,
            time_zone="America/New_York",
            minimum_notice_hours=24 * 14 + 1,
            cancellation_notice_hours=0,
            windows=[],
        )
    assert error.value.field == "minimum_notice_hours"
    assert len(_stored(mentor_participant)) == 2


def test_availability_set_is_for_mentors_only(program, mentee):
    with pytest.raises(DomainError):
        availability_set(
            participant=Participant.objects.get(user=mentee, program=program),
            time_zone="Europe/Berlin",
            windows=[Window(0, time(9), time(10))],
            **NOTICE,
        )
    assert not Availability.objects.exists()


# ---------------------------------------------------------------------------
# The profile page
# ---------------------------------------------------------------------------
def _profile_url(program) -> str:
    return reverse("matching:profile", args=[program.slug])


def test_profile_page_shows_a_mentor_every_section(client, program, mentor):
    client.force_login(mentor)
    response = client.get(_profile_url(program))
    assert response.status_code == 200
    content = response.content.decode()
    for name in ("details-department", "mentor-capacity", "availability-time_zone"):
        assert f'name="{name}"' in content
    assert 'name="windows-TOTAL_FORMS"' in content
    assert 'name="mentee-hours_per_month"' not in content


def test_profile_post_saves_details_mentor_profile_and_windows(
    client, program, mentor, mentor_participant
):
    topic = TopicFactory(organization=program.organization, name="Databases")
    client.force_login(mentor)
    response = client.post(
        _profile_url(program),
        _profile_post(
            windows=(("0", "09:00", "11:00"), ("3", "16:30", "17:30"), ("", "", "")),
            topics=[topic],
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("matching:person", args=[program.slug, mentor.pk])
    mentor.refresh_from_db()
    assert (mentor.department, mentor.job_title) == ("Research", "Staff engineer")
    profile = MentorProfile.objects.get(participant=mentor_participant)
    assert profile.headline == "Ask me about databases"
    assert profile.capacity == 3
    assert profile.help_offered == ["coach", "connector"]
    assert profile.formats == ["coffee", "video"]
    assert list(profile.topics.all()) == [topic]
    availability = Availability.objects.get(participant=mentor_participant)
    assert availability.time_zone == "America/New_York"
    assert (availability.minimum_notice_hours, availability.cancellation_notice_hours) == (48, 12)
    assert _stored(mentor_participant) == [(0, time(9), time(11)), (3, time(16, 30), time(17, 30))]


def test_profile_post_removes_a_window_ticked_for_deletion(
    client, program, mentor, mentor_participant, old_windows
):
    monday, wednesday = old_windows.windows.order_by("weekday")
    data = _profile_post(windows=(("0", "09:00", "11:00"), ("2", "14:00", "15:00")))
    data.update(
        {
            "windows-INITIAL_FORMS": "2",
            "windows-0-id": str(monday.pk),
            "windows-1-id": str(wednesday.pk),
            "windows-1-DELETE": "on",
        }
    )
    client.force_login(mentor)
    assert client.post(_profile_url(program), data).status_code == 302
    assert _stored(mentor_participant) == [(0, time(9), time(11))]


def test_profile_post_with_overlapping_windows_shows_the_error_and_saves_nothing(
    client, program, mentor, mentor_participant, old_windows
):
    department = mentor.department
    client.force_login(mentor)
    response = client.post(
        _profile_url(program),
        _profile_post(windows=(("1", "09:00", "11:00"), ("1", "10:30", "12:00"))),
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="windows-errors"' in content
    assert "Tuesday 09:00–11:00 and 10:30–12:00 overlap" in content
    mentor.refresh_from_db()
    assert mentor.department == department
    assert mentor.job_title == ""
    assert not MentorProfile.objects.exists()
    assert _stored(mentor_participant) == [(0, time(9), time(11)), (2, time(14), time(15))]
    assert Availability.objects.get().minimum_notice_hours == 24


def test_profile_post_with_a_window_ending_before_it_starts_saves_nothing(
    client, program, mentor, mentor_participant
):
    client.force_login(mentor)
    response = client.post(_profile_url(program), _profile_post(windows=(("4", "15:00", "14:00"),)))
    assert response.status_code == 200
    assert "The window must end after it starts." in response.content.decode()
    mentor.refresh_from_db()
    assert mentor.department != "Research"
    assert not Availability.objects.exists()
    assert not MentorProfile.objects.exists()


def test_profile_post_refuses_capacity_21_next_to_the_capacity_field(
    client, program, mentor, mentor_participant
):
    MentorProfileFactory(participant=mentor_participant, capacity=2)
    client.force_login(mentor)
    response = client.post(_profile_url(program), _profile_post(**{"mentor-capacity": "21"}))
    assert response.status_code == 200
    assert response.context["mentor"].errors["capacity"] == [
        "Ensure this value is less than or equal to 20."
    ]
    content = response.content.decode()
    # crispy-forms renders a field's errors right after its input, with an id naming the field.
    field_start = content.index('id="id_mentor-capacity"')
    error_at = content.index("Ensure this value is less than or equal to 20.")
    assert 0 < error_at - field_start < 500
    assert 'id="error_1_id_mentor-capacity"' in content
    assert MentorProfile.objects.get().capacity == 2
    assert not Availability.objects.exists()


def test_profile_post_saves_a_mentees_wishes(client, program, mentee):
    client.force_login(mentee)
    response = client.post(
        _profile_url(program),
        {
            "details-department": "Sales",
            "details-job_title": "",
            "mentee-help_wanted": ["sponsor"],
            "mentee-formats": ["phone"],
            "mentee-working_hours_start": "08:30",
            "mentee-working_hours_end": "16:30",
            "mentee-hours_per_month": "4",
            "mentee-note_to_mentors": "Mornings suit me.",
        },
    )
    assert response.status_code == 302
    profile = Participant.objects.get(user=mentee, program=program).mentee_profile
    assert (profile.help_wanted, profile.hours_per_month) == (["sponsor"], 4)


def test_profile_page_is_404_in_a_program_one_is_not_in(client, program, outsider):
    client.force_login(outsider)
    assert client.get(_profile_url(program)).status_code == 404


# ---------------------------------------------------------------------------
# The person page
# ---------------------------------------------------------------------------
def _person_url(program, user) -> str:
    return reverse("matching:person", args=[program.slug, user.pk])


@pytest.mark.parametrize(
    ("today", "label"),
    [
        (datetime(2026, 3, 4, 12, tzinfo=UTC), "Monday 15:00–17:00"),
        (datetime(2026, 3, 18, 12, tzinfo=UTC), "Monday 14:00–16:00"),
        (datetime(2026, 4, 8, 12, tzinfo=UTC), "Monday 15:00–17:00"),
    ],
)
def test_person_page_shows_windows_in_the_viewers_zone(
    client, program, mentor, mentee, old_windows, today, label
):
    mentee.time_zone = "Europe/Berlin"
    mentee.save(update_fields=["time_zone"])
    with time_machine.travel(today, tick=False):
        client.force_login(mentee)
        response = client.get(_person_url(program, mentor))
    assert response.status_code == 200
    content = response.content.decode()
    assert f"<li>{label}</li>" in content
    assert "America/New_York" in content
    assert [o.label() for o in response.context["windows"]][0] == label


def test_person_page_in_the_mentors_own_zone_shows_their_clock(
    client, program, mentor, old_windows
):
    mentor.time_zone = "America/New_York"
    mentor.save(update_fields=["time_zone"])
    with time_machine.travel(datetime(2026, 3, 18, 12, tzinfo=UTC), tick=False):
        client.force_login(mentor)
        response = client.get(_person_url(program, mentor))
    assert "<li>Monday 09:00–11:00</li>" in response.content.decode()


def test_person_page_is_404_for_a_participant_of_another_program(client, program, mentor, outsider):
    client.force_login(outsider)
    assert client.get(_person_url(program, mentor)).status_code == 404


def test_person_page_is_404_for_a_member_of_a_sibling_open_program(client, program, mentor):
    """Seeing an open program of one's organization is not taking part in it."""
    program.enrollment_open = True
    program.save(update_fields=["enrollment_open"])
    sibling = ParticipantFactory(program=ProgramFactory(organization=program.organization))
    client.force_login(sibling.user)
    assert client.get(reverse("programs:detail", args=[program.slug])).status_code == 200
    assert client.get(_person_url(program, mentor)).status_code == 404


def test_person_page_of_someone_in_another_program_is_404(client, program, mentee, outsider):
    client.force_login(mentee)
    assert client.get(_person_url(program, outsider)).status_code == 404


def test_person_page_of_a_withdrawn_participant_is_404(
    client, program, mentor, mentee, admin_user, mentor_participant
):
    participant_withdraw(participant=mentor_participant, actor=admin_user)
    client.force_login(mentee)
    assert client.get(_person_url(program, mentor)).status_code == 404


def test_person_page_of_an_active_participant_is_200(client, program, mentor, mentee):
    client.force_login(mentee)
    response = client.get(_person_url(program, mentor))
    assert response.status_code == 200
    assert "Mo Mentor" in response.content.decode()


# ---------------------------------------------------------------------------
# Query counts: small data, then large
# ---------------------------------------------------------------------------


def _set_up_mentor(participant: Participant, topics: int, windows: int) -> Callable[[], None]:
    """A mentor profile and availability, and a function that makes both large."""
    organization = participant.program.organization
    profile = MentorProfileFactory(
        participant=participant,
        topics=TopicFactory.create_batch(topics, organization=organization),
    )
    profile.cannot_help_topics.add(TopicFactory(organization=organization))
    availability = AvailabilityFactory(participant=participant)
    for i in range(windows):
        ContactWindowFactory(
            availability=availability,
            weekday=i % 7,
            start_time=time(8 + 3 * (i // 7)),
            end_time=time(10 + 3 * (i // 7)),
        )

    def grow() -> None:
        profile.topics.add(*TopicFactory.create_batch(30 - topics, organization=organization))
        profile.cannot_help_topics.add(*TopicFactory.create_batch(5, organization=organization))
        for i in range(windows, 14):
            ContactWindowFactory(
                availability=availability,
                weekday=i % 7,
                start_time=time(8 + 3 * (i // 7)),
                end_time=time(10 + 3 * (i // 7)),
            )

    return grow


def test_profile_page_query_count_does_not_grow_with_topics_and_windows(
    client, django_assert_num_queries, program, mentor, mentor_participant
):
    grow = _set_up_mentor(mentor_participant, topics=2, windows=2)
    client.force_login(mentor)
    assert_flat_queries(client, django_assert_num_queries, _profile_url(program), grow)


def test_profile_page_query_count_does_not_grow_for_someone_in_both_roles(
    client, django_assert_num_queries, program, mentor, mentor_participant
):
    MenteeProfileFactory(
        participant=ParticipantFactory(program=program, user=mentor, role=Role.MENTEE)
    )
    grow = _set_up_mentor(mentor_participant, topics=2, windows=2)
    client.force_login(mentor)
    assert_flat_queries(client, django_assert_num_queries, _profile_url(program), grow)


def test_person_page_query_count_does_not_grow_with_topics_and_windows(
    client, django_assert_num_queries, program, mentor, mentee, mentor_participant
):
    grow = _set_up_mentor(mentor_participant, topics=2, windows=2)
    client.force_login(mentee)
    assert_flat_queries(client, django_assert_num_queries, _person_url(program, mentor), grow)

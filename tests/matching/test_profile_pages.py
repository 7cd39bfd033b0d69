"""Availability and the profile pages: saving all or nothing, and windows in the viewer's zone."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

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
    for name in ("details-department", "mentor-headline", "mentor-capacity"):
        assert f'name="{name}"' in content
    for name in ("availability-time_zone", "mentor-away_until", "mentor-cannot_help_with"):
        assert f'name="{name}"' in content
    assert 'name="windows-TOTAL_FORMS"' in content
    assert 'name="mentee-hours_per_month"' not in content
    # Four forms, each saving its own section.
    for section in ("details", "offer", "boundaries", "windows"):
        assert f'<input type="hidden" name="section" value="{section}">' in content
    assert 'value="mentee"' not in content


def _saved(response, program, section: str) -> None:
    assert response.status_code == 302, response.context and _summary(response)
    assert response["Location"] == f"{_profile_url(program)}#section-{section}"


def _summary(response) -> list[tuple[str, str]]:
    return response.context["error_summary"]


def test_each_section_saves_on_its_own(client, program, mentor, mentor_participant):
    topic = TopicFactory(organization=program.organization, name="Databases")
    client.force_login(mentor)
    post = functools.partial(
        _profile_post,
        windows=(("0", "09:00", "11:00"), ("3", "16:30", "17:30"), ("", "", "")),
        topics=[topic],
    )

    _saved(client.post(_profile_url(program), post(section="details")), program, "details")
    mentor.refresh_from_db()
    assert (mentor.department, mentor.job_title) == ("Research", "Staff engineer")
    assert not MentorProfile.objects.exists()  # the other sections are untouched
    assert not Availability.objects.exists()

    response = client.post(_profile_url(program), post(section="offer"), follow=True)
    assert [str(m) for m in response.context["messages"]][-1] == (
        "Saved: what you offer, and what you cannot help with."
    )
    profile = MentorProfile.objects.get(participant=mentor_participant)
    assert profile.headline == "Ask me about databases"
    assert profile.help_offered == ["coach", "connector"]
    assert profile.formats == ["coffee", "video"]
    assert list(profile.topics.all()) == [topic]
    assert profile.capacity == 2  # the limits are their own section

    _saved(client.post(_profile_url(program), post(section="boundaries")), program, "boundaries")
    assert MentorProfile.objects.get(participant=mentor_participant).capacity == 3
    assert not Availability.objects.exists()

    _saved(client.post(_profile_url(program), post(section="windows")), program, "windows")
    availability = Availability.objects.get(participant=mentor_participant)
    assert availability.time_zone == "America/New_York"
    assert (availability.minimum_notice_hours, availability.cancellation_notice_hours) == (48, 12)
    assert _stored(mentor_participant) == [(0, time(9), time(11)), (3, time(16, 30), time(17, 30))]


def test_a_section_a_person_does_not_have_or_none_is_refused(client, program, mentee):
    client.force_login(mentee)
    for section in ("offer", "windows", "", "everything"):
        response = client.post(_profile_url(program), _profile_post(section=section))
        assert response.status_code == 400
    assert not MentorProfile.objects.exists()
    mentee.refresh_from_db()
    assert mentee.department != "Research"


def test_profile_post_removes_a_window_ticked_for_deletion(
    client, program, mentor, mentor_participant, old_windows
):
    monday, wednesday = old_windows.windows.order_by("weekday")
    data = _profile_post(
        windows=(("0", "09:00", "11:00"), ("2", "14:00", "15:00")), section="windows"
    )
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
    client.force_login(mentor)
    response = client.post(
        _profile_url(program),
        _profile_post(
            windows=(("1", "09:00", "11:00"), ("1", "10:30", "12:00")), section="windows"
        ),
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="windows-errors"' in content
    assert "Tuesday 09:00–11:00 and 10:30–12:00 overlap" in content
    assert _summary(response) == [
        ("contact-windows", "Tuesday 09:00–11:00 and 10:30–12:00 overlap; merge them or move one.")
    ]
    assert not MentorProfile.objects.exists()
    assert _stored(mentor_participant) == [(0, time(9), time(11)), (2, time(14), time(15))]
    assert Availability.objects.get().minimum_notice_hours == 24


def test_profile_post_with_a_window_ending_before_it_starts_saves_nothing(
    client, program, mentor, mentor_participant
):
    client.force_login(mentor)
    response = client.post(
        _profile_url(program), _profile_post(windows=(("4", "15:00", "14:00"),), section="windows")
    )
    assert response.status_code == 200
    assert "The window must end after it starts." in response.content.decode()
    assert not Availability.objects.exists()
    assert not MentorProfile.objects.exists()


def test_an_invalid_save_lists_each_error_at_the_top_linking_to_its_field(
    client, program, mentor, mentor_participant
):
    MentorProfileFactory(participant=mentor_participant, capacity=2)
    client.force_login(mentor)
    response = client.post(
        _profile_url(program),
        _profile_post(section="boundaries", **{"mentor-capacity": "21"}),
    )
    assert response.status_code == 200
    assert response.context["boundaries"].errors["capacity"] == [
        "Ensure this value is less than or equal to 20."
    ]
    assert _summary(response) == [
        ("id_mentor-capacity", "Capacity: Ensure this value is less than or equal to 20.")
    ]
    content = response.content.decode()
    summary_at = content.index('id="error-summary"')
    field_start = content.index('id="id_mentor-capacity"')
    assert summary_at < content.index('<form method="post" novalidate>')  # above every section
    assert 'href="#id_mentor-capacity">Capacity: Ensure this value' in content
    assert "Not saved: 1 thing to fix in “Your limits”" in " ".join(content.split())
    # crispy-forms renders a field's errors right after its input, with an id naming the field.
    error_at = content.index("Ensure this value is less than or equal to 20.", field_start)
    assert 0 < error_at - field_start < 500
    assert 'id="error_1_id_mentor-capacity"' in content
    assert MentorProfile.objects.get().capacity == 2


def test_an_away_until_date_in_the_past_is_refused_next_to_the_field(
    client, program, mentor, mentor_participant
):
    MentorProfileFactory(participant=mentor_participant, capacity=2)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    client.force_login(mentor)
    response = client.post(
        _profile_url(program),
        _profile_post(section="boundaries", **{"mentor-away_until": yesterday}),
    )
    assert response.status_code == 200
    [(target, text)] = _summary(response)
    assert target == "id_mentor-away_until"
    assert "“Away until” is in the past" in text
    profile = MentorProfile.objects.get()
    assert (profile.away_until, profile.capacity) == (None, 2)


def test_an_away_until_date_that_has_passed_since_it_was_set_does_not_block_a_save(
    client, program, mentor, mentor_participant
):
    last_week = timezone.localdate() - timedelta(days=7)
    MentorProfileFactory(participant=mentor_participant, capacity=2, away_until=last_week)
    client.force_login(mentor)
    response = client.post(
        _profile_url(program),
        _profile_post(section="boundaries", **{"mentor-away_until": last_week.isoformat()}),
    )
    _saved(response, program, "boundaries")
    assert MentorProfile.objects.get().capacity == 3


def test_add_a_window_returns_one_more_row_and_a_higher_count(client, program, mentor, mentor_p):
    client.force_login(mentor)
    response = client.get(
        _profile_url(program), {"windows-TOTAL_FORMS": "2"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="windows-2-weekday"' in content and 'name="windows-2-end_time"' in content
    assert "__prefix__" not in content
    assert (
        '<input type="hidden" name="windows-TOTAL_FORMS" value="3" id="id_windows-TOTAL_FORMS" '
        'hx-swap-oob="true">'
    ) in content
    assert not Availability.objects.exists()  # nothing saved


def test_add_a_window_refuses_a_count_past_the_limit_or_not_a_number(
    client, program, mentor, mentor_p
):
    client.force_login(mentor)
    for count in ("42", "-1", "two", ""):
        response = client.get(
            _profile_url(program), {"windows-TOTAL_FORMS": count}, headers={"HX-Request": "true"}
        )
        assert response.status_code == 400


def test_profile_post_saves_a_mentees_wishes(client, program, mentee):
    client.force_login(mentee)
    response = client.post(
        _profile_url(program),
        {
            "section": "mentee",
            "mentee-help_wanted": ["sponsor"],
            "mentee-formats": ["phone"],
            "mentee-working_hours_start": "08:30",
            "mentee-working_hours_end": "16:30",
            "mentee-hours_per_month": "4",
            "mentee-note_to_mentors": "Mornings suit me.",
        },
    )
    _saved(response, program, "mentee")
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

"""The mentor directory: filters, search, ranking, access, pages, time zones and query counts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.models import User
from goals.models import Goal
from matching.directory.views import PAGE_SIZE
from matching.models import Availability, ContactWindow, MentorProfile, Mentorship
from matching.score import intersect
from matching.windows import Window, utc_week_intervals, working_hours_windows
from mentorship.cache import DIRECTORY_VERSION
from programs.models import Participant, Program, Role, Topic
from tests.goals.factories import GoalFactory
from tests.helpers import assert_flat_queries
from tests.matching.factories import (
    MONDAY_9_TO_11,
    NEW_YORK,
    MenteeProfileFactory,
    MentorshipFactory,
    make_mentor,
)
from tests.matching.helpers import directory_names as _names
from tests.matching.helpers import directory_url as _url
from tests.programs.factories import ParticipantFactory, ProgramFactory, TopicFactory

pytestmark = pytest.mark.django_db

# A Wednesday in a week when New York and Berlin are both on standard time.
TODAY = datetime(2026, 1, 14, 12, tzinfo=UTC)
BERLIN = "Europe/Berlin"


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def topics(program: Program) -> dict[str, Topic]:
    names = ["Negotiation", "Public speaking", "Python", "Hiring"]
    return {
        name: TopicFactory.create(organization=program.organization, name=name) for name in names
    }


@pytest.fixture
def me(program: Program, mentee: User) -> Participant:
    """The viewing mentee: Berlin, Engineering, 09:00–17:00, wants coaching by video call."""
    mentee.department = "Engineering"
    mentee.save(update_fields=["department"])
    participant = Participant.objects.get(user=mentee, program=program, role=Role.MENTEE)
    MenteeProfileFactory(participant=participant, help_wanted=["coach"], formats=["video"])
    return participant


# ---------------------------------------------------------------------------
# The list and its cards
# ---------------------------------------------------------------------------
def test_directory_lists_the_programs_mentors_with_links(client, program, me):
    first = make_mentor(program, "Ann Archer", headline="Negotiation for engineers")
    make_mentor(program, "Ben Baker")
    make_mentor(ProgramFactory(organization=program.organization), "Olga Otherprogram")
    client.force_login(me.user)

    response = client.get(_url(program))

    content = response.content.decode()
    assert sorted(e.name for e in response.context["page"].object_list) == [
        "Ann Archer",
        "Ben Baker",
    ]
    assert "Negotiation for engineers" in content
    assert reverse("matching:person", args=[program.slug, first.user_id]) in content
    assert reverse("matching:request_new", args=[program.slug, first.pk]) in content
    assert "room for 2 more" in content


def test_directory_card_shows_department_topics_and_room(client, program, me, topics):
    MentorshipFactory(mentor=make_mentor(program, "Ann", topics=[topics["Python"]], capacity=2))
    client.force_login(me.user)

    content = client.get(_url(program)).content.decode()

    assert "Sales" in content
    assert "Python" in content
    assert "room for 1 more" in content


def test_a_mentor_without_a_profile_is_not_listed(client, program, me):
    ParticipantFactory(program=program, role=Role.MENTOR, user__full_name="No Profile")
    client.force_login(me.user)
    assert _names(client, _url(program)) == []


def test_a_withdrawn_mentor_is_not_listed(client, program, me):
    gone = make_mentor(program, "Gone Away")
    gone.status = Participant.Status.WITHDRAWN
    gone.save()
    client.force_login(me.user)
    assert _names(client, _url(program)) == []


def test_peer_mentee_does_not_see_their_own_mentor_row(client, program, me):
    make_mentor(program, "Myself", user=me.user)
    make_mentor(program, "Someone Else")
    client.force_login(me.user)
    assert _names(client, _url(program)) == ["Someone Else"]


def test_current_mentor_is_marked_and_cannot_be_requested_again(client, program, me):
    mine = make_mentor(program, "My Mentor", capacity=3)
    MentorshipFactory(mentor=mine, mentee=me)
    client.force_login(me.user)

    content = client.get(_url(program)).content.decode()

    assert "already your mentor" in content
    assert reverse("matching:request_new", args=[program.slug, mine.pk]) not in content


# ---------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------
def test_topic_filter_narrows(client, program, me, topics):
    make_mentor(program, "Pat Python", topics=[topics["Python"], topics["Hiring"]])
    make_mentor(program, "Nia Negotiation", topics=[topics["Negotiation"]])
    client.force_login(me.user)
    assert _names(client, _url(program, topic=topics["Python"].pk)) == ["Pat Python"]


def test_topic_filter_offers_only_the_organizations_topics(client, program, me, topics):
    elsewhere = TopicFactory(name="Elsewhere only")
    client.force_login(me.user)

    response = client.get(_url(program, topic=elsewhere.pk))

    choices = dict(response.context["form"].fields["topic"].choices)
    assert "Elsewhere only" not in choices.values()
    assert "Python" in choices.values()
    assert response.context["form"].errors["topic"]


def test_help_filter_narrows(client, program, me):
    make_mentor(program, "Cora Coach", help_offered=["coach"])
    make_mentor(program, "Sam Sponsor", help_offered=["sponsor", "connector"])
    client.force_login(me.user)
    assert _names(client, _url(program, help="sponsor")) == ["Sam Sponsor"]
    assert _names(client, _url(program, help="coach")) == ["Cora Coach"]


def test_format_filter_narrows(client, program, me):
    make_mentor(program, "Vic Video", formats=["video"])
    make_mentor(program, "Cal Coffee", formats=["coffee", "in_person"])
    client.force_login(me.user)
    assert _names(client, _url(program, format="in_person")) == ["Cal Coffee"]


def test_department_filter_narrows_and_lists_the_mentors_departments(client, program, me):
    make_mentor(program, "Sally Sales", department="Sales")
    make_mentor(program, "Dee Design", department="Design")
    client.force_login(me.user)

    response = client.get(_url(program, department="Design"))

    assert [e.name for e in response.context["page"].object_list] == ["Dee Design"]
    choices = [value for value, _ in response.context["form"].fields["department"].choices]
    assert choices == ["", "Design", "Sales"]


def test_language_filter_narrows_to_mentors_who_speak_it_and_ranks_a_shared_one(
    client, program, me
):
    """A mentee who speaks German: the filter offers the languages the mentors speak; a
    German speaker ranks above an equal mentor who speaks none of hers, with the reason; a
    language no mentor speaks is refused next to the field and filters nothing."""
    german = make_mentor(program, "Greta Deutsch")
    User.objects.filter(pk=german.user_id).update(languages="|de|en|")
    make_mentor(program, "Anna Another")
    User.objects.filter(pk=me.user_id).update(languages="|de|")
    DIRECTORY_VERSION.change()
    client.force_login(me.user)

    everyone = client.get(_url(program)).context["page"].object_list
    assert [e.name for e in everyone] == ["Greta Deutsch", "Anna Another"]
    assert "speaks German" in everyone[0].score.reasons
    response = client.get(_url(program, language="de"))
    assert [e.name for e in response.context["page"].object_list] == ["Greta Deutsch"]
    choices = [value for value, _ in response.context["form"].fields["language"].choices]
    assert choices == ["", "en", "de"]  # English, German: in the reader's words, by name
    refused = client.get(_url(program, language="ja"))
    assert "language" in refused.context["form"].errors
    assert len(refused.context["page"].object_list) == 2


def test_outside_my_department_filter_leaves_out_my_department(client, program, me):
    make_mentor(program, "Eng Colleague", department="engineering")
    make_mentor(program, "Sally Sales", department="Sales")
    client.force_login(me.user)
    assert _names(client, _url(program, outside_department="on")) == ["Sally Sales"]


def test_overlap_filter_keeps_mentors_whose_windows_meet_my_working_hours(client, program, me):
    make_mentor(program, "Morning New York", windows=MONDAY_9_TO_11)  # 15:00–17:00 Berlin
    make_mentor(program, "Evening New York", windows=((0, time(17), time(19)),))  # 23:00 Berlin
    make_mentor(program, "No Windows", windows=())
    client.force_login(me.user)
    assert _names(client, _url(program, overlap="on")) == ["Morning New York"]
    assert len(_names(client, _url(program))) == 3


def test_has_room_now_is_the_default_and_leaves_out_full_away_and_not_accepting(
    client, program, me
):
    make_mentor(program, "Open Olive")
    MentorshipFactory(mentor=make_mentor(program, "Full Fred", capacity=1))
    make_mentor(program, "Away Amy", away_until=TODAY.date() + timedelta(days=3))
    make_mentor(program, "Back Bob", away_until=TODAY.date())
    make_mentor(program, "Closed Cleo", accepting=False)
    make_mentor(program, "Zero Zoe", capacity=0)
    paused = make_mentor(program, "Paused Pam", capacity=1)
    MentorshipFactory(mentor=paused, status=Mentorship.Status.PAUSED)
    done = make_mentor(program, "Done Dan", capacity=1)
    MentorshipFactory(mentor=done, status=Mentorship.Status.COMPLETED)
    client.force_login(me.user)

    expected = ["Back Bob", "Done Dan", "Open Olive"]
    assert sorted(_names(client, _url(program))) == expected
    assert sorted(_names(client, _url(program, room="now"))) == expected


def test_everyone_also_shows_unavailable_mentors_marked_and_last(client, program, me, topics):
    GoalFactory(owner=me, topics=[topics["Python"], topics["Hiring"]])
    full = make_mentor(program, "Full Fred", capacity=1, topics=[topics["Python"]])
    MentorshipFactory(mentor=full)
    make_mentor(program, "Away Amy", away_until=date(2026, 2, 1), topics=[topics["Hiring"]])
    make_mentor(program, "Closed Cleo", accepting=False, topics=[topics["Python"]])
    make_mentor(program, "Open Olive")
    client.force_login(me.user)

    response = client.get(_url(program, room="all"))

    names = [e.name for e in response.context["page"].object_list]
    assert names[0] == "Open Olive"
    assert sorted(names[1:]) == ["Away Amy", "Closed Cleo", "Full Fred"]
    content = response.content.decode()
    for words in ("full", "away for now", "not taking requests"):
        assert f'<span class="badge text-bg-secondary">{words}</span>' in content
    assert reverse("matching:request_new", args=[program.slug, full.pk]) not in content


# ---------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("query", ["harriet", "kubernetes", "whittling", "public+speak"], ids=str)
def test_search_finds_name_headline_bio_and_topic(client, program, me, topics, query):
    make_mentor(
        program,
        "Harriet Hill",
        headline="Kubernetes in production",
        bio="Also teaches whittling.",
        topics=[topics["Public speaking"]],
    )
    make_mentor(program, "Other Person", topics=[topics["Python"]])
    client.force_login(me.user)
    assert _names(client, _url(program, q=query)) == ["Harriet Hill"]


def test_search_needs_every_word(client, program, me):
    make_mentor(program, "Harriet Hill", headline="Kubernetes")
    make_mentor(program, "Harriet Other", headline="Accounting")
    client.force_login(me.user)
    assert _names(client, _url(program, q="harriet+kubernetes")) == ["Harriet Hill"]


# ---------------------------------------------------------------------------
# Ranking
# ---------------------------------------------------------------------------
def test_mentors_are_sorted_by_score_and_the_reasons_are_shown(client, program, me, topics):
    GoalFactory(owner=me, topics=[topics["Python"], topics["Hiring"], topics["Negotiation"]])
    make_mentor(program, "Aaron Nothing", windows=())
    make_mentor(
        program,
        "Best Match",
        topics=[topics["Python"], topics["Hiring"], topics["Negotiation"]],
        help_offered=["coach", "sponsor"],
        formats=["video"],
    )
    make_mentor(program, "Middling", topics=[topics["Python"]], department="Engineering")
    client.force_login(me.user)

    response = client.get(_url(program))

    entries = response.context["page"].object_list
    assert [e.name for e in entries] == ["Best Match", "Middling", "Aaron Nothing"]
    assert [e.score.total for e in entries] == sorted(
        (e.score.total for e in entries), reverse=True
    )
    content = response.content.decode()
    for reason in (
        "3 of your goal topics",
        "offers coaching",
        "meets by video call",
        "2 hours of overlap a week",
        "from another department",
    ):
        assert reason in content


def test_only_active_goals_count_towards_the_score(client, program, me, topics):
    GoalFactory(owner=me, topics=[topics["Python"]], status=Goal.Status.DROPPED)
    GoalFactory(owner=me, topics=[topics["Hiring"]], status=Goal.Status.ACTIVE)
    make_mentor(program, "Pat Python", topics=[topics["Python"]], windows=())
    make_mentor(program, "Hal Hiring", topics=[topics["Hiring"]], windows=())
    client.force_login(me.user)

    entries = client.get(_url(program)).context["page"].object_list

    assert [e.name for e in entries] == ["Hal Hiring", "Pat Python"]
    assert entries[0].score.reasons[0] == "1 of your goal topics"


def test_a_goal_topic_the_mentor_cannot_help_with_counts_against(client, program, me, topics):
    GoalFactory(owner=me, topics=[topics["Negotiation"]])
    make_mentor(program, "Says No", cannot=[topics["Negotiation"]], department="Engineering")
    make_mentor(program, "Neutral", department="Engineering")
    client.force_login(me.user)

    response = client.get(_url(program))

    assert [e.name for e in response.context["page"].object_list] == ["Neutral", "Says No"]
    assert "cannot help with Negotiation" in response.content.decode()


def test_reverse_program_ranks_the_more_junior_mentor_first(client, me, program):
    program.kind = Program.Kind.REVERSE
    program.save()
    peer_mentor_row = make_mentor(program, "Me As Mentor", user=me.user, seniority="lead")
    assert peer_mentor_row.user_id == me.user_id
    make_mentor(program, "Senior Sue", seniority="executive", department="Engineering")
    make_mentor(program, "Junior Jo", seniority="early", department="Engineering")
    client.force_login(me.user)

    response = client.get(_url(program))

    assert _names(client, _url(program)) == ["Junior Jo", "Senior Sue"]
    assert "3 levels more junior" in response.content.decode()


# ---------------------------------------------------------------------------
# Time zones
# ---------------------------------------------------------------------------
def _berlin(intervals, week: date) -> list[str]:
    origin = datetime.combine(week, time.min, tzinfo=UTC)
    zone = ZoneInfo(BERLIN)
    return [
        f"{(origin + timedelta(minutes=s)).astimezone(zone):%a %H:%M}–"
        f"{(origin + timedelta(minutes=e)).astimezone(zone):%H:%M}"
        for s, e in intervals
    ]


@pytest.mark.parametrize(
    ("monday", "berlin"),
    [
        (date(2026, 1, 12), "Mon 15:00–17:00"),  # both on standard time
        (date(2026, 3, 16), "Mon 14:00–16:00"),  # New York on summer time, Berlin not yet
    ],
)
def test_new_york_morning_window_overlaps_a_berlin_working_day_by_two_hours(monday, berlin):
    window = utc_week_intervals([Window(0, time(9), time(11))], zone=NEW_YORK, week_starting=monday)
    working = utc_week_intervals(
        working_hours_windows(time(9), time(17)), zone=BERLIN, week_starting=monday
    )
    shared = intersect(window, working)
    assert sum(e - s for s, e in shared) == 120
    assert _berlin(shared, monday) == [berlin]


@pytest.mark.parametrize(
    "today", [datetime(2026, 1, 14, 12, tzinfo=UTC), datetime(2026, 3, 18, 12, tzinfo=UTC)]
)
def test_directory_shows_two_hours_of_overlap_in_either_week(client, program, me, today):
    make_mentor(program, "New York Morning", zone=NEW_YORK, windows=MONDAY_9_TO_11)
    with time_machine.travel(today, tick=False):
        client.force_login(me.user)  # a session from January would have expired by March
        response = client.get(_url(program, overlap="on"))
    assert "2 hours of overlap a week" in response.content.decode()


@pytest.mark.parametrize(
    ("today", "words"),
    [
        (datetime(2026, 1, 14, 12, tzinfo=UTC), "1 hour of overlap a week"),  # 15:00–16:00
        (datetime(2026, 3, 18, 12, tzinfo=UTC), "2 hours of overlap a week"),  # 14:00–16:00
    ],
)
def test_overlap_follows_this_weeks_offsets(client, program, me, today, words):
    """A Berlin day ending at 16:00 meets a New York morning for longer while only the US
    is on summer time: the directory converts windows with the current week's offsets."""
    me.mentee_profile.working_hours_end = time(16)
    me.mentee_profile.save()
    make_mentor(
        program, "New York Morning", zone=NEW_YORK, windows=MONDAY_9_TO_11, department="Engineering"
    )
    with time_machine.travel(today, tick=False):
        client.force_login(me.user)
        response = client.get(_url(program))
    assert response.context["page"].object_list[0].score.reasons == (words,)


def test_working_hours_that_cross_midnight_wrap_into_the_next_day():
    windows = working_hours_windows(time(22), time(6), weekdays=[6])
    intervals = utc_week_intervals(windows, zone="UTC", week_starting=date(2026, 1, 12))
    assert intersect(intervals, [(0, 60)]) == ((0, 60),)  # Monday 00:00–01:00 UTC
    assert sum(e - s for s, e in intersect(intervals, [(-10080, 10080)])) == 8 * 60


# ---------------------------------------------------------------------------
# Access
# ---------------------------------------------------------------------------
def test_outsider_gets_404(client, program, outsider):
    client.force_login(outsider)
    assert client.get(_url(program)).status_code == 404


def test_mentor_only_participant_gets_403_with_a_reason(client, program, mentor):
    client.force_login(mentor)
    response = client.get(_url(program))
    assert response.status_code == 403
    assert "for this program&#x27;s active mentees" in response.content.decode()


def test_program_admin_gets_403(client, program, admin_user):
    client.force_login(admin_user)
    assert client.get(_url(program)).status_code == 403


def test_applied_mentee_gets_403(client, program):
    applied = ParticipantFactory(
        program=program, role=Role.MENTEE, status=Participant.Status.APPLIED
    )
    client.force_login(applied.user)
    assert client.get(_url(program)).status_code == 403


def test_anonymous_visitor_is_sent_to_log_in(client, program):
    response = client.get(_url(program))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_mentee_without_a_profile_still_sees_the_directory(client, program, mentee):
    make_mentor(program, "Open Olive")
    client.force_login(mentee)
    assert _names(client, _url(program)) == ["Open Olive"]


def test_program_page_offers_find_a_mentor_to_mentees_only(client, program, me, mentor):
    link = _url(program)
    client.force_login(me.user)
    assert link in client.get(program.get_absolute_url()).content.decode()
    client.force_login(mentor)
    assert link not in client.get(program.get_absolute_url()).content.decode()


# ---------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------
def test_pagination_keeps_the_filters(client, program, me, topics):
    for i in range(PAGE_SIZE + 5):
        make_mentor(program, f"Coach {i:02}", help_offered=["coach"], windows=())
    make_mentor(program, "Sponsor Only", help_offered=["sponsor"], windows=())
    client.force_login(me.user)

    first = client.get(_url(program, help="coach", q="coach", room="all"))
    assert len(first.context["page"].object_list) == PAGE_SIZE
    assert 'href="?q=coach&amp;help=coach&amp;room=all&amp;page=2"' in first.content.decode()

    second = client.get(_url(program, q="coach", help="coach", room="all", page=2))
    names = [e.name for e in second.context["page"].object_list]
    assert len(names) == 5
    assert "Sponsor Only" not in names
    assert 'href="?q=coach&amp;help=coach&amp;room=all&amp;page=1"' in second.content.decode()


# ---------------------------------------------------------------------------
# Query counts
# ---------------------------------------------------------------------------
DEPARTMENTS = ("Engineering", "Sales", "People", "Design")
HELP = ("|coach|", "|sponsor|", "|coach|connector|", "")
FORMATS = ("|video|", "|coffee|phone|", "|in_person|video|", "")


def bulk_mentors(program: Program, count: int, *, start: int, topics: list[Topic]) -> None:
    """``count`` mentors with profiles, topics, windows and some mentees, in a few inserts."""
    users = User.objects.bulk_create(
        User(
            email=f"bulk-mentor-{start + i}@example.org",
            full_name=f"Bulk Mentor {start + i:05}",
            department=DEPARTMENTS[i % 4],
            time_zone=NEW_YORK,
            password="!",
        )
        for i in range(count)
    )
    participants = Participant.objects.bulk_create(
        Participant(user=user, program=program, role=Role.MENTOR) for user in users
    )
    profiles = MentorProfile.objects.bulk_create(
        MentorProfile(
            participant=participant,
            headline=f"Headline {start + i}",
            bio="Twenty years of practice.",
            seniority=("early", "mid", "senior", "lead", "executive")[i % 5],
            help_offered=HELP[i % 4],
            formats=FORMATS[i % 4],
            capacity=1 + i % 3,
            accepting_requests=i % 11 != 0,
            away_until=date(2026, 2, 1) if i % 13 == 0 else None,
        )
        for i, participant in enumerate(participants)
    )
    MentorProfile.topics.through.objects.bulk_create(
        MentorProfile.topics.through(mentorprofile_id=profile.pk, topic_id=topic.pk)
        for i, profile in enumerate(profiles)
        for topic in (topics[i % len(topics)], topics[(i + 1) % len(topics)])
    )
    MentorProfile.cannot_help_topics.through.objects.bulk_create(
        MentorProfile.cannot_help_topics.through(
            mentorprofile_id=profile.pk, topic_id=topics[(i + 2) % len(topics)].pk
        )
        for i, profile in enumerate(profiles)
        if i % 7 == 0
    )
    availabilities = Availability.objects.bulk_create(
        Availability(participant=participant, time_zone=(NEW_YORK, BERLIN, "Asia/Tokyo")[i % 3])
        for i, participant in enumerate(participants)
    )
    ContactWindow.objects.bulk_create(
        ContactWindow(
            availability=availability,
            weekday=(i + day) % 5,
            start_time=time(8 + i % 8),
            end_time=time(10 + i % 8),
        )
        for i, availability in enumerate(availabilities)
        for day in range(2)
    )
    # Bulk inserts send no signal (the app never inserts mentors in bulk): forget the rankings.
    DIRECTORY_VERSION.change()
    mentee_users = User.objects.bulk_create(
        User(email=f"bulk-mentee-{start + i}@example.org", full_name="Bulk Mentee", password="!")
        for i in range(count // 4)
    )
    mentees = Participant.objects.bulk_create(
        Participant(user=user, program=program, role=Role.MENTEE) for user in mentee_users
    )
    Mentorship.objects.bulk_create(
        Mentorship(program=program, mentor=participants[i * 4], mentee=mentee)
        for i, mentee in enumerate(mentees)
    )


@pytest.fixture
def rich_mentee(me, topics) -> Participant:
    """A mentee whose every wish is set, so every part of the score does work."""
    GoalFactory(owner=me, topics=[topics["Python"], topics["Hiring"]])
    GoalFactory(owner=me, topics=[topics["Negotiation"]], status=Goal.Status.DRAFT)
    profile = me.mentee_profile
    profile.help_wanted = ["coach", "sponsor"]
    profile.formats = ["video", "coffee"]
    profile.save()
    return me


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"room": "all"},
        {"q": "mentor", "help": "coach", "format": "video", "overlap": "on", "room": "all"},
        {"outside_department": "on", "department": "Sales", "topic": None},
    ],
    ids=["default", "everyone", "filtered", "department-topic"],
)
def test_query_count_is_the_same_for_20_and_2000_mentors(
    client, django_assert_num_queries, program, rich_mentee, topics, params
):
    topic_list = list(topics.values())
    if "topic" in params:
        params = {**params, "topic": topic_list[1].pk}  # Sales mentors have topics 1 and 2
    bulk_mentors(program, 20, start=0, topics=topic_list)
    MentorshipFactory(
        mentor=Participant.objects.filter(role=Role.MENTOR).first(), mentee=rich_mentee
    )
    client.force_login(rich_mentee.user)
    url = _url(program, **params)
    assert len(client.get(url).context["page"].object_list) > 0

    assert_flat_queries(
        client,
        django_assert_num_queries,
        url,
        lambda: bulk_mentors(program, 1980, start=20, topics=topic_list),
    )

    assert MentorProfile.objects.count() == 2000
    assert len(client.get(url).context["page"].object_list) == PAGE_SIZE


def test_directory_query_count_is_pinned(client, django_assert_num_queries, program, rich_mentee):
    """User, program, the viewer's roles, topics, departments, goal topics, mentors, their
    topics, their cannot-help topics, their windows, and the navigation's four (unread count,
    unread messages, programs run, organizations run: the last three kept in the cache in
    production, worked out here). The session is read from the cache."""
    bulk_mentors(program, 20, start=0, topics=list(Topic.objects.all()))
    client.force_login(rich_mentee.user)
    with django_assert_num_queries(14):
        assert client.get(_url(program)).status_code == 200


def test_a_reverse_program_says_its_mentors_are_the_juniors(client, program, mentee, mentee_p):
    from programs.models import Program

    client.force_login(mentee)
    url = reverse("matching:directory", args=[program.slug])
    assert "reverse mentoring" not in client.get(url).content.decode()
    Program.objects.filter(pk=program.pk).update(kind=Program.Kind.REVERSE)
    assert "In reverse mentoring your mentor is earlier" in client.get(url).content.decode()


def test_an_empty_directory_says_nobody_takes_requests_not_that_filters_left_them_out(
    client, program, mentee, mentee_p
):
    from programs.models import Program

    Program.objects.filter(pk=program.pk).update(kind=Program.Kind.PEER)
    client.force_login(mentee)
    url = reverse("matching:directory", args=[program.slug])
    page = " ".join(client.get(url).content.decode().split())
    assert '<h1 class="h2">Find a peer</h1>' in page
    assert f"Nobody in {program.name} takes requests as a peer yet." in page
    assert "No peer matches these filters" not in page
    filtered = " ".join(client.get(url, {"q": "nobody-by-this-name"}).content.decode().split())
    assert "No peer matches these filters." in filtered

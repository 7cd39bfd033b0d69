"""The directory keeps each mentee's ranking in the cache: what it keeps, and that every write
that can move a mentor (and only through the cache's version) is seen at once."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest
from django.contrib.auth.models import update_last_login
from django.test import Client, override_settings
from django.utils import timezone

from identity.models import Departure
from identity.services import person_leave
from matching import score
from matching.access import get_directory_viewer
from matching.directory import selectors as directory
from matching.models import ClosingReason, MentorProfile, Mentorship, MentorshipRequest
from matching.services.mentorships import mentorships_close_many
from matching.services.requests import request_decline
from mentorship.cache import DIRECTORY_VERSION
from privacy.services import account_delete
from programs.models import Participant, Program, Role
from tests.goals.factories import GoalFactory
from tests.matching.factories import MentorshipFactory, MentorshipRequestFactory, make_mentor
from tests.matching.helpers import directory_names as _names
from tests.matching.helpers import directory_url as _url
from tests.programs.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(program: Program, mentee) -> Participant:
    return Participant.objects.get(user=mentee, program=program, role=Role.MENTEE)


@pytest.fixture
def rankings(monkeypatch) -> list[int]:
    """How many times a ranking was computed (each item: how many mentors it scored)."""
    calls: list[int] = []
    real = score.ranked_places

    def counting(mentee: Any, mentors: Any, *, among: Any = None, **kwargs: Any) -> Any:
        calls.append(mentors.count if among is None else int(among.sum()))
        return real(mentee, mentors, among=among, **kwargs)

    monkeypatch.setattr(directory, "ranked_places", counting)
    return calls


@pytest.fixture(autouse=True)
def _no_kept_rankings() -> None:
    # A new version, not cache.clear(): in CI the cache shares Redis with the task queue.
    DIRECTORY_VERSION.change()


def test_a_ranking_is_computed_once_and_then_read(client, program, me, rankings):
    make_mentor(program, "Ann Archer")
    make_mentor(program, "Ben Baker")
    client.force_login(me.user)

    first = _names(client, _url(program))
    second = _names(client, _url(program))

    assert first == second == ["Ann Archer", "Ben Baker"]
    assert rankings == [2]


def test_other_filters_and_another_mentee_get_their_own_ranking(client, program, me, rankings):
    make_mentor(program, "Ann Archer", help_offered=["coach"])
    make_mentor(program, "Ben Baker")
    other = ParticipantFactory(program=program, role=Role.MENTEE)
    client.force_login(me.user)

    assert _names(client, _url(program, help="coach")) == ["Ann Archer"]
    assert _names(client, _url(program)) == ["Ann Archer", "Ben Baker"]
    client.force_login(other.user)
    assert _names(client, _url(program)) == ["Ann Archer", "Ben Baker"]
    assert rankings == [1, 2, 2]


def test_a_mentor_who_fills_up_shows_at_once(client, program, me, rankings):
    ann = make_mentor(program, "Ann Archer", capacity=1)
    make_mentor(program, "Ben Baker")
    client.force_login(me.user)
    assert _names(client, _url(program)) == ["Ann Archer", "Ben Baker"]

    MentorshipFactory(mentor=ann)  # her one place is taken

    assert _names(client, _url(program)) == ["Ben Baker"]  # only mentors with room, by default
    assert len(rankings) == 2


def test_a_profile_edit_shows_at_once(client, program, me, rankings):
    ann = make_mentor(program, "Ann Archer")
    client.force_login(me.user)
    assert _names(client, _url(program)) == ["Ann Archer"]

    profile = MentorProfile.objects.get(participant=ann)
    profile.accepting_requests = False
    profile.save()

    assert _names(client, _url(program)) == []


def test_a_new_goal_of_the_mentee_reranks(client, program, me, rankings):
    topic_mentor = make_mentor(program, "Zed Zimmer")
    make_mentor(program, "Ann Archer")
    client.force_login(me.user)
    assert _names(client, _url(program)) == ["Ann Archer", "Zed Zimmer"]  # a tie: by name

    topic = MentorProfile.objects.get(participant=topic_mentor).topics.create(
        organization=program.organization, name="Negotiation"
    )
    GoalFactory(owner=me, topics=[topic])

    assert _names(client, _url(program)) == ["Zed Zimmer", "Ann Archer"]


def test_closing_mentorships_in_bulk_gives_their_mentors_room_at_once(
    client, program, me, admin_user
):
    ann = make_mentor(program, "Ann Archer", capacity=1)
    taken = MentorshipFactory(mentor=ann)
    client.force_login(me.user)
    assert _names(client, _url(program)) == []

    mentorships_close_many(
        mentorships=[Mentorship.objects.get(pk=taken.pk)],
        actor=admin_user,
        reason=ClosingReason.PROGRAM_CLOSED,
        note="",
    )

    assert _names(client, _url(program)) == ["Ann Archer"]


def test_a_decline_that_pauses_the_mentor_shows_at_once(client, program, me):
    ann = make_mentor(program, "Ann Archer")
    client.force_login(me.user)
    assert _names(client, _url(program)) == ["Ann Archer"]
    pending = MentorshipRequestFactory(
        mentor=ann, mentee=ParticipantFactory(program=program, role=Role.MENTEE)
    )

    request_decline(
        request=MentorshipRequest.objects.get(pk=pending.pk),
        actor=ann.user,
        reason=MentorshipRequest.DeclineReason.NO_TIME,
        pause_until=date(2099, 1, 1),
    )

    assert _names(client, _url(program)) == []


def test_a_mentor_gone_from_the_filters_since_is_left_off_the_kept_page(client, program, me):
    ann = make_mentor(program, "Ann Archer")
    make_mentor(program, "Ben Baker")
    client.force_login(me.user)
    assert _names(client, _url(program)) == ["Ann Archer", "Ben Baker"]

    # A write no signal sees (a bulk update): the kept ranking still names her, the page not.
    Participant.objects.filter(pk=ann.pk).update(status=Participant.Status.WITHDRAWN)

    assert _names(client, _url(program)) == ["Ben Baker"]


@override_settings(CACHES={"default": {"BACKEND": "tests.helpers.CacheDown"}})
def test_the_directory_answers_when_the_cache_is_down(client, program, me, rankings):
    make_mentor(program, "Ann Archer")
    client.force_login(me.user)

    assert _names(client, _url(program)) == ["Ann Archer"]
    assert _names(client, _url(program)) == ["Ann Archer"]
    assert rankings == [1, 1]  # computed each time


def test_a_sign_in_anywhere_keeps_the_rankings(client, program, me, rankings):
    make_mentor(program, "Ann Archer")
    elsewhere = ParticipantFactory(role=Role.MENTEE)  # another program's mentee
    client.force_login(me.user)
    _names(client, _url(program))

    update_last_login(None, elsewhere.user)  # what a sign-in saves

    _names(client, _url(program))
    assert rankings == [1]  # read, not worked out again


def test_a_write_in_one_program_keeps_the_other_programs_rankings(
    client, program, me, rankings, other_program
):
    """Each program's rankings are kept under its own version: a new mentor profile in another
    program, or its topic list changing, leaves this program's kept ranking as it was; a
    write in this program, or in its organization's topic list, forgets it."""
    make_mentor(program, "Ann Archer")
    client.force_login(me.user)
    assert _names(client, _url(program)) == ["Ann Archer"]
    assert rankings == [1]

    make_mentor(other_program, "Far Away")  # another organization's program
    other_program.organization.topics.create(name="Elsewhere")
    assert _names(client, _url(program)) == ["Ann Archer"]
    assert rankings == [1]  # read, not computed again

    program.organization.topics.create(name="Here")
    assert _names(client, _url(program)) == ["Ann Archer"]
    assert rankings == [1, 1]
    make_mentor(program, "Ben Baker")
    assert _names(client, _url(program)) == ["Ann Archer", "Ben Baker"]
    assert rankings == [1, 1, 2]


def test_a_persons_write_forgets_the_rankings_of_each_of_their_programs(
    client, program, me, rankings, other_program
):
    ann = make_mentor(program, "Ann Archer")
    ParticipantFactory(user=ann.user, program=other_program, role=Role.MENTOR)
    client.force_login(me.user)
    _names(client, _url(program))
    ann.user.department = "Research"
    ann.user.save()  # her department counts in the score here
    _names(client, _url(program))
    assert rankings == [1, 1]


# ---------------------------------------------------------------------------
# Bulk writes (updates that send no signal) forget only their programs' rankings
# ---------------------------------------------------------------------------
@pytest.fixture
def elsewhere(other_program: Program) -> Client:
    """A mentee of another organization's program, signed in on a client of their own, whose
    ranking (two mentors: ``rankings`` tells it apart) is kept."""
    make_mentor(other_program, "Far One")
    make_mentor(other_program, "Far Two")
    client = Client()
    client.force_login(ParticipantFactory(program=other_program, role=Role.MENTEE).user)
    return client


def _far(client: Client, other_program: Program) -> None:
    assert _names(client, _url(other_program)) == ["Far One", "Far Two"]


def test_closing_mentorships_in_bulk_forgets_only_their_programs_rankings(
    client, program, me, admin_user, rankings, other_program, elsewhere
):
    ann = make_mentor(program, "Ann Archer", capacity=1)
    taken = MentorshipFactory(mentor=ann)
    client.force_login(me.user)
    assert _names(client, _url(program)) == []
    _far(elsewhere, other_program)
    assert rankings == [0, 2]

    mentorships_close_many(
        mentorships=[Mentorship.objects.get(pk=taken.pk)],
        actor=admin_user,
        reason=ClosingReason.PROGRAM_CLOSED,
        note="",
    )

    _far(elsewhere, other_program)
    assert rankings == [0, 2]  # the other program's ranking is read
    assert _names(client, _url(program)) == ["Ann Archer"]
    assert rankings == [0, 2, 1]  # this program's is worked out again


def test_a_decline_that_pauses_the_mentor_forgets_only_the_programs_rankings(
    client, program, me, rankings, other_program, elsewhere
):
    ann = make_mentor(program, "Ann Archer")
    pending = MentorshipRequestFactory(
        mentor=ann, mentee=ParticipantFactory(program=program, role=Role.MENTEE)
    )
    client.force_login(me.user)
    assert _names(client, _url(program)) == ["Ann Archer"]
    _far(elsewhere, other_program)

    request_decline(
        request=MentorshipRequest.objects.get(pk=pending.pk),
        actor=ann.user,
        reason=MentorshipRequest.DeclineReason.NO_TIME,
        pause_until=date(2099, 1, 1),
    )

    _far(elsewhere, other_program)
    assert rankings == [1, 2]
    assert _names(client, _url(program)) == []
    assert rankings == [1, 2, 0]


def test_deleting_a_persons_data_forgets_only_their_programs_rankings(
    client, program, me, rankings, other_program, elsewhere
):
    ann = make_mentor(program, "Ann Archer")
    make_mentor(program, "Ben Baker")
    client.force_login(me.user)
    assert _names(client, _url(program)) == ["Ann Archer", "Ben Baker"]
    _far(elsewhere, other_program)

    account_delete(user=ann.user, actor=None, via="self")

    _far(elsewhere, other_program)
    assert rankings == [2, 2]
    assert _names(client, _url(program)) == ["Ben Baker"]
    assert rankings == [2, 2, 1]


def test_a_person_leaving_the_organization_forgets_its_programs_rankings_only(
    client, program, me, rankings, other_program, elsewhere, org_admin
):
    """Their participations are withdrawn by an update: the programs they left forget their
    rankings (their account stays active, as they take part in another organization, so no
    save of it tells the directory), and the other organization's program keeps its own."""
    ann = make_mentor(program, "Ann Archer")
    make_mentor(program, "Ben Baker")
    ParticipantFactory(user=ann.user, program=other_program, role=Role.MENTEE)
    client.force_login(me.user)
    assert _names(client, _url(program)) == ["Ann Archer", "Ben Baker"]
    _far(elsewhere, other_program)

    person_leave(
        organization=program.organization, user=ann.user, actor=org_admin, via=Departure.Via.ADMIN
    )

    _far(elsewhere, other_program)
    assert rankings == [2, 2]
    assert _names(client, _url(program)) == ["Ben Baker"]
    assert rankings == [2, 2, 1]


# ---------------------------------------------------------------------------
# The program's mentors kept for the rankings (MentorPool)
# ---------------------------------------------------------------------------
def test_the_kept_mentors_rank_as_the_facts_read_from_the_database(program, me, rankings):
    """The ranking scores the program's mentors as kept in the cache (arrays): the same
    places, totals and order as scoring their facts as read for the cards, whether the pool
    was read by this ranking or by an earlier mentee's."""
    topics = [program.organization.topics.create(name=n) for n in ("Go", "SQL", "Pay", "UX")]
    GoalFactory(owner=me, topics=topics[:2])
    for i, (zone, department) in enumerate(
        [("Europe/Berlin", "Sales"), ("Asia/Tokyo", ""), ("America/New_York", "R&D")] * 3
    ):
        make_mentor(
            program,
            f"Mentor {i % 4}",  # equal names: the order falls to the participant
            topics=topics[i % 3 : i % 3 + 2],
            cannot=topics[1:2] if i % 4 == 0 else (),
            help_offered=["coach"] if i % 2 else [],
            formats=["video", "coffee"][: i % 3],
            department=department,
            capacity=i % 3,
            seniority=["", "mid", "lead"][i % 3],
            zone=zone,
            windows=((i % 5, time(8 + i, 0), time(10 + i, 30)),),
        )
    other = ParticipantFactory(program=program, role=Role.MENTEE)
    everyone = directory.DirectoryFilters(has_room=False)
    names = directory.directory_topic_list(program=program)
    for mentee in (me, other):  # the pool read by the first ranking, kept for the second
        viewer = get_directory_viewer(program=program, user=mentee.user)
        today = timezone.localdate(timezone=mentee.user.zoneinfo)
        found = directory.mentor_directory(
            program=program, viewer=viewer, filters=everyone, topics=names
        )
        scope = directory._filtered_mentors(
            program=program, viewer=viewer, filters=everyone, today=today
        )
        facts = [f for f, _ in directory.mentors_as_facts(scope, today=today, names={})]
        mine = directory.mentee_facts(viewer=viewer, today=today)
        assert found._keys == [
            (m.participant_id, total, score.can_take_request(m))
            for m, total in score.rank_totals(mine, facts)
        ]
    assert rankings == [9, 9]

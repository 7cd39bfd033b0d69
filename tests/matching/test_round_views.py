"""Matching-round pages: who may reach them, what they refuse, sorting and filtering, query
counts, and what publishing leaves behind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from matching.models import MatchingRound, MatchingRun, Mentorship, Proposal, RoundRule
from matching.rounds.scoring import clean_weights, swap_candidates
from matching.rounds.selectors import current_proposals, latest_run, round_facts
from matching.rounds.services import (
    proposal_block,
    proposal_swap,
    round_create,
    round_discard,
    round_run,
)
from matching.score import PARTS
from matching.services.start import mentorship_start
from notifications.models import Notification
from programs.models import AuditEntry, Participant, Program, Role, Topic
from tests.goals.factories import GoalFactory
from tests.helpers import assert_flat_queries, count_queries
from tests.matching.factories import MenteeProfileFactory, MentorProfileFactory, MentorshipFactory
from tests.programs.factories import ParticipantFactory, ProgramFactory, TopicFactory

pytestmark = pytest.mark.django_db

Status = MatchingRound.Status


# ---------------------------------------------------------------------------
# People and a round
# ---------------------------------------------------------------------------
def _mentor(program: Program, name: str, *, topics: list[Topic], capacity: int) -> Participant:
    participant = ParticipantFactory(
        program=program, role=Role.MENTOR, user__full_name=name, user__department=""
    )
    MentorProfileFactory(
        participant=participant, capacity=capacity, topics=topics, help_offered=["coach"]
    )
    return participant


def _mentee(
    program: Program, name: str, *, topics: list[Topic], help_wanted: list[str] | None = None
) -> Participant:
    participant = ParticipantFactory(
        program=program, role=Role.MENTEE, user__full_name=name, user__department=""
    )
    GoalFactory(owner=participant, topics=topics)
    if help_wanted:
        MenteeProfileFactory(participant=participant, help_wanted=help_wanted)
    return participant


def _run(matching_round: MatchingRound, admin: User) -> MatchingRun:
    return round_run(
        matching_round=matching_round,
        actor=admin,
        facts=round_facts(
            program=matching_round.program,
            mentee_ids=matching_round.mentees.values_list("pk", flat=True),
        ),
    )


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _settings(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {"objective": "total", "min_score": "1"}
    data.update({f"weight_{name}": "1" for name in PARTS})
    data.update(changes)
    return data


@pytest.fixture
def rounds_program(program: Program) -> Program:
    Program.objects.filter(pk=program.pk).update(matching_mode=Program.MatchingMode.ADMIN_ASSIGNS)
    program.refresh_from_db()
    return program


@pytest.fixture
def cast(rounds_program: Program) -> dict[str, Participant]:
    """Mentors with known scores for four mentees:

    Ann (design, hiring) → Dana 6; Ben (speaking, wants coaching) → Sam 5; Cleo (design) →
    Dana 3; Dan has no goal topics, so every pair is below the minimum score. Fay helps with
    everything but is full, so the best run is Ann–Dana, Ben–Sam, Cleo–Dana, Dan unmatched,
    and Dana keeps one place.
    """
    organization = rounds_program.organization
    design = TopicFactory(organization=organization, name="System design")
    hiring = TopicFactory(organization=organization, name="Hiring")
    speaking = TopicFactory(organization=organization, name="Public speaking")
    fay = _mentor(rounds_program, "Fay Full", topics=[design, hiring, speaking], capacity=1)
    MentorshipFactory(mentor=fay, mentee=_mentee(rounds_program, "Eve Earlier", topics=[design]))
    return {
        "dana": _mentor(rounds_program, "Dana Designer", topics=[design, hiring], capacity=3),
        "sam": _mentor(rounds_program, "Sam Speaker", topics=[speaking], capacity=1),
        "fay": fay,
        "ann": _mentee(rounds_program, "Ann Able", topics=[design, hiring]),
        "ben": _mentee(rounds_program, "Ben Baker", topics=[speaking], help_wanted=["coach"]),
        "cleo": _mentee(rounds_program, "Cleo Chen", topics=[design]),
        "dan": _mentee(rounds_program, "Dan Dunn", topics=[]),
    }


@pytest.fixture
def draft(rounds_program, admin_user, cast) -> MatchingRound:
    return round_create(
        program=rounds_program,
        actor=admin_user,
        name="Spring round",
        mentee_ids=[cast[name].pk for name in ("ann", "ben", "cleo", "dan")],
    )


@pytest.fixture
def proposed(draft, admin_user) -> MatchingRound:
    _run(draft, admin_user)
    draft.refresh_from_db()
    return draft


def _proposal(matching_round: MatchingRound, mentee: Participant) -> Proposal:
    run = latest_run(matching_round)
    assert run is not None
    return run.proposals.get(mentee=mentee)


@pytest.fixture
def as_admin(admin_user) -> Client:
    return _client(admin_user)


def _url(name: str, matching_round: MatchingRound, proposal: Proposal | None = None) -> str:
    kwargs: dict[str, Any] = {"slug": matching_round.program.slug}
    if name != "rounds":
        kwargs["pk"] = matching_round.pk
    if name.startswith("proposal_"):
        assert proposal is not None
        kwargs["proposal_id"] = proposal.pk
    return reverse(f"matching:{name}", kwargs=kwargs)


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_cast_scores_as_the_fixture_says(proposed, cast):
    pairs = {(p.mentee_id, p.mentor_id, p.score) for p in latest_run(proposed).proposals.all()}
    assert pairs == {
        (cast["ann"].pk, cast["dana"].pk, 6.0),
        (cast["ben"].pk, cast["sam"].pk, 5.0),
        (cast["cleo"].pk, cast["dana"].pk, 3.0),
        (cast["dan"].pk, None, None),
    }


# ---------------------------------------------------------------------------
# Who may reach the pages
# ---------------------------------------------------------------------------
ENDPOINTS = [
    ("rounds", "get"),
    ("round", "get"),
    ("round_run", "post"),
    ("round_publish", "get"),
    ("round_publish", "post"),
    ("round_discard", "post"),
    ("proposal_swap", "get"),
    ("proposal_swap", "post"),
    ("proposal_pin", "post"),
    ("proposal_unpin", "post"),
    ("proposal_block", "post"),
]


def _request(client: Client, name: str, method: str, url: str, mentor_id: int) -> Any:
    if method == "get":
        return client.get(url)
    data: dict[str, object] = {}
    if name == "round_run":
        data = _settings()
    elif name == "proposal_swap":
        data = {"mentor": mentor_id}
    elif name == "rounds":
        data = {"name": "Sneaky"}
    return client.post(url, data)


def _state(matching_round: MatchingRound) -> tuple[object, ...]:
    """Everything a matching page could change, to show that a refused request changed none."""
    matching_round.refresh_from_db()
    return (
        matching_round.status,
        matching_round.min_score,
        MatchingRound.objects.count(),
        MatchingRun.objects.count(),
        sorted(
            Proposal.objects.values_list(
                "pk", "mentor_id", "score", "swapped", "mentorship_id", "publish_note"
            )
        ),
        sorted(RoundRule.objects.values_list("kind", "mentee_id", "mentor_id")),
        Mentorship.objects.count(),
        AuditEntry.objects.count(),
        Notification.objects.count(),
    )


@pytest.mark.parametrize(("name", "method"), ENDPOINTS)
def test_anonymous_visitor_is_sent_to_log_in(name, method, proposed, cast):
    before = _state(proposed)
    url = _url(name, proposed, _proposal(proposed, cast["ann"]))
    response = _request(Client(), name, method, url, cast["sam"].pk)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert _state(proposed) == before


@pytest.mark.parametrize(("name", "method"), ENDPOINTS)
@pytest.mark.parametrize("who", ["mentor", "mentee"])
def test_participant_of_the_program_is_refused_with_403(name, method, who, request, proposed, cast):
    before = _state(proposed)
    url = _url(name, proposed, _proposal(proposed, cast["ann"]))
    response = _request(_client(request.getfixturevalue(who)), name, method, url, cast["sam"].pk)
    assert response.status_code == 403
    assert _state(proposed) == before


@pytest.mark.parametrize(("name", "method"), ENDPOINTS)
def test_mentor_in_the_round_is_refused_with_403(name, method, proposed, cast):
    before = _state(proposed)
    url = _url(name, proposed, _proposal(proposed, cast["ann"]))
    response = _request(_client(cast["dana"].user), name, method, url, cast["sam"].pk)
    assert response.status_code == 403
    assert _state(proposed) == before


@pytest.mark.parametrize(("name", "method"), ENDPOINTS)
def test_admin_of_another_program_gets_404(name, method, outsider, proposed, cast):
    before = _state(proposed)
    url = _url(name, proposed, _proposal(proposed, cast["ann"]))
    response = _request(_client(outsider), name, method, url, cast["sam"].pk)
    assert response.status_code == 404
    assert _state(proposed) == before


@pytest.mark.parametrize(("name", "method"), ENDPOINTS)
def test_admin_of_another_program_of_the_same_organization_gets_403(
    name, method, rounds_program, proposed, cast
):
    """An open program is visible to its organization's members, but only its admins run it."""
    Program.objects.filter(pk=rounds_program.pk).update(enrollment_open=True)
    sibling = ProgramFactory(organization=rounds_program.organization)
    admin = ParticipantFactory(program=sibling, role=Role.ADMIN).user
    before = _state(proposed)
    url = _url(name, proposed, _proposal(proposed, cast["ann"]))
    response = _request(_client(admin), name, method, url, cast["sam"].pk)
    assert response.status_code == 403
    assert _state(proposed) == before


@pytest.fixture
def foreign_round(outsider, other_program) -> MatchingRound:
    """A proposed round of the outsider's program."""
    Program.objects.filter(pk=other_program.pk).update(
        matching_mode=Program.MatchingMode.ADMIN_ASSIGNS
    )
    other_program.refresh_from_db()
    topic = TopicFactory(organization=other_program.organization)
    _mentor(other_program, "Olga Other", topics=[topic], capacity=2)
    mentee = _mentee(other_program, "Otto Other", topics=[topic])
    matching_round = round_create(
        program=other_program, actor=outsider, name="Elsewhere", mentee_ids=[mentee.pk]
    )
    _run(matching_round, outsider)
    return matching_round


@pytest.mark.parametrize(("name", "method"), [e for e in ENDPOINTS if e[0] != "rounds"])
def test_round_of_another_program_under_this_programs_slug_gets_404(
    name, method, as_admin, rounds_program, proposed, foreign_round, cast
):
    before = _state(foreign_round)
    proposal = latest_run(foreign_round).proposals.get()
    kwargs: dict[str, Any] = {"slug": rounds_program.slug, "pk": foreign_round.pk}
    if name.startswith("proposal_"):
        kwargs["proposal_id"] = proposal.pk
    url = reverse(f"matching:{name}", kwargs=kwargs)
    response = _request(as_admin, name, method, url, proposal.mentor_id)
    assert response.status_code == 404
    assert _state(foreign_round) == before


@pytest.mark.parametrize(("name", "method"), [e for e in ENDPOINTS if e[0] != "rounds"])
def test_own_round_answers_the_admin(name, method, as_admin, proposed, cast):
    """The other side of the refusals above: the same requests reach the admin."""
    url = _url(name, proposed, _proposal(proposed, cast["ben"]))
    response = _request(as_admin, name, method, url, cast["dana"].pk)
    assert response.status_code == (200 if method == "get" else 302)


# ---------------------------------------------------------------------------
# Creating a round
# ---------------------------------------------------------------------------
def test_list_offers_every_waiting_mentee_chosen(as_admin, rounds_program, cast, mentee):
    response = as_admin.get(reverse("matching:rounds", kwargs={"slug": rounds_program.slug}))
    assert response.status_code == 200
    form = response.context["form"]
    waiting = {p.pk for p in form.fields["mentees"].queryset}
    expected = {cast[name].pk for name in ("ann", "ben", "cleo", "dan")}
    expected.add(Participant.objects.get(user=mentee).pk)
    assert waiting == expected  # Eve, who has a mentor, is not offered
    assert set(form.initial["mentees"]) == expected


def test_create_makes_a_draft_round_of_the_chosen_mentees(as_admin, rounds_program, cast):
    chosen = [cast["ann"].pk, cast["ben"].pk]
    response = as_admin.post(
        reverse("matching:rounds", kwargs={"slug": rounds_program.slug}),
        _settings(name="Spring round", mentees=chosen, min_score="2", weight_topics="2"),
    )
    matching_round = MatchingRound.objects.get()
    assert response.status_code == 302
    assert response.url == _url("round", matching_round)
    assert matching_round.status == Status.DRAFT
    assert set(matching_round.mentees.values_list("pk", flat=True)) == set(chosen)
    assert (matching_round.min_score, matching_round.weights["topics"]) == (2.0, 2.0)


def test_create_with_no_mentees_chosen_shows_the_error_next_to_the_field(
    as_admin, rounds_program, cast
):
    response = as_admin.post(
        reverse("matching:rounds", kwargs={"slug": rounds_program.slug}),
        _settings(name="Spring round"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["mentees"] == ["Choose at least one mentee."]
    assert "Choose at least one mentee." in response.content.decode()
    assert not MatchingRound.objects.exists()


def test_create_is_refused_where_mentees_choose_their_mentors(as_admin, rounds_program, cast):
    Program.objects.filter(pk=rounds_program.pk).update(
        matching_mode=Program.MatchingMode.MENTEE_CHOOSES
    )
    response = as_admin.post(
        reverse("matching:rounds", kwargs={"slug": rounds_program.slug}),
        _settings(name="Spring round", mentees=[cast["ann"].pk]),
    )
    assert response.status_code == 200
    assert "In Pathways mentees choose their mentors" in response.content.decode()
    assert "mentees choose their mentors" in response.context["form"].errors["name"][0]
    assert not MatchingRound.objects.exists()
    assert not AuditEntry.objects.filter(action="matching_round_created").exists()


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------
def test_run_keeps_the_run_and_reports_its_totals(as_admin, draft):
    response = as_admin.post(_url("round_run", draft), _settings(), follow=True)
    assert _messages(response) == ["Run 1: 3 matched, 1 unmatched, total score 14."]
    run = MatchingRun.objects.get()
    assert (run.number, run.matched, run.unmatched, run.total_score) == (1, 3, 1, 14.0)
    draft.refresh_from_db()
    assert draft.status == Status.PROPOSED


@pytest.mark.parametrize(
    ("min_score", "error"),
    [
        ("1000", "Minimum score: Ensure this value is less than or equal to 100."),
        ("-51", "Minimum score: Ensure this value is greater than or equal to -50."),
        ("many", "Minimum score: Enter a number."),
    ],
)
def test_run_with_a_bad_minimum_score_is_refused(as_admin, draft, min_score, error):
    response = as_admin.post(_url("round_run", draft), _settings(min_score=min_score), follow=True)
    assert _messages(response) == [error]
    assert not MatchingRun.objects.exists()
    draft.refresh_from_db()
    assert (draft.status, draft.min_score) == (Status.DRAFT, 1.0)


def test_run_after_discard_is_refused(as_admin, admin_user, draft):
    round_discard(matching_round=draft, actor=admin_user)
    response = as_admin.post(_url("round_run", draft), _settings(), follow=True)
    assert _messages(response) == ["This round is discarded; start a new round to match again."]
    assert not MatchingRun.objects.exists()


def test_discard_through_the_page(as_admin, proposed):
    response = as_admin.post(_url("round_discard", proposed), follow=True)
    assert _messages(response) == ["Discarded: nothing from this round happens."]
    proposed.refresh_from_db()
    assert proposed.status == Status.DISCARDED
    assert not Mentorship.objects.filter(mentee__in=proposed.mentees.all()).exists()


# ---------------------------------------------------------------------------
# Moving, pinning, blocking
# ---------------------------------------------------------------------------
def test_swap_page_lists_every_mentor_with_the_pairs_score(as_admin, proposed, cast):
    response = as_admin.get(_url("proposal_swap", proposed, _proposal(proposed, cast["ann"])))
    assert response.status_code == 200
    listed = {
        c.mentor_id: (c.score.total, c.room_left, c.refused) for c in response.context["candidates"]
    }
    assert listed == {
        cast["dana"].pk: (6.0, 2, ""),
        cast["fay"].pk: (6.0, 0, ""),
        cast["sam"].pk: (0.0, 0, ""),
    }
    assert 'name="mentor"' in response.content.decode()


def test_swap_to_a_mentor_with_room_moves_and_pins(as_admin, proposed, cast):
    proposal = _proposal(proposed, cast["ben"])
    response = as_admin.post(
        _url("proposal_swap", proposed, proposal), {"mentor": cast["dana"].pk}, follow=True
    )
    assert _messages(response) == [
        "Moved Ben Baker to Dana Designer (score 2); the pair is pinned for the next run."
    ]
    proposal.refresh_from_db()
    assert (proposal.mentor_id, proposal.score, proposal.swapped) == (cast["dana"].pk, 2.0, True)
    assert RoundRule.objects.filter(
        round=proposed, kind=RoundRule.Kind.PIN, mentee=cast["ben"], mentor=cast["dana"]
    ).exists()


def test_swap_without_a_choice_shows_the_error(as_admin, proposed, cast):
    proposal = _proposal(proposed, cast["ben"])
    # A browser sends the CSRF token and no "mentor" when no radio button is chosen.
    response = as_admin.post(
        _url("proposal_swap", proposed, proposal), {"csrfmiddlewaretoken": "token"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["mentor"] == [
        "Choose the mentor to move this mentee to."
    ]
    proposal.refresh_from_db()
    assert (proposal.mentor_id, proposal.swapped) == (cast["sam"].pk, False)


@pytest.mark.parametrize(
    ("mentor", "error"),
    [
        # Sam's one place went to Ben in this run.
        (
            "sam",
            "Sam Speaker has no room left in this round (1 in all): move one of their mentees elsewhere first.",
        ),
        # Fay is full with mentees she already has.
        (
            "fay",
            "Fay Full has no room left in this round (0 in all): move one of their mentees elsewhere first.",
        ),
    ],
)
def test_swap_to_a_mentor_with_no_room_is_refused(as_admin, proposed, cast, mentor, error):
    proposal = _proposal(proposed, cast["ann"])
    before = _state(proposed)
    response = as_admin.post(_url("proposal_swap", proposed, proposal), {"mentor": cast[mentor].pk})
    assert response.status_code == 200
    assert response.context["form"].errors["mentor"] == [error]
    assert _state(proposed) == before


def test_swap_to_a_blocked_pair_is_refused(as_admin, proposed, cast):
    proposal = _proposal(proposed, cast["ann"])
    response = as_admin.post(_url("proposal_block", proposed, proposal), follow=True)
    assert _messages(response) == [
        "Blocked: these two are never paired in this round. Run again to find another mentor."
    ]
    proposal.refresh_from_db()
    assert proposal.mentor_id is None
    before = _state(proposed)

    response = as_admin.post(_url("proposal_swap", proposed, proposal), {"mentor": cast["dana"].pk})
    assert response.status_code == 200
    assert response.context["form"].errors["mentor"] == [
        "Dana Designer cannot be matched here: blocked by an admin."
    ]
    assert _state(proposed) == before


def test_rerun_keeps_pins_and_blocks(as_admin, proposed, cast):
    as_admin.post(
        _url("proposal_swap", proposed, _proposal(proposed, cast["ben"])),
        {"mentor": cast["dana"].pk},
        follow=True,
    )
    as_admin.post(_url("proposal_block", proposed, _proposal(proposed, cast["cleo"])), follow=True)
    response = as_admin.post(_url("round_run", proposed), _settings(), follow=True)
    assert _messages(response)[0].startswith("Run 2:")
    run = latest_run(proposed)
    assert run.number == 2
    assert run.proposals.get(mentee=cast["ben"]).mentor_id == cast["dana"].pk
    assert run.proposals.get(mentee=cast["cleo"]).mentor_id != cast["dana"].pk
    assert MatchingRun.objects.filter(round=proposed).count() == 2


def test_rerun_names_the_pair_whose_mentor_filled_up_since_the_pin(
    as_admin, rounds_program, proposed, cast
):
    as_admin.post(_url("proposal_pin", proposed, _proposal(proposed, cast["ann"])), follow=True)
    for number in range(3):
        mentorship_start(
            mentor=cast["dana"], mentee=_mentee(rounds_program, f"Late Comer {number}", topics=[])
        )
    response = as_admin.post(_url("round_run", proposed), _settings(), follow=True)
    [message] = _messages(response)
    assert MatchingRun.objects.filter(round=proposed).count() == 1
    # The people are named, as for every other pin that no longer holds, not engine indices.
    assert "Ann Able" in message and "Dana Designer" in message, message


def test_pin_and_unpin(as_admin, proposed, cast):
    proposal = _proposal(proposed, cast["ann"])
    response = as_admin.post(_url("proposal_pin", proposed, proposal), follow=True)
    assert _messages(response) == ["Pinned: the next run keeps this pair."]
    assert RoundRule.objects.filter(kind=RoundRule.Kind.PIN, mentee=cast["ann"]).exists()
    response = as_admin.post(_url("proposal_unpin", proposed, proposal), follow=True)
    assert _messages(response) == ["Unpinned."]
    assert not RoundRule.objects.exists()


# ---------------------------------------------------------------------------
# Publishing
# ---------------------------------------------------------------------------
def test_publish_starts_the_mentorships_and_tells_both_people_why(as_admin, proposed, cast):
    response = as_admin.post(_url("round_publish", proposed), follow=True)
    assert _messages(response) == [
        "Published: 3 mentorships started, and both people in each were told why they were matched."
    ]
    proposed.refresh_from_db()
    assert proposed.status == Status.PUBLISHED
    pairs = set(
        Mentorship.objects.filter(mentee__in=proposed.mentees.all()).values_list(
            "mentee_id", "mentor_id"
        )
    )
    assert pairs == {
        (cast["ann"].pk, cast["dana"].pk),
        (cast["ben"].pk, cast["sam"].pk),
        (cast["cleo"].pk, cast["dana"].pk),
    }
    told = Notification.objects.get(recipient=cast["ann"].user)
    assert told.title == "You are matched with Dana Designer"
    assert told.body.startswith("Why: 2 of your goal topics")
    assert Notification.objects.filter(recipient=cast["dana"].user).count() == 2


def test_publish_writes_an_audit_entry_for_the_program(
    as_admin, admin_user, rounds_program, proposed
):
    as_admin.post(_url("round_publish", proposed))
    entry = AuditEntry.objects.get(action="matching_round_published")
    assert (entry.program_id, entry.actor_id, entry.subject) == (
        rounds_program.pk,
        admin_user.pk,
        "Spring round",
    )
    assert entry.detail == {"created": 3, "refused": 0}


def test_publish_twice_is_refused_the_second_time(as_admin, proposed):
    as_admin.post(_url("round_publish", proposed), follow=True)
    before = _state(proposed)
    response = as_admin.post(_url("round_publish", proposed), follow=True)
    assert _messages(response) == ["This round is published."]
    assert _state(proposed) == before


def test_publish_of_a_round_never_run_is_refused(as_admin, draft):
    before = _state(draft)
    response = as_admin.post(_url("round_publish", draft), follow=True)
    assert _messages(response) == ["Run the round before publishing it."]
    assert _state(draft) == before
    assert draft.status == Status.DRAFT


def test_publish_of_a_discarded_round_is_refused(as_admin, admin_user, proposed):
    round_discard(matching_round=proposed, actor=admin_user)
    response = as_admin.post(_url("round_publish", proposed), follow=True)
    assert _messages(response) == ["This round is discarded."]
    assert not Mentorship.objects.filter(mentee__in=proposed.mentees.all()).exists()


def _late_comers(mentor: Participant, program: Program, count: int) -> Participant:
    """``count`` mentees who started with ``mentor`` after the round ran."""
    for number in range(count):
        mentorship_start(mentor=mentor, mentee=_mentee(program, f"Late Comer {number}", topics=[]))
    return mentor


def test_publish_reports_a_mentor_who_filled_up_since_the_run(
    as_admin, rounds_program, proposed, cast
):
    dana = _late_comers(cast["dana"], rounds_program, 3)

    response = as_admin.post(_url("round_publish", proposed), follow=True)

    assert _messages(response) == [
        "Published: 1 mentorship started, and both people in it were told why they were matched.",
        f"Not started: Ann Able – {dana.user} is at capacity (3 mentees).",
        f"Not started: Cleo Chen – {dana.user} is at capacity (3 mentees).",
    ]
    assert Mentorship.objects.filter(mentor=dana, status__in=("active", "paused")).count() == 3
    ben = _proposal(proposed, cast["ben"])
    assert ben.mentorship is not None and ben.publish_note == ""
    for name in ("ann", "cleo"):
        refused = _proposal(proposed, cast[name])
        assert refused.mentorship is None
        assert refused.publish_note == f"{dana.user} is at capacity (3 mentees)."
    assert not Notification.objects.filter(recipient=cast["ann"].user).exists()
    page = as_admin.get(_url("round", proposed)).content.decode()
    assert f"Not started: {dana.user} is at capacity (3 mentees)." in page


def test_before_publishing_the_round_shows_which_proposals_no_longer_fit(
    as_admin, rounds_program, proposed, cast
):
    dana = _late_comers(cast["dana"], rounds_program, 2)
    before = _state(proposed)

    response = as_admin.get(_url("round", proposed))

    rows = {row["proposal"].mentee.user.full_name: row for row in response.context["table"]}
    # Publishing goes by mentee name: Ann takes Dana's last place, so Cleo no longer fits.
    assert rows["Ann Able"]["will_not_start"] == ""
    assert rows["Cleo Chen"]["will_not_start"] == f"{dana.user} is at capacity (3 mentees)."
    assert (rows["Ann Able"]["load_after"], rows["Ann Able"]["capacity"]) == (3, 3)
    assert response.context["will_start_count"] == 2
    page = " ".join(response.content.decode().split())
    assert f"Will not start: {dana.user} is at capacity (3 mentees)." in page
    assert "1 of the 3 proposed mentorships" in page
    assert "no longer fits" in page
    assert "Publish 2 mentorships…" in page
    assert _state(proposed) == before


def test_the_publish_confirmation_counts_the_people_who_will_be_told(as_admin, proposed):
    before = _state(proposed)

    response = as_admin.get(_url("round_publish", proposed))

    assert response.status_code == 200
    summary = " ".join(response.content.decode().split())
    # Ann and Cleo with Dana, Ben with Sam: three mentees and two mentors.
    assert (
        "This starts <strong>3 mentorships</strong> and tells <strong>5 people</strong>" in summary
    )
    assert "(3 mentees and 2 mentors)" in summary
    assert "Publish and tell 5 people" in summary
    assert _state(proposed) == before


def test_the_publish_confirmation_of_a_round_never_run_goes_back_to_the_round(as_admin, draft):
    response = as_admin.get(_url("round_publish", draft))
    assert response.status_code == 302
    assert response.url == _url("round", draft)


def test_after_publishing_the_started_mentorships_link_to_the_admins_view_of_them(
    as_admin, proposed, cast
):
    as_admin.post(_url("round_publish", proposed))

    response = as_admin.get(_url("round", proposed))

    started = Mentorship.objects.filter(mentee__in=proposed.mentees.all()).order_by("pk")
    assert started.count() == 3
    page = " ".join(response.content.decode().split())
    assert "Mentor's load now" in page
    for mentorship in started:
        link = reverse(
            "matching:admin_mentorship",
            kwargs={"slug": proposed.program.slug, "pk": mentorship.pk},
        )
        assert f'href="{link}">Mentorship started' in page
        assert as_admin.get(link).status_code == 200
    # The started mentorships are among the mentors' live ones, counted once: Dana has Ann
    # and Cleo (2 of 3), Sam has Ben (1 of 1).
    loads = {
        row["proposal"].mentor.user.full_name: (row["load_after"], row["capacity"])
        for row in response.context["table"]
        if row["proposal"].mentor
    }
    assert loads == {"Dana Designer": (2, 3), "Sam Speaker": (1, 1)}


def test_an_older_round_whose_mentors_a_newer_round_filled_cannot_be_published(
    as_admin, admin_user, rounds_program, proposed, cast
):
    newer = round_create(
        program=rounds_program,
        actor=admin_user,
        name="Summer round",
        mentee_ids=[cast[name].pk for name in ("ann", "ben", "cleo")],
    )
    _run(newer, admin_user)
    as_admin.post(_url("round_publish", newer))
    before = _state(proposed)

    page = " ".join(as_admin.get(_url("round", proposed)).content.decode().split())
    confirm = " ".join(as_admin.get(_url("round_publish", proposed)).content.decode().split())
    response = as_admin.post(_url("round_publish", proposed), follow=True)

    assert "Will not start: Ann Able found a mentor since the run." in page
    assert "Publish 0" not in page and 'id="publish-link"' not in page
    assert "None of this round's proposed mentorships can" in confirm
    assert 'id="publish-form"' not in confirm
    assert _messages(response) == [
        "Not published: none of the 3 proposed mentorships can start any more (the round shows "
        "why for each). Run the round again to propose mentors who have room, or discard it."
    ]
    assert _state(proposed) == before
    assert proposed.status == Status.PROPOSED


# ---------------------------------------------------------------------------
# Sorting and filtering the proposals
# ---------------------------------------------------------------------------
def _rows(
    client: Client, matching_round: MatchingRound, query: str
) -> list[tuple[str, float | None]]:
    response = client.get(_url("round", matching_round) + query)
    assert response.status_code == 200
    return [
        (row["proposal"].mentee.user.full_name, row["proposal"].score)
        for row in response.context["table"]
    ]


def test_rows_are_by_mentee_name_by_default(as_admin, proposed):
    assert [name for name, _ in _rows(as_admin, proposed, "")] == [
        "Ann Able",
        "Ben Baker",
        "Cleo Chen",
        "Dan Dunn",
    ]


def test_sort_by_score_puts_the_highest_first_and_the_unmatched_last(as_admin, proposed):
    assert _rows(as_admin, proposed, "?sort=-score") == [
        ("Ann Able", 6.0),
        ("Ben Baker", 5.0),
        ("Cleo Chen", 3.0),
        ("Dan Dunn", None),
    ]


def test_sort_by_score_lowest_first(as_admin, proposed):
    rows = _rows(as_admin, proposed, "?sort=score")
    assert [row for row in rows if row[1] is not None] == [
        ("Cleo Chen", 3.0),
        ("Ben Baker", 5.0),
        ("Ann Able", 6.0),
    ]
    assert ("Dan Dunn", None) in rows


def test_show_unmatched_shows_only_the_unmatched(as_admin, proposed):
    assert _rows(as_admin, proposed, "?show=unmatched") == [("Dan Dunn", None)]


def test_show_matched_leaves_the_unmatched_out(as_admin, proposed):
    assert [name for name, _ in _rows(as_admin, proposed, "?show=matched")] == [
        "Ann Able",
        "Ben Baker",
        "Cleo Chen",
    ]


def test_show_moved_by_hand_and_pinned(as_admin, proposed, cast):
    as_admin.post(
        _url("proposal_swap", proposed, _proposal(proposed, cast["ben"])),
        {"mentor": cast["dana"].pk},
    )
    as_admin.post(_url("proposal_pin", proposed, _proposal(proposed, cast["ann"])))
    assert [n for n, _ in _rows(as_admin, proposed, "?show=swapped")] == ["Ben Baker"]
    assert [n for n, _ in _rows(as_admin, proposed, "?show=pinned")] == ["Ann Able", "Ben Baker"]


def test_name_filter_matches_mentee_or_mentor(as_admin, proposed):
    assert _rows(as_admin, proposed, "?q=cleo") == [("Cleo Chen", 3.0)]
    assert [n for n, _ in _rows(as_admin, proposed, "?q=Designer")] == ["Ann Able", "Cleo Chen"]
    assert _rows(as_admin, proposed, "?q=nobody") == []


def test_unknown_sort_and_show_fall_back_to_the_defaults(as_admin, proposed):
    response = as_admin.get(_url("round", proposed) + "?sort=password&show=everything")
    assert (response.context["sort"], response.context["show"]) == ("mentee", "all")
    assert len(response.context["table"]) == 4


# ---------------------------------------------------------------------------
# Query counts
# ---------------------------------------------------------------------------
def _grown_round(program: Program, admin: User, *, name: str, mentees: int) -> MatchingRound:
    """A proposed round of ``mentees`` matchable mentees and one who cannot be matched, with
    one mentee moved by hand (pinned) and one pair blocked: every kind of row the page shows."""
    topic = TopicFactory(organization=program.organization)
    for number in range(mentees):
        _mentor(program, f"{name} mentor {number}", topics=[topic], capacity=2)
    people = [
        _mentee(program, f"{name} mentee {number}", topics=[topic]) for number in range(mentees)
    ]
    people.append(_mentee(program, f"{name} loner", topics=[]))
    matching_round = round_create(
        program=program, actor=admin, name=name, mentee_ids=[p.pk for p in people]
    )
    run = _run(matching_round, admin)
    proposals = current_proposals(run)
    moved = next(p for p in proposals if p.mentor_id)
    facts = round_facts(program=program, mentee_ids=[moved.mentee_id])
    target = next(
        c
        for c in swap_candidates(
            facts=facts,
            proposals=proposals,
            mentee_id=moved.mentee_id,
            weights=clean_weights(matching_round.weights),
            blocked=frozenset(),
        )
        if not c.refused and c.room_left > 0 and c.mentor_id != moved.mentor_id
    )
    proposal_swap(
        matching_round=matching_round,
        proposal_id=moved.pk,
        mentor_id=target.mentor_id,
        actor=admin,
        facts=facts,
    )
    blocked = next((p for p in proposals if p.mentor_id and p.pk != moved.pk), None)
    if blocked is not None:
        proposal_block(matching_round=matching_round, proposal_id=blocked.pk, actor=admin)
    return matching_round


@pytest.fixture
def grown(rounds_program, admin_user) -> Callable[..., MatchingRound]:
    return lambda name, mentees: _grown_round(
        rounds_program, admin_user, name=name, mentees=mentees
    )


@pytest.mark.parametrize("query", ["", "?sort=-score&show=matched&q=mentee"])
def test_round_page_queries_do_not_grow_with_the_round(
    as_admin, grown, django_assert_num_queries, query
):
    small, large = grown("Small", 2), grown("Large", 12)
    assert len(latest_run(large).proposals.all()) == 13
    expected = count_queries(as_admin, _url("round", small) + query)
    with django_assert_num_queries(expected):
        response = as_admin.get(_url("round", large) + query)
    assert response.status_code == 200


def test_swap_page_queries_do_not_grow_with_the_round(as_admin, grown, django_assert_num_queries):
    small, large = grown("Small", 2), grown("Large", 12)
    small_proposal = current_proposals(latest_run(small))[0]
    large_proposal = current_proposals(latest_run(large))[0]
    expected = count_queries(as_admin, _url("proposal_swap", small, small_proposal))
    with django_assert_num_queries(expected):
        response = as_admin.get(_url("proposal_swap", large, large_proposal))
    assert response.status_code == 200


def test_round_list_queries_do_not_grow_with_rounds_and_mentees(
    as_admin, rounds_program, grown, django_assert_num_queries
):
    grown("First", 2)

    def grow() -> None:
        grown("Second", 6)
        grown("Third", 6)

    assert_flat_queries(
        as_admin,
        django_assert_num_queries,
        reverse("matching:rounds", kwargs={"slug": rounds_program.slug}),
        grow,
    )

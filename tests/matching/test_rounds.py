"""Matching rounds: scoring facts, runs with pins and blocks, swaps, publish and discard."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from matching import engine
from matching.models import (
    MatchingRound,
    MatchingRun,
    MenteeProfile,
    MentorProfile,
    Mentorship,
    RoundRule,
)
from matching.rounds.scoring import RoundFacts, clean_weights, pair_refusal, round_score_matrix
from matching.rounds.selectors import (
    chosen_by,
    current_proposals,
    latest_run,
    preferences_of,
    publish_refusals,
    round_facts,
    unmatched_mentees,
)
from matching.rounds.services import (
    mentee_preferences_save,
    mentor_preferences_save,
    proposal_block,
    proposal_pin,
    proposal_swap,
    round_create,
    round_discard,
    round_publish,
    round_run,
)
from matching.score import MenteeFacts, MentorFacts
from matching.services.start import mentorship_start
from mentorship.errors import DomainError
from notifications.models import Notification
from programs.models import AuditEntry, Participant, Program
from tests.goals.factories import GoalFactory
from tests.matching.factories import MentorshipFactory, mentee_in, mentor_in
from tests.programs.factories import TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rounds_program(program: Program) -> Program:
    program.matching_mode = Program.MatchingMode.ADMIN_ASSIGNS
    program.save()
    return program


def _with_topic(mentee: Participant, topic: Any) -> Participant:
    GoalFactory(owner=mentee, topics=[topic])
    return mentee


def _run(matching_round: MatchingRound, admin: Any) -> MatchingRun:
    facts = round_facts(
        program=matching_round.program,
        mentee_ids=matching_round.mentees.values_list("pk", flat=True),
    )
    return round_run(matching_round=matching_round, actor=admin, facts=facts)


def _pairs(run: MatchingRun) -> dict[int, int | None]:
    return dict(run.proposals.values_list("mentee_id", "mentor_id"))


@pytest.fixture
def scene(rounds_program, admin_user):
    """One mentor with room for one; Ana fits them better than Ben (two shared topics to one)."""
    org = rounds_program.organization
    writing, python = TopicFactory(organization=org), TopicFactory(organization=org)
    mentor = mentor_in(rounds_program, capacity=1, topics=[writing, python])
    ana = _with_topic(_with_topic(mentee_in(rounds_program), writing), python)
    ben = _with_topic(mentee_in(rounds_program), writing)
    # No departments: the scores are topics only.
    User.objects.update(department="")
    matching_round = round_create(
        program=rounds_program, actor=admin_user, name="Autumn", min_score=0
    )
    return {"round": matching_round, "mentor": mentor, "ana": ana, "ben": ben, "admin": admin_user}


# ---------------------------------------------------------------------------
# Pure parts
# ---------------------------------------------------------------------------
def _facts(**changes: Any) -> RoundFacts:
    values: dict[str, Any] = {
        "mentees": {1: MenteeFacts(goal_topic_ids=frozenset({7}), department="Sales")},
        "mentors": {
            2: MentorFacts(participant_id=2, topic_ids=frozenset({7}), department="Ops", room=1)
        },
        "users": {1: 10, 2: 20},
        "names": {1: "Ana", 2: "Mo"},
    }
    values.update(changes)
    return RoundFacts(**values)


def test_a_pair_is_refused_for_the_same_person_a_live_pair_a_block_or_the_department_rule():
    assert pair_refusal(_facts(), 1, 2, frozenset()) == ""
    assert pair_refusal(_facts(users={1: 10, 2: 10}), 1, 2, frozenset()) == "the same person"
    assert (
        pair_refusal(_facts(live_pairs=frozenset({(1, 2)})), 1, 2, frozenset())
        == "already working together"
    )
    assert pair_refusal(_facts(), 1, 2, frozenset({(1, 2)})) == "blocked by an admin"
    same = _facts(
        other_department_only=True,
        mentors={2: MentorFacts(participant_id=2, department="sales ", room=1)},
    )
    assert pair_refusal(same, 1, 2, frozenset()).startswith("same department")
    assert pair_refusal(_facts(other_department_only=True), 1, 2, frozenset()) == ""
    away = _facts(mentors={2: MentorFacts(participant_id=2, away=True, room=1)})
    assert pair_refusal(away, 1, 2, frozenset()) == "away"


def test_weights_multiply_the_parts_of_the_score():
    _, _, plain = round_score_matrix(_facts(), weights=clean_weights({}))
    _, _, doubled = round_score_matrix(_facts(), weights=clean_weights({"topics": 2}))
    _, _, without = round_score_matrix(_facts(), weights=clean_weights({"topics": 0}))
    # One shared goal topic (3 points) and another department (0.5).
    assert plain[0, 0] == 3.5
    assert doubled[0, 0] == 6.5
    assert without[0, 0] == 0.5


def test_a_refused_pair_has_no_score():
    _, _, matrix = round_score_matrix(_facts(users={1: 10, 2: 10}), weights=clean_weights({}))
    assert matrix.shape == (1, 1) and str(matrix[0, 0]) == "nan"


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"topics": "x"}, "weight_topics"),
        ({"help": 9}, "weight_help"),
        ({"overlap": float("nan")}, "weight_overlap"),
    ],
)
def test_a_weight_outside_its_range_is_refused_by_name(raw, field):
    with pytest.raises(DomainError) as refused:
        clean_weights(raw)
    assert refused.value.field == field


# ---------------------------------------------------------------------------
# Creating a round
# ---------------------------------------------------------------------------
def test_a_round_takes_the_mentees_without_a_mentor_by_default(rounds_program, admin_user):
    waiting = mentee_in(rounds_program)
    matched = mentee_in(rounds_program)
    MentorshipFactory(program=rounds_program, mentee=matched, mentor=mentor_in(rounds_program))
    matching_round = round_create(program=rounds_program, actor=admin_user, name="Spring")
    assert list(matching_round.mentees.all()) == [waiting]
    assert AuditEntry.objects.filter(action="matching_round_created").exists()


def test_a_mentee_who_has_a_mentor_cannot_be_chosen(rounds_program, admin_user):
    matched = mentee_in(rounds_program)
    MentorshipFactory(program=rounds_program, mentee=matched, mentor=mentor_in(rounds_program))
    with pytest.raises(DomainError) as refused:
        round_create(
            program=rounds_program, actor=admin_user, name="Spring", mentee_ids=[matched.pk]
        )
    assert refused.value.field == "mentees"
    assert not MatchingRound.objects.exists()


def test_only_admins_start_rounds(rounds_program, mentor):
    mentee_in(rounds_program)
    with pytest.raises(DomainError):
        round_create(program=rounds_program, actor=mentor, name="Mine")
    assert not MatchingRound.objects.exists()


def test_a_program_where_mentees_choose_has_no_rounds(program, admin_user):
    mentee_in(program)
    with pytest.raises(DomainError, match="mentees choose"):
        round_create(program=program, actor=admin_user, name="Spring")
    assert not MatchingRound.objects.exists()


# ---------------------------------------------------------------------------
# Running, pins and blocks
# ---------------------------------------------------------------------------
def test_the_run_gives_the_one_place_to_the_better_fit_and_says_why_the_other_waits(scene):
    run = _run(scene["round"], scene["admin"])
    assert _pairs(run) == {scene["ana"].pk: scene["mentor"].pk, scene["ben"].pk: None}
    ana = run.proposals.get(mentee=scene["ana"])
    assert ana.score == 6.0 and ana.reasons == ["2 of your goal topics"]
    ben = run.proposals.get(mentee=scene["ben"])
    assert "full" in ben.unmatched_reason
    assert (run.matched, run.unmatched, run.total_score, run.top_choice) == (1, 1, 6.0, 1)
    scene["round"].refresh_from_db()
    assert scene["round"].status == MatchingRound.Status.PROPOSED


def test_every_run_is_kept_with_its_parameters(scene):
    first = _run(scene["round"], scene["admin"])
    MatchingRound.objects.filter(pk=scene["round"].pk).update(min_score=7)
    second = _run(scene["round"], scene["admin"])
    assert (first.number, second.number) == (1, 2)
    assert (first.min_score, second.min_score) == (0, 7)
    assert second.matched == 0  # nobody reaches 7


def test_a_pin_holds_in_the_next_run(scene):
    first = _run(scene["round"], scene["admin"])
    assert _pairs(first)[scene["ben"].pk] is None
    RoundRule.objects.create(
        round=scene["round"], kind="pin", mentee=scene["ben"], mentor=scene["mentor"]
    )
    again = _run(scene["round"], scene["admin"])
    # The admin's pin wins the one place, although Ana scores higher with this mentor.
    assert _pairs(again) == {scene["ben"].pk: scene["mentor"].pk, scene["ana"].pk: None}


def test_a_blocked_pair_is_never_proposed_again(scene):
    run = _run(scene["round"], scene["admin"])
    ana = run.proposals.get(mentee=scene["ana"])
    proposal_block(matching_round=scene["round"], proposal_id=ana.pk, actor=scene["admin"])
    ana.refresh_from_db()
    assert ana.mentor_id is None and "Blocked" in ana.unmatched_reason
    again = _run(scene["round"], scene["admin"])
    assert _pairs(again) == {scene["ana"].pk: None, scene["ben"].pk: scene["mentor"].pk}
    assert "blocked" in again.proposals.get(mentee=scene["ana"]).unmatched_reason.lower()


def test_a_pin_can_be_taken_off(scene):
    run = _run(scene["round"], scene["admin"])
    ana = run.proposals.get(mentee=scene["ana"])
    proposal_pin(matching_round=scene["round"], proposal_id=ana.pk, actor=scene["admin"])
    assert scene["round"].rules.filter(kind="pin").count() == 1
    proposal_pin(matching_round=scene["round"], proposal_id=ana.pk, actor=scene["admin"], pin=False)
    assert not scene["round"].rules.exists()


def test_the_department_rule_keeps_colleagues_apart(rounds_program, admin_user):
    rounds_program.other_department_only = True
    rounds_program.save()
    mentor = mentor_in(rounds_program, capacity=3)
    colleague, outsider = mentee_in(rounds_program), mentee_in(rounds_program)
    for person, department in ((mentor, "Sales"), (colleague, "sales"), (outsider, "Ops")):
        person.user.department = department
        person.user.save()
    matching_round = round_create(program=rounds_program, actor=admin_user, name="R", min_score=0)
    run = _run(matching_round, admin_user)
    assert _pairs(run) == {colleague.pk: None, outsider.pk: mentor.pk}


def test_a_mentor_who_is_away_or_not_taking_mentees_is_not_proposed(rounds_program, admin_user):
    mentor_in(rounds_program, accepting_requests=False)
    waiting = mentee_in(rounds_program)
    matching_round = round_create(program=rounds_program, actor=admin_user, name="R", min_score=-5)
    run = _run(matching_round, admin_user)
    assert _pairs(run) == {waiting.pk: None}


def test_the_mentee_seniority_counts_towards_the_score(rounds_program, admin_user):
    mentor = mentor_in(rounds_program, seniority="executive")
    mentee = mentee_in(rounds_program)
    MenteeProfile.objects.create(participant=mentee, seniority="early")
    facts = round_facts(program=rounds_program, mentee_ids=[mentee.pk])
    assert facts.mentees[mentee.pk].seniority_rank == 0
    assert facts.mentors[mentor.pk].seniority_rank == 4


# ---------------------------------------------------------------------------
# Swapping
# ---------------------------------------------------------------------------
def test_a_swap_moves_the_mentee_pins_the_pair_and_rescores(scene):
    run = _run(scene["round"], scene["admin"])
    other = mentor_in(scene["round"].program, capacity=1)
    User.objects.update(department="")
    ana = run.proposals.get(mentee=scene["ana"])
    moved = proposal_swap(
        matching_round=scene["round"],
        proposal_id=ana.pk,
        mentor_id=other.pk,
        actor=scene["admin"],
        facts=round_facts(program=scene["round"].program, mentee_ids=[scene["ana"].pk]),
    )
    assert (moved.mentor_id, moved.swapped, moved.score) == (other.pk, True, 0.0)
    assert scene["round"].rules.get(kind="pin").mentor_id == other.pk
    assert AuditEntry.objects.filter(action="matching_swap").exists()


def test_a_swap_to_a_mentor_without_room_is_refused_and_changes_nothing(scene):
    run = _run(scene["round"], scene["admin"])
    ben = run.proposals.get(mentee=scene["ben"])
    with pytest.raises(DomainError, match="no room left"):
        proposal_swap(
            matching_round=scene["round"],
            proposal_id=ben.pk,
            mentor_id=scene["mentor"].pk,
            actor=scene["admin"],
            facts=round_facts(program=scene["round"].program, mentee_ids=[scene["ben"].pk]),
        )
    ben.refresh_from_db()
    assert ben.mentor_id is None and not scene["round"].rules.exists()


# ---------------------------------------------------------------------------
# Publishing and discarding
# ---------------------------------------------------------------------------
def test_publishing_starts_the_mentorships_and_tells_both_why(scene):
    _run(scene["round"], scene["admin"])
    report = round_publish(matching_round=scene["round"], actor=scene["admin"])
    [mentorship] = report.created
    assert (mentorship.mentor, mentorship.mentee) == (scene["mentor"], scene["ana"])
    told = Notification.objects.filter(kind="mentorship").order_by("recipient_id")
    assert {n.recipient_id for n in told} == {scene["mentor"].user_id, scene["ana"].user_id}
    assert all("Why: 2 of your goal topics" in n.body for n in told)
    scene["round"].refresh_from_db()
    assert scene["round"].status == MatchingRound.Status.PUBLISHED
    assert AuditEntry.objects.filter(action="matching_round_published").exists()
    with pytest.raises(DomainError):
        round_publish(matching_round=scene["round"], actor=scene["admin"])
    assert Mentorship.objects.count() == 1


def test_a_mentor_who_filled_up_since_the_run_is_reported_not_overfilled(scene):
    _run(scene["round"], scene["admin"])
    mentorship_start(mentor=scene["mentor"], mentee=mentee_in(scene["round"].program))
    _assert_nothing_can_start(scene, "capacity")
    assert Mentorship.objects.filter(mentor=scene["mentor"]).count() == 1


def _assert_nothing_can_start(scene: dict[str, Any], why: str) -> None:
    """The round's one proposal no longer fits: the preview says why, and publishing is
    refused without closing the round or noting anything."""
    run = latest_run(scene["round"])
    assert run is not None
    [proposal] = [p for p in current_proposals(run) if p.mentor_id]
    assert proposal.mentee == scene["ana"]
    assert why in publish_refusals(current_proposals(run), scene["round"].program)[proposal.pk]
    with pytest.raises(DomainError, match="the proposed mentorship cannot start any more"):
        round_publish(matching_round=scene["round"], actor=scene["admin"])
    scene["round"].refresh_from_db()
    assert scene["round"].status == MatchingRound.Status.PROPOSED
    assert not run.proposals.exclude(publish_note="").exists()


def test_a_failure_half_way_through_publishing_writes_nothing(scene, monkeypatch):
    _run(scene["round"], scene["admin"])
    from matching.rounds import services as rounds

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("mail server on fire")

    monkeypatch.setattr(rounds, "_tell_matched", broken)
    with pytest.raises(RuntimeError):
        round_publish(matching_round=scene["round"], actor=scene["admin"])
    assert not Mentorship.objects.exists()
    scene["round"].refresh_from_db()
    assert scene["round"].status == MatchingRound.Status.PROPOSED


def test_a_round_not_run_cannot_be_published(scene):
    with pytest.raises(DomainError, match="Run the round"):
        round_publish(matching_round=scene["round"], actor=scene["admin"])


def test_a_discarded_round_cannot_run_or_publish(scene):
    round_discard(matching_round=scene["round"], actor=scene["admin"])
    with pytest.raises(DomainError):
        _run(scene["round"], scene["admin"])
    with pytest.raises(DomainError):
        round_publish(matching_round=scene["round"], actor=scene["admin"])
    assert not MatchingRun.objects.exists()


def test_someone_who_is_not_an_admin_cannot_run_or_publish(scene, mentor):
    with pytest.raises(DomainError):
        _run(scene["round"], mentor)
    assert not MatchingRun.objects.exists()


# ---------------------------------------------------------------------------
# Facts in a fixed number of queries
# ---------------------------------------------------------------------------
def test_the_facts_take_the_same_queries_for_few_and_many_people(rounds_program):
    def queries() -> int:
        ids = list(unmatched_mentees(rounds_program).values_list("pk", flat=True))
        with CaptureQueriesContext(connection) as ctx:
            round_facts(program=rounds_program, mentee_ids=ids)
        return len(ctx.captured_queries)

    topic = TopicFactory(organization=rounds_program.organization)
    for _ in range(2):
        mentor_in(rounds_program, topics=[topic])
        _with_topic(mentee_in(rounds_program), topic)
    few = queries()
    for _ in range(10):
        mentor_in(rounds_program, topics=[topic])
        _with_topic(mentee_in(rounds_program), topic)
    assert queries() == few


def test_a_mentee_who_found_a_mentor_since_the_run_is_reported_not_doubled(scene):
    _run(scene["round"], scene["admin"])
    mentorship_start(mentor=mentor_in(scene["round"].program), mentee=scene["ana"])
    _assert_nothing_can_start(scene, "found a mentor since the run")
    assert Mentorship.objects.filter(mentee=scene["ana"]).count() == 1


# ---------------------------------------------------------------------------
# Stable rounds: preferences and deferred acceptance
# ---------------------------------------------------------------------------
@pytest.fixture
def stable(rounds_program, admin_user):
    """Two mentors with room for one each, and two mentees; everyone scores the same."""
    User.objects.update(department="")
    m1, m2 = mentor_in(rounds_program, capacity=1), mentor_in(rounds_program, capacity=1)
    ana, ben = mentee_in(rounds_program), mentee_in(rounds_program)
    User.objects.update(department="")
    matching_round = round_create(
        program=rounds_program,
        actor=admin_user,
        name="Stable",
        method=MatchingRound.Method.STABLE,
    )
    return {
        "round": matching_round,
        "m1": m1,
        "m2": m2,
        "ana": ana,
        "ben": ben,
        "admin": admin_user,
    }


def test_a_stable_round_asks_mentees_and_mentors_for_their_preferences(stable):
    told = Notification.objects.filter(
        link__endswith=f"/matching/{stable['round'].pk}/preferences/"
    )
    recipients = set(told.values_list("recipient_id", flat=True))
    assert {stable["ana"].user_id, stable["ben"].user_id} <= recipients
    assert {stable["m1"].user_id, stable["m2"].user_id} <= recipients


def test_the_mentor_s_order_decides_between_two_who_chose_them(stable):
    r = stable["round"]
    mentee_preferences_save(
        matching_round=r, mentee=stable["ana"], mentor_ids=[stable["m1"].pk, stable["m2"].pk]
    )
    mentee_preferences_save(matching_round=r, mentee=stable["ben"], mentor_ids=[stable["m1"].pk])
    mentor_preferences_save(
        matching_round=r, mentor=stable["m1"], mentee_ids=[stable["ben"].pk, stable["ana"].pk]
    )
    run = _run(r, stable["admin"])
    # Mentor 1 prefers Ben, so Ana goes to her second choice: nobody would rather swap.
    assert _pairs(run) == {stable["ana"].pk: stable["m2"].pk, stable["ben"].pk: stable["m1"].pk}
    assert run.top_choice == 1


def test_a_mentor_who_ranks_nobody_leaves_those_who_chose_them_unmatched(stable):
    r = stable["round"]
    mentee_preferences_save(matching_round=r, mentee=stable["ana"], mentor_ids=[stable["m1"].pk])
    mentor_preferences_save(matching_round=r, mentor=stable["m1"], mentee_ids=[])
    run = _run(r, stable["admin"])
    assert _pairs(run) == {stable["ana"].pk: None, stable["ben"].pk: None}
    assert "Ranked no mentor" in run.proposals.get(mentee=stable["ben"]).unmatched_reason


def test_a_mentor_who_gave_no_order_takes_those_who_chose_them_by_score(stable):
    r = stable["round"]
    topic = TopicFactory(organization=r.program.organization)
    MentorProfile.objects.filter(participant=stable["m1"]).first().topics.add(topic)
    _with_topic(stable["ben"], topic)
    for mentee in (stable["ana"], stable["ben"]):
        mentee_preferences_save(matching_round=r, mentee=mentee, mentor_ids=[stable["m1"].pk])
    run = _run(r, stable["admin"])
    assert _pairs(run) == {stable["ana"].pk: None, stable["ben"].pk: stable["m1"].pk}
    assert (
        "full with mentees they ranked higher"
        in run.proposals.get(mentee=stable["ana"]).unmatched_reason
    )


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        (lambda s: [], "at least one"),
        (lambda s: [s["m1"].pk, s["m1"].pk], "once"),
        (lambda s: [s["ana"].pk], "active mentors"),
        (lambda s: [s["m1"].pk] * 6, "at most 5"),
    ],
)
def test_a_mentee_s_choices_are_checked_and_a_refusal_keeps_the_old_ones(stable, ids, message):
    r = stable["round"]
    mentee_preferences_save(matching_round=r, mentee=stable["ana"], mentor_ids=[stable["m2"].pk])
    with pytest.raises(DomainError, match=message):
        mentee_preferences_save(matching_round=r, mentee=stable["ana"], mentor_ids=ids(stable))
    assert list(r.preferences.values_list("chosen_id", flat=True)) == [stable["m2"].pk]


def test_a_mentor_ranks_only_those_who_chose_them(stable):
    r = stable["round"]
    mentee_preferences_save(matching_round=r, mentee=stable["ana"], mentor_ids=[stable["m1"].pk])
    with pytest.raises(DomainError, match="only the mentees who chose you"):
        mentor_preferences_save(
            matching_round=r, mentor=stable["m1"], mentee_ids=[stable["ben"].pk]
        )
    assert not r.mentors_ranked.exists()


def test_preferences_close_when_the_round_runs(stable):
    r = stable["round"]
    mentee_preferences_save(matching_round=r, mentee=stable["ana"], mentor_ids=[stable["m1"].pk])
    _run(r, stable["admin"])
    with pytest.raises(DomainError, match="no longer takes preferences"):
        mentee_preferences_save(
            matching_round=r, mentee=stable["ben"], mentor_ids=[stable["m1"].pk]
        )


@pytest.mark.parametrize("seed", range(5))
def test_a_stable_round_on_random_preferences_has_no_blocking_pair(
    rounds_program, admin_user, seed
):
    rng = random.Random(seed)
    mentors = [mentor_in(rounds_program, capacity=rng.randint(1, 3)) for _ in range(5)]
    mentees = [mentee_in(rounds_program) for _ in range(12)]
    r = round_create(
        program=rounds_program, actor=admin_user, name="S", method=MatchingRound.Method.STABLE
    )
    for mentee in mentees:
        chosen = rng.sample(mentors, rng.randint(1, 5))
        mentee_preferences_save(matching_round=r, mentee=mentee, mentor_ids=[m.pk for m in chosen])
    for mentor in mentors[:3]:  # some mentors order who chose them, some leave it to the score
        who = list(chosen_by(r, mentor).values_list("pk", flat=True))
        rng.shuffle(who)
        mentor_preferences_save(
            matching_round=r, mentor=mentor, mentee_ids=who[: max(1, len(who) - 1)]
        )
    run = _run(r, admin_user)
    got = _pairs(run)
    # Rebuild everyone's lists as the round saw them and look for a pair that would rather swap.
    facts = round_facts(program=rounds_program, mentee_ids=[m.pk for m in mentees])
    _, _, matrix = round_score_matrix(facts, weights=clean_weights({}))
    i_of = {m.pk: i for i, m in enumerate(mentees)}
    j_of = {m.pk: j for j, m in enumerate(mentors)}
    mentee_prefs = [[j_of[pk] for pk in preferences_of(r, m)] for m in mentees]
    mentor_prefs = []
    for j, mentor in enumerate(mentors):
        who = [i for i, prefs in enumerate(mentee_prefs) if j in prefs]
        if r.mentors_ranked.filter(pk=mentor.pk).exists():
            mentor_prefs.append([i_of[pk] for pk in preferences_of(r, mentor) if i_of[pk] in who])
        else:
            col = list(facts.mentors).index(mentor.pk)
            mentor_prefs.append(sorted(who, key=lambda i, c=col: (-matrix[i, c], mentees[i].pk)))
    matching = {i_of[e]: j_of[m] for e, m in got.items() if m is not None}
    capacities = [facts.mentors[m.pk].room for m in mentors]
    assert engine.blocking_pairs(mentee_prefs, mentor_prefs, capacities, matching) == []
    assert all(list(matching.values()).count(j) <= capacities[j] for j in range(len(mentors)))


def test_a_round_of_a_program_that_has_ended_cannot_be_published(scene):
    _run(scene["round"], scene["admin"])
    program = scene["round"].program
    program.ends_on = timezone.localdate()
    program.save()
    with pytest.raises(DomainError, match="has ended"):
        round_publish(matching_round=scene["round"], actor=scene["admin"])
    assert not Mentorship.objects.exists()

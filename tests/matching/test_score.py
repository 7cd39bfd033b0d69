"""The compatibility score: each part alone, the total, the order, and the interval maths."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest

from matching.models import HelpKind, MeetingFormat
from matching.score import (
    FORMAT_WORDS,
    HELP_WORDS,
    MINUTES_PER_WEEK,
    PARTS,
    MemberSets,
    MenteeFacts,
    MentorFacts,
    MentorTable,
    Score,
    availability_words,
    can_take_request,
    compatibility,
    compatibility_matrix,
    department_part,
    format_part,
    help_part,
    hours_words,
    intersect,
    join_words,
    normalize,
    overlap_minutes,
    overlap_part,
    rank,
    rank_totals,
    ranked_places,
    seniority_part,
    split_at_week_end,
    topic_part,
)

HOUR = 60
DAY = 24 * HOUR
MONDAY_9_TO_17 = (9 * HOUR, 17 * HOUR)

MENTEE = MenteeFacts()
MENTOR = MentorFacts(participant_id=1, room=1)


# ---------------------------------------------------------------------------
# Interval maths
# ---------------------------------------------------------------------------
def test_split_keeps_an_interval_inside_the_week():
    assert split_at_week_end((60, 120)) == ((60, 120),)


def test_split_wraps_an_interval_past_the_end_of_the_week():
    sunday_23_to_monday_01 = (MINUTES_PER_WEEK - HOUR, MINUTES_PER_WEEK + HOUR)
    assert split_at_week_end(sunday_23_to_monday_01) == (
        (MINUTES_PER_WEEK - HOUR, MINUTES_PER_WEEK),
        (0, HOUR),
    )


def test_split_wraps_an_interval_that_starts_before_the_week():
    assert split_at_week_end((-30, 30)) == ((MINUTES_PER_WEEK - 30, MINUTES_PER_WEEK), (0, 30))


def test_split_drops_an_empty_interval_and_caps_a_whole_week():
    assert split_at_week_end((100, 100)) == ()
    assert split_at_week_end((5, 5 + 2 * MINUTES_PER_WEEK)) == ((0, MINUTES_PER_WEEK),)


def test_normalize_sorts_and_merges_overlapping_and_touching_pieces():
    assert normalize([(300, 400), (100, 200), (150, 250), (250, 260)]) == ((100, 260), (300, 400))


def test_intersect_finds_the_shared_times():
    assert intersect([(0, 100), (200, 300)], [(50, 250)]) == ((50, 100), (200, 250))


def test_intersect_across_the_end_of_the_week():
    sunday_night = [(MINUTES_PER_WEEK - 2 * HOUR, MINUTES_PER_WEEK + HOUR)]
    monday_early = [(0, 3 * HOUR)]
    assert intersect(sunday_night, monday_early) == ((0, HOUR),)


def test_overlap_minutes_is_zero_for_disjoint_or_empty_sets():
    assert overlap_minutes([(0, 10)], [(10, 20)]) == 0
    assert overlap_minutes([], [(10, 20)]) == 0


def test_overlap_minutes_counts_every_shared_piece():
    working = [(d * DAY + 9 * HOUR, d * DAY + 17 * HOUR) for d in range(5)]
    windows = [(14 * HOUR, 16 * HOUR), (DAY + 16 * HOUR, DAY + 18 * HOUR)]
    assert overlap_minutes(working, windows) == 3 * HOUR


# ---------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------
def test_join_words_reads_like_a_sentence():
    assert join_words([]) == ""
    assert join_words(["coaching"]) == "coaching"
    assert join_words(["coaching", "sponsorship"]) == "coaching and sponsorship"
    assert join_words(["a", "b", "c"], "or") == "a, b or c"


@pytest.mark.parametrize(
    ("minutes", "words"),
    [(1, "1 minute"), (30, "30 minutes"), (60, "1 hour"), (90, "1.5 hours"), (120, "2 hours")],
)
def test_hours_words(minutes, words):
    assert hours_words(minutes) == words


def test_words_cover_every_help_kind_and_format():
    assert set(HELP_WORDS) == set(HelpKind.values)
    assert set(FORMAT_WORDS) == set(MeetingFormat.values)


# ---------------------------------------------------------------------------
# Topics
# ---------------------------------------------------------------------------
def test_topic_part_counts_goal_topics_the_mentor_helps_with():
    mentee = replace(MENTEE, goal_topic_ids=frozenset({1, 2, 3, 4}))
    mentor = replace(MENTOR, topic_ids=frozenset({1, 2, 3, 9}))
    part = topic_part(mentee, mentor)
    assert part.points == 9.0
    assert part.reasons == ("3 of your goal topics",)


def test_topic_part_is_silent_without_shared_topics():
    mentee = replace(MENTEE, goal_topic_ids=frozenset({1}))
    assert topic_part(mentee, replace(MENTOR, topic_ids=frozenset({2}))).points == 0
    assert topic_part(mentee, replace(MENTOR, topic_ids=frozenset({2}))).reasons == ()


def test_topic_part_counts_a_cannot_help_goal_topic_against_the_mentor():
    mentee = replace(MENTEE, goal_topic_ids=frozenset({1, 2}))
    mentor = replace(
        MENTOR,
        topic_ids=frozenset({1}),
        cannot_topic_ids=frozenset({2}),
        topic_names={1: "Negotiation", 2: "Public speaking"},
    )
    part = topic_part(mentee, mentor)
    assert part.points == 3.0 - 4.0
    assert part.reasons == ("1 of your goal topics", "cannot help with Public speaking")


def test_a_topic_on_both_lists_counts_only_against():
    mentee = replace(MENTEE, goal_topic_ids=frozenset({1}))
    mentor = replace(MENTOR, topic_ids=frozenset({1}), cannot_topic_ids=frozenset({1}))
    part = topic_part(mentee, mentor)
    assert part.points == -4.0
    assert part.reasons == ("cannot help with 1 of your goal topics",)


# ---------------------------------------------------------------------------
# Help, formats
# ---------------------------------------------------------------------------
def test_help_part_names_what_the_mentor_offers_of_what_the_mentee_wants():
    mentee = replace(MENTEE, help_wanted=frozenset({"sponsor", "coach", "connector"}))
    mentor = replace(MENTOR, help_offered=frozenset({"sponsor", "coach"}))
    part = help_part(mentee, mentor)
    assert part.points == 4.0
    assert part.reasons == ("offers coaching and sponsorship",)


def test_help_part_ignores_help_the_mentee_did_not_ask_for():
    mentee = replace(MENTEE, help_wanted=frozenset({"coach"}))
    assert help_part(mentee, replace(MENTOR, help_offered=frozenset({"sponsor"}))).points == 0


def test_format_part_names_shared_formats():
    mentee = replace(MENTEE, formats=frozenset({"video", "coffee"}))
    mentor = replace(MENTOR, formats=frozenset({"video", "phone"}))
    assert format_part(mentee, mentor).reasons == ("meets by video call",)
    assert format_part(mentee, mentor).points == 1.0


def test_format_part_is_capped():
    every = frozenset(FORMAT_WORDS)
    part = format_part(replace(MENTEE, formats=every), replace(MENTOR, formats=every))
    assert part.points == 2.0
    assert part.reasons == ("meets by video call, by phone, in person, over coffee or in writing",)


# ---------------------------------------------------------------------------
# Overlap
# ---------------------------------------------------------------------------
def test_overlap_part_scores_hours_of_overlap_a_week():
    mentee = replace(MENTEE, working_intervals=(MONDAY_9_TO_17,))
    mentor = replace(MENTOR, window_intervals=((15 * HOUR, 18 * HOUR),))
    part = overlap_part(mentee, mentor)
    assert part.points == 2.0
    assert part.reasons == ("2 hours of overlap a week",)


def test_overlap_part_is_capped():
    mentee = replace(MENTEE, working_intervals=(MONDAY_9_TO_17,))
    mentor = replace(MENTOR, window_intervals=(MONDAY_9_TO_17,))
    assert overlap_part(mentee, mentor).points == 4.0
    assert overlap_part(mentee, mentor).reasons == ("8 hours of overlap a week",)


def test_overlap_part_is_silent_without_overlap():
    mentee = replace(MENTEE, working_intervals=(MONDAY_9_TO_17,))
    mentor = replace(MENTOR, window_intervals=((DAY, DAY + HOUR),))
    assert overlap_part(mentee, mentor).points == 0
    assert overlap_part(mentee, mentor).reasons == ()


# ---------------------------------------------------------------------------
# Seniority, department
# ---------------------------------------------------------------------------
def test_a_more_senior_mentor_scores_higher():
    mentee = replace(MENTEE, seniority_rank=1)
    part = seniority_part(mentee, replace(MENTOR, seniority_rank=3))
    assert part.points == 1.0
    assert part.reasons == ("2 levels more senior",)


def test_a_less_senior_mentor_scores_lower_without_a_reason():
    mentee = replace(MENTEE, seniority_rank=3)
    part = seniority_part(mentee, replace(MENTOR, seniority_rank=2))
    assert part.points == -0.5
    assert part.reasons == ()


def test_reverse_mentoring_inverts_seniority():
    mentee = replace(MENTEE, seniority_rank=4)
    part = seniority_part(mentee, replace(MENTOR, seniority_rank=0), reverse=True)
    assert part.points == 1.5  # four levels, capped at three
    assert part.reasons == ("3 levels more junior",)
    assert (
        seniority_part(
            replace(MENTEE, seniority_rank=0), replace(MENTOR, seniority_rank=1), reverse=True
        ).points
        == -0.5
    )


def test_seniority_is_neutral_when_either_is_unknown():
    assert seniority_part(MENTEE, replace(MENTOR, seniority_rank=4)) == seniority_part(
        replace(MENTEE, seniority_rank=4), MENTOR
    )
    assert seniority_part(MENTEE, replace(MENTOR, seniority_rank=4)).points == 0


def test_department_part_rewards_another_department():
    mentee = replace(MENTEE, department="Engineering")
    assert department_part(mentee, replace(MENTOR, department="Sales")).points == 0.5
    assert department_part(mentee, replace(MENTOR, department="Sales")).reasons == (
        "from another department",
    )


def test_department_part_is_silent_for_the_same_or_an_unknown_department():
    mentee = replace(MENTEE, department="Engineering")
    assert department_part(mentee, replace(MENTOR, department=" engineering")).points == 0
    assert department_part(mentee, replace(MENTOR, department="")).points == 0


# ---------------------------------------------------------------------------
# The total and the order
# ---------------------------------------------------------------------------
STRONG_MENTEE = MenteeFacts(
    goal_topic_ids=frozenset({1, 2, 3}),
    help_wanted=frozenset({"coach"}),
    formats=frozenset({"video"}),
    department="Engineering",
    seniority_rank=1,
    working_intervals=(MONDAY_9_TO_17,),
)


def test_compatibility_adds_the_parts_and_lists_reasons_in_order():
    mentor = MentorFacts(
        participant_id=7,
        topic_ids=frozenset({1, 2, 3}),
        help_offered=frozenset({"coach", "sponsor"}),
        formats=frozenset({"video"}),
        department="Sales",
        seniority_rank=2,
        window_intervals=((15 * HOUR, 17 * HOUR),),
        room=1,
    )
    assert compatibility(STRONG_MENTEE, mentor) == Score(
        total=9.0 + 2.0 + 1.0 + 2.0 + 0.5 + 0.5,
        reasons=(
            "3 of your goal topics",
            "offers coaching",
            "meets by video call",
            "2 hours of overlap a week",
            "1 level more senior",
            "from another department",
        ),
    )


def test_compatibility_of_strangers_is_zero_without_reasons():
    assert compatibility(MENTEE, MENTOR) == Score(total=0.0, reasons=())


def test_compatibility_reverse_changes_only_seniority():
    mentor = MentorFacts(participant_id=7, seniority_rank=3, topic_ids=frozenset({1}))
    forward = compatibility(STRONG_MENTEE, mentor)
    backward = compatibility(STRONG_MENTEE, mentor, reverse=True)
    assert forward.total - backward.total == 2.0
    assert "2 levels more senior" in forward.reasons
    assert not any("junior" in reason for reason in backward.reasons)


def test_can_take_request_needs_room_acceptance_and_presence():
    assert can_take_request(MENTOR)
    assert not can_take_request(replace(MENTOR, room=0))
    assert not can_take_request(replace(MENTOR, accepting=False))
    assert not can_take_request(replace(MENTOR, away=True))


def test_availability_words():
    assert availability_words(replace(MENTOR, room=1)) == "room for 1 more"
    assert availability_words(replace(MENTOR, room=0)) == "full"
    assert availability_words(replace(MENTOR, accepting=False)) == "not taking requests"
    assert availability_words(replace(MENTOR, away=True, accepting=False)) == "away for now"


def test_rank_orders_by_score_then_name():
    best = MentorFacts(participant_id=1, topic_ids=frozenset({1, 2}), room=1, name="Zed")
    tied_b = MentorFacts(participant_id=2, topic_ids=frozenset({1}), room=1, name="bea")
    tied_a = MentorFacts(participant_id=3, topic_ids=frozenset({2}), room=1, name="Abe")
    order = [m.participant_id for m, _ in rank(STRONG_MENTEE, [tied_b, best, tied_a])]
    assert order == [1, 3, 2]


def test_rank_puts_mentors_who_cannot_take_a_request_last_whatever_their_score():
    full = MentorFacts(participant_id=1, topic_ids=frozenset({1, 2, 3}), room=0)
    away = MentorFacts(participant_id=2, topic_ids=frozenset({1, 2, 3}), room=2, away=True)
    weak = MentorFacts(participant_id=3, room=1)
    order = [m.participant_id for m, _ in rank(STRONG_MENTEE, [full, away, weak])]
    assert order == [3, 1, 2]


# ---------------------------------------------------------------------------
# Every pair at once: the same numbers as compatibility()
# ---------------------------------------------------------------------------
def _random_facts(rng: random.Random, n: int, m: int):
    def topics(k: int) -> frozenset[int]:
        return frozenset(rng.sample(range(12), rng.randint(0, k)))

    def intervals() -> tuple[tuple[int, int], ...]:
        if rng.random() < 0.2:
            return ()
        start = rng.randrange(-600, MINUTES_PER_WEEK, 15)
        return tuple(
            (start + d * 1440, start + d * 1440 + rng.choice([45, 90, 480]))
            for d in range(rng.randint(1, 5))
        )

    codes = ["coach", "sponsor", "connector"]
    formats = ["video", "phone", "in_person", "coffee", "async"]
    departments = ["", "Sales", "sales ", "Ops", "R&D"]
    spoken = ["en", "de", "es", "fr"]
    mentees = [
        MenteeFacts(
            goal_topic_ids=topics(4),
            help_wanted=frozenset(rng.sample(codes, rng.randint(0, 3))),
            formats=frozenset(rng.sample(formats, rng.randint(0, 5))),
            department=rng.choice(departments),
            seniority_rank=rng.choice([None, 0, 1, 2, 3, 4]),
            working_intervals=intervals(),
            languages=frozenset(rng.sample(spoken, rng.randint(0, 3))),
        )
        for _ in range(n)
    ]
    mentors = [
        MentorFacts(
            participant_id=j,
            topic_ids=topics(6),
            cannot_topic_ids=topics(2),
            help_offered=frozenset(rng.sample(codes, rng.randint(0, 3))),
            formats=frozenset(rng.sample(formats, rng.randint(0, 5))),
            department=rng.choice(departments),
            seniority_rank=rng.choice([None, 0, 1, 2, 3, 4]),
            window_intervals=intervals(),
            languages=frozenset(rng.sample(spoken, rng.randint(0, 3))),
        )
        for j in range(m)
    ]
    return mentees, mentors


@pytest.mark.parametrize("seed", range(8))
def test_the_all_pairs_matrix_equals_compatibility_for_every_pair(seed):
    rng = random.Random(seed)
    mentees, mentors = _random_facts(rng, 25, 15)
    reverse = seed % 2 == 1
    weights = {name: rng.choice([0, 0.5, 1, 1.5, 2, 5]) for name in PARTS} if seed > 1 else None
    matrix = compatibility_matrix(mentees, mentors, reverse=reverse, weights=weights)
    for i, mentee in enumerate(mentees):
        for j, mentor in enumerate(mentors):
            expected = compatibility(mentee, mentor, reverse=reverse, weights=weights).total
            assert matrix[i, j] == expected, (i, j, matrix[i, j], expected)


def test_the_all_pairs_matrix_of_nobody_is_empty():
    assert compatibility_matrix([], [MentorFacts(participant_id=1)]).shape == (0, 1)


def test_a_shared_language_counts_once_and_says_which():
    mentee = MenteeFacts(languages=frozenset({"de", "es"}))
    both = MentorFacts(participant_id=1, languages=frozenset({"de", "es", "fr"}))
    none = MentorFacts(participant_id=2, languages=frozenset({"fr"}))
    score = compatibility(mentee, both)
    assert score.total == 1.0
    assert score.reasons == ("speaks German and Spanish",)
    assert compatibility(mentee, none) == compatibility(mentee, MENTOR)
    assert compatibility(MENTEE, both).total == 0  # a mentee who named none


# ---------------------------------------------------------------------------
# The mentors' table (MentorTable): the directory's ranking of thousands
# ---------------------------------------------------------------------------
def _random_mentors(rng: random.Random, m: int) -> list[MentorFacts]:
    """Mentors with random facts, availability and names that tie (and tie when casefolded)."""
    _, mentors = _random_facts(rng, 0, m)
    names = ["Ann", "ann", "Bob", "Émile", "", "Zed", "BOB"]
    return [
        replace(
            mentor,
            participant_id=rng.randrange(10**6),
            room=rng.choice([0, 1, 2]),
            accepting=rng.random() < 0.8,
            away=rng.random() < 0.1,
            name=rng.choice(names),
        )
        for mentor in mentors
    ]


@pytest.mark.parametrize("seed", range(6))
def test_rank_totals_orders_as_a_sort_of_every_pairs_total(seed):
    """Those who can take a request first, then by total, by name casefolded, by participant:
    the table's array sort gives the order a plain sort of ``compatibility`` gives."""
    rng = random.Random(seed)
    mentees, _ = _random_facts(rng, 3, 0)
    mentors = _random_mentors(rng, 60)
    for mentee in mentees:
        expected = sorted(
            ((m, compatibility(mentee, m, reverse=seed % 2 == 1).total) for m in mentors),
            key=lambda pair: (
                not can_take_request(pair[0]),
                -pair[1],
                pair[0].name.casefold(),
                pair[0].participant_id,
            ),
        )
        assert rank_totals(mentee, mentors, reverse=seed % 2 == 1) == expected


@pytest.mark.parametrize("seed", range(4))
def test_the_table_scores_and_places_a_mentee_as_rank_totals_does(seed):
    rng = random.Random(seed)
    mentees, _ = _random_facts(rng, 2, 0)
    mentors = _random_mentors(rng, 80)
    table = MentorTable.of(mentors)
    among = np.array([rng.random() < 0.7 for _ in mentors])
    for mentee in mentees:
        assert list(table.overlap(mentee.working_intervals)) == [
            overlap_minutes(mentee.working_intervals, m.window_intervals) for m in mentors
        ]
        chosen = [m for m, keep in zip(mentors, among, strict=True) if keep]
        assert ranked_places(mentee, table, among=among) == [
            (m.participant_id, total, can_take_request(m))
            for m, total in rank_totals(mentee, chosen)
        ]


def test_member_sets_from_pairs_and_their_intersection():
    sets = MemberSets.of_pairs(3, np.array([0, 0, 2, 2, 2]), np.array([7, 9, 9, 9, 4]))
    assert sets.shared([frozenset({9, 4})]).tolist() == [[1.0, 0.0, 2.0]]  # a repeat once
    other = MemberSets.of([frozenset({9}), frozenset({7}), frozenset({4, 5})])
    both = sets & other
    assert both.shared([frozenset({4, 7, 9})]).tolist() == [[1.0, 0.0, 1.0]]
    assert (sets & other).shared([frozenset({9}), frozenset()]).tolist() == [
        [1.0, 0.0, 0.0],
        [0.0, 0.0, 0.0],
    ]

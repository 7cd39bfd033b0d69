"""Reads for matching rounds: the program's rounds and waiting mentees, a run's proposals, the
preferences given in a stable round, the round page's table, and the facts the score needs
(profiles, goal topics, contact windows) in a fixed number of queries whatever the numbers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from goals.models import Goal
from matching.access import related_or_none
from matching.directory.selectors import (
    SENIORITY_RANKS,
    GoalTopic,
    active_mentor_profiles,
    grouped_pairs,
    mentors_as_facts,
    with_load,
)
from matching.models import (
    MatchingRound,
    MatchingRun,
    MenteeProfile,
    MentorProfile,
    Mentorship,
    Proposal,
    RoundRule,
    seats_of,
)
from matching.rounds.scoring import RoundFacts, found_a_mentor_since_the_run, mentor_load
from matching.score import Interval, MenteeFacts, MentorFacts
from matching.services.start import StartFacts, start_refusal
from matching.windows import monday_of, utc_week_intervals, working_hours_windows
from programs.models import Participant, Program, Role, Topic


def rounds_of(program: Program) -> QuerySet[MatchingRound]:
    """The program's matching rounds."""
    return MatchingRound.objects.filter(program=program)


def unmatched_mentees(program: Program) -> QuerySet[Participant]:
    """Active mentees of the program without a live mentorship in it."""
    return (
        Participant.objects.filter(
            program=program, role=Role.MENTEE, status=Participant.Status.ACTIVE
        )
        .exclude(mentorships_as_mentee__status__in=Mentorship.LIVE_STATUSES)
        .select_related("user")
        .order_by("user__full_name", "user__email", "pk")
    )


def latest_run(matching_round: MatchingRound) -> MatchingRun | None:
    """The round's last run, None before the first."""
    return matching_round.runs.order_by("-number").first()


def current_proposals(run: MatchingRun) -> list[Proposal]:
    """The run's proposals with both people loaded (one query)."""
    return list(
        run.proposals.select_related("mentee__user", "mentor__user").order_by(
            "mentee__user__full_name", "mentee__user__email", "pk"
        )
    )


def preferences_of(matching_round: MatchingRound, chooser: Participant) -> list[int]:
    """Whom this person ranked, first choice first."""
    return list(
        matching_round.preferences.filter(chooser=chooser)
        .order_by("rank")
        .values_list("chosen_id", flat=True)
    )


def chosen_by(matching_round: MatchingRound, mentor: Participant) -> QuerySet[Participant]:
    """The round's mentees who put this mentor among their choices."""
    return (
        Participant.objects.filter(
            pk__in=matching_round.preferences.filter(chosen=mentor).values("chooser_id")
        )
        .filter(pk__in=matching_round.mentees.values("pk"))
        .select_related("user")
        .order_by("user__full_name", "pk")
    )


def round_facts(
    *, program: Program, mentee_ids: Iterable[int], today: date | None = None
) -> RoundFacts:
    """The round's mentees (still active and without a mentor) and the program's active
    mentors, as the score sees them, in a fixed number of queries whatever their numbers."""
    today = today or timezone.localdate()
    mentees = list(
        Participant.objects.filter(
            pk__in=list(mentee_ids),
            program=program,
            role=Role.MENTEE,
            status=Participant.Status.ACTIVE,
        )
        .exclude(mentorships_as_mentee__status__in=Mentorship.LIVE_STATUSES)
        .select_related("user", "mentee_profile")
        .order_by("pk")
    )
    goal_topics = grouped_pairs(
        GoalTopic.objects.filter(
            goal__owner__in=mentees, goal__status=Goal.Status.ACTIVE
        ).values_list("goal__owner_id", "topic_id")
    )
    converted: dict[tuple[str, time, time], tuple[Interval, ...]] = {}
    week = monday_of(today)
    mentee_facts_by_id: dict[int, MenteeFacts] = {}
    names: dict[int, str] = {}
    users: dict[int, int] = {}
    for mentee in mentees:
        profile = related_or_none(mentee, "mentee_profile") or MenteeProfile(participant=mentee)
        key = (mentee.user.time_zone, profile.working_hours_start, profile.working_hours_end)
        if key not in converted:
            converted[key] = utc_week_intervals(
                working_hours_windows(key[1], key[2]), zone=key[0], week_starting=week
            )
        mentee_facts_by_id[mentee.pk] = MenteeFacts(
            goal_topic_ids=frozenset(goal_topics.get(mentee.pk, ())),
            help_wanted=frozenset(profile.help_wanted),
            formats=frozenset(profile.formats),
            department=mentee.user.department,
            languages=frozenset(mentee.user.languages),
            seniority_rank=SENIORITY_RANKS.get(profile.seniority),
            working_intervals=converted[key],
        )
        names[mentee.pk] = mentee.user.get_full_name() or mentee.user.email
        users[mentee.pk] = mentee.user_id
    mentors = with_load(active_mentor_profiles(program))
    topic_names = dict(
        Topic.objects.filter(organization=program.organization).values_list("pk", "name")
    )
    mentor_facts: dict[int, MentorFacts] = {}
    for mentor, row in mentors_as_facts(mentors.order_by("pk"), today=today, names=topic_names):
        mentor_facts[mentor.participant_id] = mentor
        names[mentor.participant_id] = mentor.name
        users[mentor.participant_id] = row["participant__user_id"]
    live_pairs = frozenset(
        Mentorship.objects.filter(program=program, status__in=Mentorship.LIVE_STATUSES).values_list(
            "mentee_id", "mentor_id"
        )
    )
    return RoundFacts(
        mentees=mentee_facts_by_id,
        mentors=mentor_facts,
        users=users,
        names=names,
        live_pairs=live_pairs,
        reverse=program.kind == Program.Kind.REVERSE,
        other_department_only=program.other_department_only,
    )


# The unmatched (no mentor, no score) come last in every order, on every database.
SORTS = {
    "mentee": (F("mentee__user__full_name").asc(), F("mentee__user__email").asc(), F("pk").asc()),
    "mentor": (
        F("mentor__user__full_name").asc(nulls_last=True),
        F("mentee__user__full_name").asc(),
        F("pk").asc(),
    ),
    "score": (F("score").asc(nulls_last=True), F("mentee__user__full_name").asc(), F("pk").asc()),
    "-score": (
        F("score").desc(nulls_last=True),
        F("mentee__user__full_name").asc(),
        F("pk").asc(),
    ),
}
SHOW = {
    "all": _("Everyone"),
    "matched": _("Matched"),
    "unmatched": _("Unmatched"),
    "swapped": _("Moved by hand"),
    "pinned": _("Pinned"),
}


def mentor_loads(mentor_ids: set[int]) -> dict[int, tuple[int, int]]:
    """Each mentor's live mentorships and seats (``seats_of``), in one query."""
    rows = (
        MentorProfile.objects.filter(participant_id__in=mentor_ids)
        .annotate(
            live=Count(
                "participant__mentorships_as_mentor",
                filter=Q(participant__mentorships_as_mentor__status__in=Mentorship.LIVE_STATUSES),
            )
        )
        .annotate(seats=seats_of())
        .values_list("participant_id", "live", "seats")
    )
    return {pid: (live, seats) for pid, live, seats in rows}


def publish_refusals(proposals: list[Proposal], program: Program) -> dict[int, str]:
    """Why each proposal would not start if the round were published now (proposal id → the
    words publishing would use), in publish order, each start counting against the mentor's
    room for the next. The same rules as ``mentorship_start``, read in bulk: four queries."""
    paired = [p for p in proposals if p.mentor is not None and not p.mentorship_id]
    mentor_ids = {p.mentor_id for p in paired if p.mentor_id is not None}
    loads = mentor_loads(mentor_ids)
    default_seats = program.seats(MentorProfile._meta.get_field("capacity").get_default())
    live = Mentorship.objects.filter(
        mentee_id__in=[p.mentee_id for p in paired], status__in=Mentorship.LIVE_STATUSES
    ).values_list("mentee_id", "mentor_id")
    boards: dict[int, int] = {}
    together: set[tuple[int, int]] = set()
    for mentee_id, partner_id in live:
        boards[mentee_id] = boards.get(mentee_id, 0) + 1
        together.add((mentee_id, partner_id))
    started: dict[int, int] = {}
    refusals: dict[int, str] = {}
    for proposal in paired:
        assert proposal.mentor is not None and proposal.mentor_id is not None
        mentor_id = proposal.mentor_id
        mentor_live, seats = loads.get(mentor_id, (0, default_seats))
        if boards.get(proposal.mentee_id):
            refusals[proposal.pk] = found_a_mentor_since_the_run(
                proposal.mentee.user.get_full_name()
            )
            continue
        refusal = start_refusal(
            StartFacts(
                mentor_name=str(proposal.mentor.user),
                mentee_name=str(proposal.mentee.user),
                both_active=proposal.mentor.status == Participant.Status.ACTIVE
                and proposal.mentee.status == Participant.Status.ACTIVE,
                together=(proposal.mentee_id, mentor_id) in together,
                mentor_live=mentor_live + started.get(mentor_id, 0),
                seats=seats,
                capacity_words=program.capacity_words(seats // program.seats(1)),
                mentee_board=0,
                max_board=program.max_mentors_per_mentee,
                program_name=program.name,
            )
        )
        if refusal:
            refusals[proposal.pk] = refusal
        else:
            started[mentor_id] = started.get(mentor_id, 0) + 1
    return refusals


def publish_preview(run: MatchingRun, program: Program) -> dict[str, Any]:
    """What publishing this run now would do: the pairs that start, those that no longer fit
    (each with why), and how many people will be told they are matched."""
    everyone = current_proposals(run)
    refusals = publish_refusals(everyone, program)
    starting = [p for p in everyone if p.mentor_id and p.pk not in refusals]
    return {
        "starting": starting,
        "not_fitting": [(p, refusals[p.pk]) for p in everyone if p.pk in refusals],
        "mentees_told": len({p.mentee_id for p in starting}),
        "mentors_told": len({p.mentor_id for p in starting}),
    }


def round_answers(matching_round: MatchingRound) -> dict[str, int]:
    """How many of a stable round's mentees chose mentors, and how many mentors ranked them."""
    return {
        "mentees_chose": matching_round.preferences.filter(chooser__in=matching_round.mentees.all())
        .values("chooser_id")
        .distinct()
        .count(),
        "mentors_ranked": matching_round.mentors_ranked.count(),
    }


def round_pins(matching_round: MatchingRound) -> dict[int, int]:
    """The round's pins: mentee → mentor."""
    return dict(
        matching_round.rules.filter(kind=RoundRule.Kind.PIN).values_list("mentee_id", "mentor_id")
    )


def run_overview(
    run: MatchingRun,
    *,
    program: Program,
    publishable: bool,
    pins: dict[int, int],
    sort: str,
    show: str,
    query: str,
) -> dict[str, Any]:
    """A run for the round page: its proposals sorted and filtered as asked (each with whether
    it is pinned and the mentor's load after the round against their capacity), the unmatched,
    the total, and what publishing started or refused. Before publishing (``publishable``), the
    proposals that would not start now, each with why; after, the load is the mentor's now, as
    the started mentorships are among their live ones."""
    everyone = current_proposals(run)
    refusals = publish_refusals(everyone, program) if publishable else {}
    # Only proposals still to start add to a mentor's load: a started one is already live.
    load = mentor_load(
        p for p in everyone if not p.mentorship_id and not p.publish_note and p.pk not in refusals
    )
    loads = mentor_loads({p.mentor_id for p in everyone if p.mentor_id is not None})
    rows = run.proposals.select_related("mentee__user", "mentor__user").order_by(*SORTS[sort])
    if show == "matched":
        rows = rows.filter(mentor__isnull=False)
    elif show == "unmatched":
        rows = rows.filter(mentor__isnull=True)
    elif show == "swapped":
        rows = rows.filter(swapped=True)
    elif show == "pinned":
        rows = rows.filter(mentee_id__in=list(pins))
    if query:
        rows = rows.filter(
            Q(mentee__user__full_name__icontains=query)
            | Q(mentor__user__full_name__icontains=query)
        )
    table = []
    for proposal in rows:
        live, seats = loads.get(proposal.mentor_id or 0, (0, 0))
        table.append(
            {
                "proposal": proposal,
                "pinned": pins.get(proposal.mentee_id) == proposal.mentor_id,
                # Why they are paired, or why the mentee is not.
                "why": "; ".join(proposal.reasons) or "—"
                if proposal.mentor_id
                else proposal.unmatched_reason,
                "load_after": live + load[proposal.mentor_id] if proposal.mentor_id else None,
                "capacity": seats,
                "will_not_start": refusals.get(proposal.pk, ""),
            }
        )
    matched = [p for p in everyone if p.mentor_id]
    return {
        "table": table,
        "unmatched": [p for p in everyone if p.mentor_id is None],
        "current_total": round(sum(p.score or 0 for p in matched), 2),
        "matched_count": len(matched),
        "will_start_count": len(matched) - len(refusals),
        "will_not_start": [(p, refusals[p.pk]) for p in matched if p.pk in refusals],
        "published": [p for p in everyone if p.mentorship_id],
        "refused": [p for p in everyone if p.publish_note],
    }


def proposal_of_run(run: MatchingRun | None, proposal_id: int) -> Proposal | None:
    """A proposal of this run with both people; None if it is not there (or there is no run)."""
    return (
        Proposal.objects.select_related("mentee__user", "mentor__user")
        .filter(run=run, pk=proposal_id)
        .first()
        if run
        else None
    )


def round_blocks(matching_round: MatchingRound) -> frozenset[tuple[int, int]]:
    """The (mentee, mentor) pairs an admin blocked in this round."""
    return frozenset(
        matching_round.rules.filter(kind=RoundRule.Kind.BLOCK).values_list("mentee_id", "mentor_id")
    )

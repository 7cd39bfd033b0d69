"""Writes for matching rounds: create, set up, run (score, then solve), adjust by hand (swap,
pin, block), take preferences in a stable round, publish, discard. Each checks the person runs
the program and is written to the audit log. Publishing starts each mentorship through
``mentorship_start``, which locks the mentor's profile and re-checks capacity, so a mentor who
filled up since the run is reported, never overfilled."""

from __future__ import annotations

import time as clock
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy, ngettext

from accounts.models import User
from matching.models import (
    MatchingRound,
    MatchingRun,
    Mentorship,
    Proposal,
    RoundPreference,
    RoundRule,
)
from matching.rounds.scoring import (
    RoundFacts,
    clean_min_score,
    clean_weights,
    found_a_mentor_since_the_run,
    pair_refusal,
    pair_score,
    round_score_matrix,
    round_total,
)
from matching.rounds.selectors import chosen_by, current_proposals, latest_run, unmatched_mentees
from matching.rounds.solve import (
    Grid,
    Outcome,
    Preferences,
    mentor_capacities,
    pinned_cells,
    solve_optimal,
    solve_stable,
)
from matching.services.requests import record_change
from matching.services.start import mentorship_start
from mentorship.errors import DomainError
from notifications.models import Notification
from notifications.services import notify, notify_many
from programs.access import is_program_admin
from programs.events import emit
from programs.models import Participant, Program, Role
from programs.services import audit_record

MAX_CHOICES = 5  # a mentee's choices in a stable round
Status = MatchingRound.Status


@dataclass
class PublishReport:
    created: list[Mentorship] = field(default_factory=list)
    refused: list[tuple[Proposal, str]] = field(default_factory=list)


def _audit(matching_round: MatchingRound, actor: User, action: str, **detail: Any) -> None:
    audit_record(
        program=matching_round.program,
        actor=actor,
        action=action,
        subject=matching_round.name[:200],
        **detail,
    )


def _lock(matching_round: MatchingRound, actor: User) -> MatchingRound:
    locked = (
        MatchingRound.objects.select_for_update()
        .select_related("program")
        .get(pk=matching_round.pk)
    )
    if not is_program_admin(actor, locked.program):
        raise DomainError(gettext("Only this program's admins can change its matching rounds."))
    return locked


def _require_open(matching_round: MatchingRound) -> None:
    if not matching_round.is_open:
        raise DomainError(
            gettext("This round is %(status)s; start a new round to match again.")
            % {"status": matching_round.get_status_display().lower()}
        )


@transaction.atomic
def round_create(
    *,
    program: Program,
    actor: User,
    name: str,
    mentee_ids: Iterable[int] | None = None,
    weights: Mapping[str, object] | None = None,
    min_score: float = 1.0,
    objective: str = MatchingRound.Objective.TOTAL,
    method: str = MatchingRound.Method.OPTIMAL,
) -> MatchingRound:
    """A draft round for the program's unmatched mentees, or the chosen ones among them.
    A stable round asks its mentees and the program's mentors for their preferences."""
    if not is_program_admin(actor, program):
        raise DomainError(gettext("Only this program's admins can start a matching round."))
    if not Program.MatchingMode(program.matching_mode).admins_match:
        raise DomainError(
            gettext(
                "In %(program)s mentees choose their mentors; switch the program's matching "
                "setting to admin rounds (or both) to run a round."
            )
            % {"program": program.name},
            field="name",
        )
    name = name.strip()
    if not name:
        raise DomainError(gettext("Give the round a name."), field="name")
    candidates = unmatched_mentees(program)
    if mentee_ids is not None:
        wanted = set(mentee_ids)
        chosen = list(candidates.filter(pk__in=wanted))
        if len(chosen) != len(wanted):
            raise DomainError(
                gettext("Choose among the program's active mentees who have no mentor yet."),
                field="mentees",
            )
    else:
        chosen = list(candidates)
    if not chosen:
        raise DomainError(gettext("Every active mentee already has a mentor."), field="mentees")
    if objective not in MatchingRound.Objective.values:
        raise DomainError(gettext("Choose what to maximise."), field="objective")
    if method not in MatchingRound.Method.values:
        raise DomainError(gettext("Choose how to match."), field="method")
    matching_round = MatchingRound.objects.create(
        program=program,
        name=name[:120],
        created_by=actor,
        weights=clean_weights(weights or {}),
        min_score=clean_min_score(min_score),
        objective=objective,
        method=method,
    )
    matching_round.mentees.set(chosen)
    _audit(matching_round, actor, "matching_round_created", mentees=len(chosen))
    if method == MatchingRound.Method.STABLE:
        _ask_for_preferences(matching_round, chosen)
    return matching_round


def _ask_for_preferences(matching_round: MatchingRound, mentees: list[Participant]) -> None:
    link = reverse(
        "matching:round_preferences",
        kwargs={"slug": matching_round.program.slug, "pk": matching_round.pk},
    )
    mentors = Participant.objects.filter(
        program=matching_round.program, role=Role.MENTOR, status=Participant.Status.ACTIVE
    ).select_related("user")
    notify_many(
        recipients=[p.user for p in mentees],
        kind=Notification.Kind.MENTORSHIP,
        title=format_lazy(
            gettext_lazy("{program}: choose up to {count} mentors"),
            program=matching_round.program.name,
            count=MAX_CHOICES,
        ),
        body=gettext_lazy(
            "Rank the mentors you would most like to work with; the round matches everyone at once."
        ),
        link=link,
    )
    notify_many(
        recipients=[p.user for p in mentors],
        kind=Notification.Kind.MENTORSHIP,
        title=format_lazy(
            gettext_lazy("{program}: rank the mentees who chose you"),
            program=matching_round.program.name,
        ),
        body=gettext_lazy(
            "Once mentees have chosen, put those who asked for you in your order of preference."
        ),
        link=link,
    )


def _replace_preferences(
    matching_round: MatchingRound, chooser: Participant, ranked: list[int]
) -> None:
    RoundPreference.objects.filter(round=matching_round, chooser=chooser).delete()
    RoundPreference.objects.bulk_create(
        RoundPreference(round=matching_round, chooser=chooser, chosen_id=pk, rank=rank)
        for rank, pk in enumerate(ranked, start=1)
    )


def _lock_for_preferences(matching_round: MatchingRound) -> MatchingRound:
    locked = (
        MatchingRound.objects.select_for_update()
        .select_related("program")
        .get(pk=matching_round.pk)
    )
    if locked.method != MatchingRound.Method.STABLE or locked.status != Status.DRAFT:
        raise DomainError(
            gettext("This round no longer takes preferences: it has been run or closed.")
        )
    return locked


@transaction.atomic
def mentee_preferences_save(
    *, matching_round: MatchingRound, mentee: Participant, mentor_ids: list[int]
) -> None:
    """A mentee's choices, first first: 1 to MAX_CHOICES different active mentors."""
    matching_round = _lock_for_preferences(matching_round)
    if not matching_round.mentees.filter(pk=mentee.pk).exists():
        raise DomainError(gettext("Only the mentees in this round choose mentors in it."))
    if not mentor_ids:
        raise DomainError(gettext("Choose at least one mentor."), field="choice_1")
    if len(mentor_ids) > MAX_CHOICES:
        raise DomainError(
            gettext("Choose at most %(count)s mentors.") % {"count": MAX_CHOICES},
            field="choice_1",
        )
    if len(set(mentor_ids)) != len(mentor_ids):
        raise DomainError(gettext("Each mentor can be chosen once."), field="choice_1")
    mentors = Participant.objects.filter(
        pk__in=mentor_ids,
        program=matching_round.program,
        role=Role.MENTOR,
        status=Participant.Status.ACTIVE,
    ).exclude(user_id=mentee.user_id)
    if mentors.count() != len(mentor_ids):
        raise DomainError(gettext("Choose among the program's active mentors."), field="choice_1")
    _replace_preferences(matching_round, mentee, mentor_ids)


@transaction.atomic
def mentor_preferences_save(
    *, matching_round: MatchingRound, mentor: Participant, mentee_ids: list[int]
) -> None:
    """A mentor's order of the mentees who chose them; the ones left out are not a fit."""
    matching_round = _lock_for_preferences(matching_round)
    if mentor.role != Role.MENTOR or mentor.program_id != matching_round.program_id:
        raise DomainError(gettext("Only the program's mentors rank mentees in this round."))
    if len(set(mentee_ids)) != len(mentee_ids):
        raise DomainError(gettext("Give each mentee a different place."), field="ranking")
    allowed = set(chosen_by(matching_round, mentor).values_list("pk", flat=True))
    if not set(mentee_ids) <= allowed:
        raise DomainError(gettext("Rank only the mentees who chose you."), field="ranking")
    _replace_preferences(matching_round, mentor, mentee_ids)
    matching_round.mentors_ranked.add(mentor)


@transaction.atomic
def round_settings_save(
    *,
    matching_round: MatchingRound,
    actor: User,
    weights: Mapping[str, object],
    min_score: object,
    objective: str,
) -> MatchingRound:
    """The parameters of the next run."""
    matching_round = _lock(matching_round, actor)
    _require_open(matching_round)
    if objective not in MatchingRound.Objective.values:
        raise DomainError(gettext("Choose what to maximise."), field="objective")
    matching_round.weights = clean_weights(weights)
    matching_round.min_score = clean_min_score(min_score)
    matching_round.objective = objective
    matching_round.save(update_fields=["weights", "min_score", "objective", "updated_at"])
    return matching_round


def _rules(matching_round: MatchingRound) -> tuple[dict[int, int], frozenset[tuple[int, int]]]:
    pins: dict[int, int] = {}
    blocked: set[tuple[int, int]] = set()
    for kind, mentee_id, mentor_id in matching_round.rules.values_list(
        "kind", "mentee_id", "mentor_id"
    ):
        if kind == RoundRule.Kind.PIN:
            pins[mentee_id] = mentor_id
        else:
            blocked.add((mentee_id, mentor_id))
    return pins, frozenset(blocked)


@transaction.atomic
def round_run(*, matching_round: MatchingRound, actor: User, facts: RoundFacts) -> MatchingRun:
    """Solve the round with its parameters, pins and blocks; keep the run and its proposals."""
    matching_round = _lock(matching_round, actor)
    _require_open(matching_round)
    if not facts.mentees:
        raise DomainError(gettext("None of this round's mentees is still waiting for a mentor."))
    weights = clean_weights(matching_round.weights)
    pins, blocked = _rules(matching_round)
    started = clock.perf_counter()
    # Blocks go to the engine as such, so an unmatched mentee's reason can name them.
    grid = Grid(*round_score_matrix(facts, weights=weights))
    blocked_cells = grid.cells(blocked)
    pinned = pinned_cells(facts, grid, pins, blocked, blocked_cells)
    capacities = mentor_capacities(facts, grid, pinned)
    if matching_round.method == MatchingRound.Method.STABLE:
        outcome = solve_stable(
            grid, capacities, blocked_cells, pinned, _preferences_given(matching_round)
        )
    else:
        outcome = solve_optimal(
            grid,
            capacities,
            blocked_cells,
            pinned,
            min_score=matching_round.min_score,
            objective=matching_round.objective,
        )
    seconds = clock.perf_counter() - started
    run = _run_record(matching_round, actor, weights, grid, outcome, seconds)
    _proposals_record(run, facts, weights, grid, outcome)
    matching_round.status = Status.PROPOSED
    matching_round.save(update_fields=["status", "updated_at"])
    return run


def _preferences_given(matching_round: MatchingRound) -> Preferences:
    ranked = matching_round.preferences.order_by("chooser_id", "rank").values_list(
        "chooser_id", "chosen_id"
    )
    return Preferences(
        ranked=list(ranked),
        mentors_answered=list(matching_round.mentors_ranked.values_list("pk", flat=True)),
    )


def _run_record(
    matching_round: MatchingRound,
    actor: User,
    weights: dict[str, float],
    grid: Grid,
    outcome: Outcome,
    seconds: float,
) -> MatchingRun:
    number = (
        matching_round.runs.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    return MatchingRun.objects.create(
        round=matching_round,
        number=number,
        created_by=actor,
        weights=weights,
        min_score=matching_round.min_score,
        objective=matching_round.objective,
        total_score=round_total(float(sum(grid.matrix[i, j] for i, j in outcome.pairs))),
        matched=len(outcome.pairs),
        unmatched=len(grid.mentee_ids) - len(outcome.pairs),
        top_choice=outcome.top_choice,
        seconds=round_total(seconds),
    )


def _proposals_record(
    run: MatchingRun, facts: RoundFacts, weights: dict[str, float], grid: Grid, outcome: Outcome
) -> None:
    proposals = []
    for i, j in outcome.pairs:
        mentee_id, mentor_id = grid.mentee_ids[i], grid.mentor_ids[j]
        score = pair_score(facts, mentee_id, mentor_id, weights)
        proposals.append(
            Proposal(
                run=run,
                mentee_id=mentee_id,
                mentor_id=mentor_id,
                score=score.total,
                reasons=list(score.reasons),
            )
        )
    for i, words in outcome.unmatched:
        proposals.append(
            Proposal(run=run, mentee_id=grid.mentee_ids[i], unmatched_reason=words[:200])
        )
    Proposal.objects.bulk_create(proposals)


def _proposal_of_latest(matching_round: MatchingRound, proposal_id: int) -> Proposal:
    run = latest_run(matching_round)
    proposal = (
        run.proposals.select_related("mentee__user", "mentor__user")
        .select_for_update(of=("self",))
        .filter(pk=proposal_id)
        .first()
        if run
        else None
    )
    if proposal is None:
        raise DomainError(
            gettext("That proposal is not in this round's latest run; reload the page.")
        )
    return proposal


@transaction.atomic
def proposal_swap(
    *,
    matching_round: MatchingRound,
    proposal_id: int,
    mentor_id: int,
    actor: User,
    facts: RoundFacts,
) -> Proposal:
    """Move a mentee to another mentor by hand; the pair is pinned so a re-run keeps it."""
    matching_round = _lock(matching_round, actor)
    _require_open(matching_round)
    proposal = _proposal_of_latest(matching_round, proposal_id)
    if mentor_id not in facts.mentors:
        raise DomainError(gettext("Choose one of the program's active mentors."), field="mentor")
    if proposal.mentee_id not in facts.mentees:
        raise DomainError(gettext("This mentee is no longer waiting for a mentor."), field="mentor")
    _pins, blocked = _rules(matching_round)
    refusal = pair_refusal(facts, proposal.mentee_id, mentor_id, blocked)
    if refusal:
        raise DomainError(
            gettext("%(name)s cannot be matched here: %(reason)s.")
            % {"name": facts.names[mentor_id], "reason": refusal},
            field="mentor",
        )
    others = Proposal.objects.filter(run_id=proposal.run_id, mentor_id=mentor_id).exclude(
        pk=proposal.pk
    )
    room = max(0, facts.mentors[mentor_id].room)
    if others.count() >= room:
        raise DomainError(
            gettext(
                "%(name)s has no room left in this round (%(room)s in all): move one of their "
                "mentees elsewhere first."
            )
            % {"name": facts.names[mentor_id], "room": room},
            field="mentor",
        )
    score = pair_score(facts, proposal.mentee_id, mentor_id, clean_weights(matching_round.weights))
    before = proposal.mentor_id
    proposal.mentor_id = mentor_id
    proposal.score = score.total
    proposal.reasons = list(score.reasons)
    proposal.unmatched_reason = ""
    proposal.swapped = True
    proposal.save(update_fields=["mentor", "score", "reasons", "unmatched_reason", "swapped"])
    RoundRule.objects.filter(
        round=matching_round, mentee_id=proposal.mentee_id, kind=RoundRule.Kind.PIN
    ).delete()
    RoundRule.objects.create(
        round=matching_round,
        kind=RoundRule.Kind.PIN,
        mentee_id=proposal.mentee_id,
        mentor_id=mentor_id,
        created_by=actor,
    )
    _audit(
        matching_round,
        actor,
        "matching_swap",
        mentee=proposal.mentee_id,
        before=before,
        after=mentor_id,
    )
    return proposal


@transaction.atomic
def proposal_pin(
    *, matching_round: MatchingRound, proposal_id: int, actor: User, pin: bool = True
) -> None:
    """Pin a proposed pair so re-runs keep it, or unpin it."""
    matching_round = _lock(matching_round, actor)
    _require_open(matching_round)
    proposal = _proposal_of_latest(matching_round, proposal_id)
    RoundRule.objects.filter(
        round=matching_round, mentee_id=proposal.mentee_id, kind=RoundRule.Kind.PIN
    ).delete()
    if not pin:
        return
    if proposal.mentor_id is None:
        raise DomainError(gettext("Only a matched pair can be pinned."))
    RoundRule.objects.create(
        round=matching_round,
        kind=RoundRule.Kind.PIN,
        mentee_id=proposal.mentee_id,
        mentor_id=proposal.mentor_id,
        created_by=actor,
    )


@transaction.atomic
def proposal_block(*, matching_round: MatchingRound, proposal_id: int, actor: User) -> None:
    """Never pair these two in this round (a conflict of interest, say); the mentee is
    unmatched until the next run finds someone else."""
    matching_round = _lock(matching_round, actor)
    _require_open(matching_round)
    proposal = _proposal_of_latest(matching_round, proposal_id)
    if proposal.mentor_id is None:
        raise DomainError(gettext("Only a matched pair can be blocked."))
    RoundRule.objects.filter(
        round=matching_round, mentee_id=proposal.mentee_id, mentor_id=proposal.mentor_id
    ).delete()
    RoundRule.objects.create(
        round=matching_round,
        kind=RoundRule.Kind.BLOCK,
        mentee_id=proposal.mentee_id,
        mentor_id=proposal.mentor_id,
        created_by=actor,
    )
    proposal.mentor_id = None
    proposal.score = None
    proposal.reasons = []
    proposal.unmatched_reason = gettext("Blocked by an admin: run again to find another mentor.")
    proposal.save(update_fields=["mentor", "score", "reasons", "unmatched_reason"])


@transaction.atomic
def round_publish(*, matching_round: MatchingRound, actor: User) -> PublishReport:
    """Start every proposed mentorship in one transaction and tell both people why they were
    matched. A pair whose mentor filled up (or who left) since the run is reported, not forced."""
    matching_round = _lock(matching_round, actor)
    if matching_round.status != Status.PROPOSED:
        raise DomainError(
            gettext("Run the round before publishing it.")
            if matching_round.status == Status.DRAFT
            else gettext("This round is %(status)s.")
            % {"status": matching_round.get_status_display().lower()}
        )
    program = matching_round.program
    if program.ends_on is not None and program.ends_on <= timezone.localdate():
        raise DomainError(
            gettext(
                "%(program)s has ended (or ends today), so no new mentorships start from this "
                "round; discard it."
            )
            % {"program": program.name}
        )
    run = latest_run(matching_round)
    assert run is not None
    report = PublishReport()
    for proposal in current_proposals(run):
        if proposal.mentor is None:
            continue
        try:
            with transaction.atomic():  # a savepoint: one refusal leaves the others standing
                if Mentorship.objects.filter(
                    mentee=proposal.mentee, status__in=Mentorship.LIVE_STATUSES
                ).exists():
                    raise DomainError(
                        found_a_mentor_since_the_run(proposal.mentee.user.get_full_name())
                    )
                mentorship = mentorship_start(mentor=proposal.mentor, mentee=proposal.mentee)
        except DomainError as exc:
            proposal.publish_note = str(exc)[:200]
            proposal.save(update_fields=["publish_note"])
            report.refused.append((proposal, str(exc)))
            continue
        record_change(
            mentorship=mentorship,
            actor=actor,
            from_status="",
            to_status=mentorship.status,
            note=(gettext("Matching round: %(name)s") % {"name": matching_round.name})[:200],
        )
        proposal.mentorship = mentorship
        proposal.save(update_fields=["mentorship"])
        report.created.append(mentorship)
        _tell_matched(proposal, mentorship)
    if report.refused and not report.created:
        # Nothing would start: publishing would close the round for nothing. The savepoint's
        # notes are undone with it; the round page says why each proposal no longer fits.
        count = len(report.refused)
        if count == 1:
            raise DomainError(
                gettext(
                    "Not published: the proposed mentorship cannot start any more (the round "
                    "shows why). Run the round again to propose mentors who have room, or "
                    "discard it."
                )
            )
        raise DomainError(
            ngettext(
                "Not published: none of the %(count)s proposed mentorship can start any more "
                "(the round shows why for each). Run the round again to propose mentors who "
                "have room, or discard it.",
                "Not published: none of the %(count)s proposed mentorships can start any more "
                "(the round shows why for each). Run the round again to propose mentors who "
                "have room, or discard it.",
                count,
            )
            % {"count": count}
        )
    matching_round.status = Status.PUBLISHED
    matching_round.published_at = timezone.now()
    matching_round.closed_by = actor
    matching_round.save(update_fields=["status", "published_at", "closed_by", "updated_at"])
    emit(
        matching_round.program,
        "round.published",
        round=matching_round.pk,
        started=len(report.created),
        refused=len(report.refused),
    )
    _audit(
        matching_round,
        actor,
        "matching_round_published",
        created=len(report.created),
        refused=len(report.refused),
    )
    return report


def _tell_matched(proposal: Proposal, mentorship: Mentorship) -> None:
    assert proposal.mentor is not None
    link = reverse("matching:mentorship", kwargs={"pk": mentorship.pk})
    # The run's reasons are in the words of the admin who ran it; the fallback in the reader's.
    why = "; ".join(proposal.reasons) or gettext_lazy("the program admins matched you")
    mentor, mentee = proposal.mentor.user, proposal.mentee.user
    notify(
        recipient=mentee,
        kind=Notification.Kind.MENTORSHIP,
        title=format_lazy(gettext_lazy("You are matched with {name}"), name=mentor.get_full_name()),
        body=format_lazy(
            gettext_lazy("Why: {why}. Start by agreeing how you will work together."), why=why
        ),
        link=link,
    )
    notify(
        recipient=mentor,
        kind=Notification.Kind.MENTORSHIP,
        title=format_lazy(
            gettext_lazy("You are matched with {name} as their mentor"),
            name=mentee.get_full_name(),
        ),
        body=format_lazy(
            gettext_lazy("Why: {why}. Their shared goals are on the mentorship page."), why=why
        ),
        link=link,
    )


@transaction.atomic
def round_discard(*, matching_round: MatchingRound, actor: User) -> MatchingRound:
    """Drop a round that is not published; nothing it proposed happens."""
    matching_round = _lock(matching_round, actor)
    _require_open(matching_round)
    matching_round.status = Status.DISCARDED
    matching_round.closed_by = actor
    matching_round.save(update_fields=["status", "closed_by", "updated_at"])
    _audit(matching_round, actor, "matching_round_discarded")
    return matching_round

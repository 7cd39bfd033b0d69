"""What the demo program's admin has done this week: a matching round run and waiting to be
published, and a nudge to the quietest stalled pair."""

from __future__ import annotations

from accounts.models import User
from matching.models import MatchingRound
from matching.rounds.selectors import round_facts, unmatched_mentees
from matching.rounds.services import round_create, round_run
from programs.models import Program
from reports.dashboard import STALLED, health_table, nudge_pair


def matching_round_seed(*, program: Program, admin: User) -> None:
    """A round over the mentees still without a mentor, run once and waiting to publish."""
    if MatchingRound.objects.filter(program=program).exists():
        return
    waiting = list(unmatched_mentees(program).values_list("pk", flat=True))
    if not waiting:
        return
    matching_round = round_create(
        program=program, actor=admin, name="Autumn round", mentee_ids=waiting
    )
    round_run(
        matching_round=matching_round,
        actor=admin,
        facts=round_facts(program=program, mentee_ids=waiting),
    )


def nudge_seed(*, program: Program) -> None:
    """The admin has nudged the quietest stalled pair this week."""
    quietest = next(iter(health_table(program=program, health=STALLED)), None)
    if quietest is not None:
        nudge_pair(program=program, mentorship=quietest)

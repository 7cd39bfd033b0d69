"""What program admins may see of check-in answers: one rule for the dashboard, the check-in
figures, the summary and every export.

1. What people answered (satisfaction, energy, whether the norms fit, and comments written for
   program admins) reaches admins only as a group's figures and a group's comments: never
   tied to a person, a pair, a role, or a time finer than the period the check-in belongs to.
2. A group is withheld whole, with a line saying why, when fewer than ``PRIVACY_THRESHOLD``
   people answered in it: with a handful of answers, an average or a phrase gives its author
   away. People, not answers, are counted: a mentor of three mentees answers three times a
   period, and is still one person to recognise.
3. A group's comments come in the order of their text, so their order tells nothing of who
   wrote them or when.

How many answered (counts, not what was said) is shown always. One signal is tied to a pair on
purpose: the dashboard's health table marks a pair "low check-in" (at risk) so that an admin
can help; it shows neither who answered nor the score.

Pure rules and two queries, here in meetings (which owns CheckIn) so that its own check-in
figures page and the reports app above it share them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, Q, QuerySet
from django.utils.translation import gettext as _

from meetings.models import CheckIn


def privacy_threshold() -> int:
    """The fewest people who must have answered before a group's answers are shown (read at
    call time: tests and operators change it without reloading modules)."""
    return int(settings.PRIVACY_THRESHOLD)


def withheld_because(people: int) -> str | None:
    """The line saying why a group of ``people`` who answered is withheld, or None when it may
    be shown (a group where nobody answered has nothing to withhold)."""
    threshold = privacy_threshold()
    if people == 0 or people >= threshold:
        return None
    return _(
        "Withheld: fewer than %(threshold)s people answered in this group, "
        "so no one can be recognised."
    ) % {"threshold": threshold}


@dataclass(frozen=True)
class GroupAnswers:
    """A group's answered check-ins: how many, from how many people, and what was said on
    average (None when withheld or when nobody answered)."""

    group: str  # the period, or "" for every period together
    asked: int  # every check-in of the group, answered or not
    answered: int
    skipped: int
    people: int
    satisfaction: float | None
    energy: float | None
    revisit: int | None  # answers asking to revisit the agreed norms
    withheld: str | None  # the line saying why, when the group is too small


_ANSWERED = Q(status=CheckIn.Status.ANSWERED)
_FIGURES = {
    "asked": Count("pk"),
    "answered": Count("pk", filter=_ANSWERED),
    "skipped": Count("pk", filter=Q(status=CheckIn.Status.SKIPPED)),
    "people": Count("person", filter=_ANSWERED, distinct=True),
    "satisfaction": Avg("satisfaction", filter=_ANSWERED),
    "energy": Avg("energy", filter=_ANSWERED),
    "revisit": Count("pk", filter=_ANSWERED & Q(norms_fit=CheckIn.NormsFit.REVISIT)),
}


def _group(group: str, row: Mapping[str, Any]) -> GroupAnswers:
    people = row["people"] or 0
    withheld = withheld_because(people)
    said = withheld is None and people > 0

    def shown(value: Any) -> float | None:
        return round(float(value), 2) if said and value is not None else None

    return GroupAnswers(
        group=group,
        asked=row["asked"] or 0,
        answered=row["answered"] or 0,
        skipped=row["skipped"] or 0,
        people=people,
        satisfaction=shown(row["satisfaction"]),
        energy=shown(row["energy"]),
        revisit=(row["revisit"] or 0) if said else None,
        withheld=withheld,
    )


def answers_by_period(*, checkins: QuerySet[CheckIn]) -> list[GroupAnswers]:
    """Each period of ``checkins``, oldest first, as one group each (one query)."""
    rows = checkins.order_by().values("period_key").annotate(**_FIGURES).order_by("period_key")
    return [_group(row["period_key"], row) for row in rows]


def answers_overall(*, checkins: QuerySet[CheckIn]) -> GroupAnswers:
    """Every period of ``checkins`` together, as one group (one query)."""
    return _group("", checkins.order_by().aggregate(**_FIGURES))


def comments_for_admins(
    *, checkins: QuerySet[CheckIn], periods: list[str] | None = None, latest_first: bool = False
) -> QuerySet[CheckIn, tuple[str, str]]:
    """(period, comment) of the comments written for program admins, of the periods (all, or
    ``periods``) in which enough people answered, by period (oldest first unless
    ``latest_first``) and then by text (one query).

    Never the person, the pair or the time, in an order that says nothing of them; and the
    comments of a withheld period are left in the database, not dropped afterwards.
    """
    answered = checkins.filter(_ANSWERED)
    shown_periods = (
        answered.order_by()
        .values("period_key")
        .annotate(people=Count("person", distinct=True))
        .filter(people__gte=privacy_threshold())
        .values("period_key")
    )
    comments = answered.filter(
        period_key__in=shown_periods, comment_visibility=CheckIn.Visibility.ADMINS
    ).exclude(comment="")
    if periods is not None:
        comments = comments.filter(period_key__in=periods)
    by_period = "-period_key" if latest_first else "period_key"
    return comments.order_by(by_period, "comment").values_list("period_key", "comment")

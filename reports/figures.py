"""The dashboard's program-wide figures, materialised: worked out by a task ahead of the admins
who read them, so the page reads one row instead of working out a program of tens of thousands.

A page shows the kept figures when they are at most ``DASHBOARD_FIGURES_SECONDS`` old (and says
as of when); otherwise (the first reader, or after a quiet spell) it works them out and keeps
them. Every ``REFRESH_EVERY`` seconds beat's ``reports.refresh_figures`` works out again the
figures read in the last ``READ_LATELY`` that are older than ``REFRESH_EVERY``, so an admin who
comes back finds them fresh; figures no one has read for ``FORGET_AFTER`` are deleted.

Kept per time zone (the weekly charts are cut into weeks there), language (the figures carry
their labels in words) and privacy threshold (a group below it is withheld), which is what a
row's ``variant`` names.
"""

from __future__ import annotations

import pickle  # noqa: S403 (our own rows, written only by this module)
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone, translation

from meetings.checkin_privacy import privacy_threshold
from programs.models import Program
from reports.dashboard import Figures, program_figures
from reports.models import KeptFigures

FORMAT = 5  # a release that changes Figures changes it, so no reader meets an older shape
REFRESH_EVERY = 30  # seconds: beat's schedule (mentorship/schedules.py) and the refresh's age
READ_LATELY = timedelta(minutes=30)
FORGET_AFTER = timedelta(days=1)
READ_STAMP_EVERY = timedelta(minutes=5)  # a page marks its read at most this often


def _variant(zone: str, language: str, threshold: int) -> str:
    return f"{FORMAT}:{zone}:{language}:{threshold}"


def figures_of(program: Program) -> Figures:
    """The program's figures in the current time zone and language: the kept ones when they are
    recent enough (one query), else worked out now and kept."""
    seconds = settings.DASHBOARD_FIGURES_SECONDS
    if seconds <= 0:
        return program_figures(program=program)
    zone, language, threshold = (
        timezone.get_current_timezone_name(),
        translation.get_language() or settings.LANGUAGE_CODE,
        privacy_threshold(),
    )
    variant = _variant(zone, language, threshold)
    now = timezone.now()
    row = (
        KeptFigures.objects.filter(program=program, variant=variant)
        .values_list("pk", "figures", "computed_at", "read_at")
        .first()
    )
    if row is not None:
        pk, blob, computed_at, read_at = row
        if now - computed_at <= timedelta(seconds=seconds):
            if now - read_at > READ_STAMP_EVERY:
                KeptFigures.objects.filter(pk=pk).update(read_at=now)
            return figures_loads(blob)
    figures = program_figures(program=program, now=now)
    _keep(program.pk, zone, language, threshold, figures, read_at=now)
    return figures


def figures_refresh() -> int:
    """Work out again the figures read lately that are older than ``REFRESH_EVERY``; forget
    those no one has read for ``FORGET_AFTER``. How many were worked out."""
    at = timezone.now()
    KeptFigures.objects.filter(read_at__lt=at - FORGET_AFTER).delete()
    due = KeptFigures.objects.filter(
        read_at__gte=at - READ_LATELY,
        computed_at__lt=at - timedelta(seconds=REFRESH_EVERY),
        threshold=privacy_threshold(),  # figures under an older threshold are not shown again
    ).values_list("program_id", "time_zone", "language", "read_at")
    rows = list(due)
    programs = Program.objects.in_bulk({program_id for program_id, *_ in rows})
    done = 0
    for program_id, zone, language, read_at in rows:
        program = programs.get(program_id)
        if program is None:
            continue
        with timezone.override(zone), translation.override(language):
            figures = program_figures(program=program)
        _keep(program_id, zone, language, privacy_threshold(), figures, read_at=read_at)
        done += 1
    return done


def _keep(
    program_id: int,
    zone: str,
    language: str,
    threshold: int,
    figures: Figures,
    *,
    read_at: datetime,
) -> None:
    """Keep ``figures``, replacing what was kept (several servers may do it at once: the last
    write wins, and each is a whole set of figures)."""
    KeptFigures.objects.bulk_create(
        [
            KeptFigures(
                program_id=program_id,
                variant=_variant(zone, language, threshold),
                time_zone=zone,
                language=language,
                threshold=threshold,
                figures=pickle.dumps(figures, protocol=pickle.HIGHEST_PROTOCOL),
                computed_at=figures.computed_at,
                read_at=read_at,
            )
        ],
        update_conflicts=True,
        unique_fields=["program", "variant"],
        update_fields=["figures", "computed_at", "read_at"],
    )


def figures_loads(blob: bytes | memoryview) -> Figures:
    figures: Figures = pickle.loads(bytes(blob))  # noqa: S301  # nosec B301 (our own rows)
    return figures

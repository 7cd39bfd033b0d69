"""Server errors the fuzz tests found and the application has not fixed yet.

Each entry is pinned by an explicit regression test marked ``xfail(strict=True)`` in
``test_regressions.py``. The property tests let a submission that crashes in exactly one of
these ways pass (hypothesis counts it as an event), so that the suite stays green while the
bug waits for its fix; any other crash still fails. When a fix lands, the regression test
passes, strict xfail reports that as a failure, and whoever fixed it removes the mark and the
entry here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KnownBug:
    name: str
    # "<Exception> at <file>[ in <function>]": where our code was when it broke (a prefix).
    sites: tuple[str, ...]
    message: str = ""  # a fragment of the traceback, when the site is not enough


SQLITE_OVERFLOW = "too large to convert to SQLite INTEGER"

KNOWN_BUGS = [
    # A meeting time in the first or last day of the calendar (year 1, year 9999): the slot
    # checks step a day (or an offset) past what datetime holds.
    KnownBug("meeting-time-at-the-calendar-edge", ("OverflowError at meetings/slots.py",)),
    # PostgreSQL only (SQLite stores it): Django's EmailField takes up to 320 characters, the
    # invitation's column 254.
    KnownBug(
        "invitation-email-longer-than-254",
        ("DataError at programs/services.py in invitation_create",),
        "value too long",
    ),
    # SQLite only: Django's ModelMultipleChoiceField looks the ids up with __in, and SQLite
    # cannot bind an integer above 2**63 - 1 (PostgreSQL compares it and finds nothing).
    KnownBug(
        "sqlite-huge-id-in-a-multiple-choice",
        (
            "OverflowError at goals/views.py in goal_create",
            "OverflowError at goals/views.py in goal_edit",
            "OverflowError at meetings/views/profiles.py in <genexpr>",
            "OverflowError at matching/views/requests.py in request_new",
            "OverflowError at meetings/views/rounds.py in round_list",
        ),
        SQLITE_OVERFLOW,
    ),
    # SQLite only: the person page filters on user_id (a foreign key: Django's guard against
    # out-of-range integers covers only integer fields' own lookups).
    KnownBug(
        "sqlite-huge-person-id",
        ("OverflowError at meetings/selectors.py in person_in_program",),
        SQLITE_OVERFLOW,
    ),
    # SQLite only, and in Django's own code (no frame of ours): the admin's changelist action
    # looks the selected ids up with __in.
    KnownBug("sqlite-huge-id-in-admin-action", ("OverflowError at ?",), SQLITE_OVERFLOW),
]


def known_bug(crash_site: str, error: str) -> KnownBug | None:
    """The known bug this crash is, if any."""
    for bug in KNOWN_BUGS:
        if any(crash_site.startswith(site) for site in bug.sites) and bug.message in error:
            return bug
    return None

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


KNOWN_BUGS: list[KnownBug] = []


def known_bug(crash_site: str, error: str) -> KnownBug | None:
    """The known bug this crash is, if any."""
    for bug in KNOWN_BUGS:
        if any(crash_site.startswith(site) for site in bug.sites) and bug.message in error:
            return bug
    return None

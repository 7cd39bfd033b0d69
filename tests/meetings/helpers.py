"""Values the meetings tests share."""

from __future__ import annotations

from datetime import UTC, datetime

# Sunday 1 March 2026, noon UTC: where `clock` (conftest.py) stands. Mondays 09:00–11:00 New York
# are 14:00–16:00 UTC on 2 March (EST) and 13:00–15:00 UTC from 9 March (EDT).
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)

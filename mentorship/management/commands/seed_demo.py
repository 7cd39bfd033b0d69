"""Seed the demo organization. Idempotent: a second run finds everything and changes nothing.

The parts live in ``mentorship/demo/``, one module per area; this command runs them in order.
"""

from __future__ import annotations

import random
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

from mentorship.cache import DIRECTORY_VERSION
from mentorship.demo.admins import matching_round_seed, nudge_seed
from mentorship.demo.conversations import conversations_seed
from mentorship.demo.goals import mentees_seed
from mentorship.demo.history import history_seed
from mentorship.demo.kinds import kinds_seed
from mentorship.demo.meetings import meetings_seed
from mentorship.demo.people import ADMIN, DEMO_PASSWORD, demo_user
from mentorship.demo.profiles import mentor_profiles_seed, topics_seed
from mentorship.demo.programs import (
    circle_seed,
    demo_program_seed,
    members_seed,
    organization_seed,
)
from mentorship.demo.reminders import reminder_history_seed, reminders_scan_once
from mentorship.demo.requests import requests_seed


class Command(BaseCommand):
    help = "Create the demo organization, programs and accounts (password: twoway-demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        # Hashing is slow on purpose; 61 accounts share one password, so hash it once.
        password_hash = make_password(DEMO_PASSWORD)
        with transaction.atomic():
            created = _seed(password_hash)
        # The seed writes some rows in bulk (no signals): no kept directory ranking survives it.
        DIRECTORY_VERSION.change()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready ({created} new accounts). Log in with mentee1@example.com, "
                f"mentor1@example.com or admin@example.com (also the organization admin of "
                f"Demo Org), password {DEMO_PASSWORD}."
            )
        )


def _seed(password_hash: str) -> int:
    """Every part in order (later parts read what earlier ones wrote); the new accounts' count."""
    admin, created = demo_user(*ADMIN, password_hash=password_hash)
    organization = organization_seed(admin=admin)
    program = demo_program_seed(organization=organization, admin=admin)
    mentors, mentees, new = members_seed(program=program, admin=admin, password_hash=password_hash)
    circle_seed(
        organization=organization, admin=admin, program=program, mentors=mentors, mentees=mentees
    )
    topics = topics_seed(program=program, admin=admin)
    # One generator for mentor profiles, then mentees: the demo's data is its sequence.
    rng = random.Random(2026)  # noqa: S311 (demo data, not security)
    mentor_profiles_seed(program=program, mentors=mentors, topics=topics, rng=rng)
    mentees_seed(program=program, mentors=mentors, mentees=mentees, topics=topics, rng=rng)
    kinds_seed(
        organization=organization, admin=admin, mentors=mentors, mentees=mentees, topics=topics
    )
    requests_seed(program=program, mentors=mentors, mentees=mentees)
    meetings_seed(program=program)
    conversations_seed(program=program)
    history_seed(program=program, mentees=mentees)
    reminder_history_seed(program=program, mentees=mentees)
    reminders_scan_once()
    matching_round_seed(program=program, admin=admin)
    nudge_seed(program=program)
    return int(created) + new

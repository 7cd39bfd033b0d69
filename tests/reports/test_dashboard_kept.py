"""The dashboard keeps its program-wide figures DASHBOARD_FIGURES_SECONDS: reloads within that
read them, a later load works them out again, the page says as of when, and mentor load and the
table's rows stay current."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from programs.models import Role
from tests.helpers import count_queries, wait_until
from tests.matching.factories import mentor_in
from tests.programs.factories import ParticipantFactory, ProgramFactory
from tests.reports.helpers import NOW, held_meeting, new_pair

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("dashboard_clock")]

KEEP = 60


def _matched(client, url: str) -> int:
    """The active pairs the page counts (healthy, at risk and stalled)."""
    return sum(client.get(url).context["counts"].values())


SHORT = 3  # seconds: a keep that really runs out in the test (Redis expires on its own clock)


@override_settings(DASHBOARD_FIGURES_SECONDS=SHORT)
def test_figures_are_kept_for_a_while_then_worked_out_again(
    client,
    program,
    admin_user,
    dashboard_clock,
):
    first = new_pair(program)
    held_meeting(first, 3)
    client.force_login(admin_user)
    url = reverse("reports:dashboard", args=[program.slug])
    computing = count_queries(client, url)
    assert _matched(client, url) == 1

    new_pair(program)  # a second match, within the keep
    reading = count_queries(client, url)
    assert reading < computing  # the figures' queries were not run again
    page = client.get(url)
    assert _matched(client, url) == 1
    as_of = timezone.localtime(NOW, admin_user.zoneinfo).strftime("%H:%M:%S")
    assert f"Figures as of {as_of}" in page.content.decode()
    assert f"at most {SHORT} seconds later" in page.content.decode()

    # Past the keep: on the frozen clock (the in-process cache's) and on the real one (Redis's).
    dashboard_clock.shift(timedelta(seconds=SHORT + 1))
    worked_out_again = lambda: count_queries(client, url) > reading  # noqa: E731
    assert wait_until(worked_out_again, timeout=SHORT + 10, every=0.2)
    assert _matched(client, url) == 2


@override_settings(DASHBOARD_FIGURES_SECONDS=KEEP)
def test_mentor_load_is_current_while_the_figures_are_kept(client, program, admin_user):
    new_pair(program)
    client.force_login(admin_user)
    url = reverse("reports:dashboard", args=[program.slug])
    before = len(client.get(url).context["load"].object_list)

    mentor_in(program, capacity=2)

    assert len(client.get(url).context["load"].object_list) == before + 1


@override_settings(DASHBOARD_FIGURES_SECONDS=KEEP)
def test_each_program_keeps_its_own_figures(client, program, admin_user):
    new_pair(program)
    client.force_login(admin_user)
    assert _matched(client, reverse("reports:dashboard", args=[program.slug])) == 1

    other = ProgramFactory(organization=program.organization)
    client.force_login(ParticipantFactory(program=other, role=Role.ADMIN).user)
    assert _matched(client, reverse("reports:dashboard", args=[other.slug])) == 0


@override_settings(
    DASHBOARD_FIGURES_SECONDS=KEEP,
    CACHES={"default": {"BACKEND": "tests.helpers.CacheDown"}},
)
def test_the_dashboard_answers_when_the_cache_is_down(client, program, admin_user):
    new_pair(program)
    client.force_login(admin_user)
    url = reverse("reports:dashboard", args=[program.slug])

    assert _matched(client, url) == 1
    new_pair(program)
    assert _matched(client, url) == 2  # nothing kept: worked out each time


def test_tests_and_benchmarks_work_the_figures_out_every_time(settings: Any):
    assert settings.DASHBOARD_FIGURES_SECONDS == 0

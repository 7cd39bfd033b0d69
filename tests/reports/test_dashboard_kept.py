"""The dashboard keeps its program-wide figures in the database (reports.figures) at most
DASHBOARD_FIGURES_SECONDS: reloads within that read them, a later load works them out again, the
page says as of when, and mentor load and the table's rows stay current. A task works out again
the figures admins read lately, in their time zone and language, and forgets the unread."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from programs.models import Role
from reports.figures import (
    FORGET_AFTER,
    READ_LATELY,
    REFRESH_EVERY,
    figures_loads,
    figures_refresh,
)
from reports.models import KeptFigures
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
def test_the_figures_are_kept_without_the_cache(client, program, admin_user):
    new_pair(program)
    client.force_login(admin_user)
    url = reverse("reports:dashboard", args=[program.slug])

    assert _matched(client, url) == 1
    new_pair(program)
    assert _matched(client, url) == 1  # kept in the database, not in the cache
    assert KeptFigures.objects.filter(program=program).count() == 1


@override_settings(DASHBOARD_FIGURES_SECONDS=KEEP)
def test_the_task_works_out_again_the_figures_read_lately(
    client, program, admin_user, dashboard_clock
):
    new_pair(program)
    client.force_login(admin_user)
    url = reverse("reports:dashboard", args=[program.slug])
    computing = count_queries(client, url)
    new_pair(program)
    dashboard_clock.shift(timedelta(seconds=REFRESH_EVERY - 1))
    assert figures_refresh() == 0  # not old enough yet
    assert _matched(client, url) == 1

    dashboard_clock.shift(timedelta(seconds=2))
    assert figures_refresh() == 1
    reading = count_queries(client, url)
    assert reading < computing  # the page read what the task worked out
    assert _matched(client, url) == 2
    kept = KeptFigures.objects.get(program=program)
    assert kept.computed_at == timezone.now()


@override_settings(DASHBOARD_FIGURES_SECONDS=KEEP)
def test_the_task_leaves_figures_no_one_read_lately_and_forgets_the_long_unread(
    client, program, admin_user, dashboard_clock
):
    client.force_login(admin_user)
    client.get(reverse("reports:dashboard", args=[program.slug]))
    kept = KeptFigures.objects.get(program=program)

    dashboard_clock.shift(READ_LATELY + timedelta(seconds=1))
    assert figures_refresh() == 0
    assert KeptFigures.objects.get(pk=kept.pk).computed_at == kept.computed_at

    dashboard_clock.shift(FORGET_AFTER)
    assert figures_refresh() == 0
    assert not KeptFigures.objects.filter(pk=kept.pk).exists()


@override_settings(DASHBOARD_FIGURES_SECONDS=KEEP)
def test_figures_are_kept_and_worked_out_again_in_the_readers_language_and_zone(
    client, program, admin_user, dashboard_clock
):
    new_pair(program)
    admin_user.language = "de"
    admin_user.time_zone = "Europe/Berlin"
    admin_user.save()
    client.force_login(admin_user)
    url = reverse("reports:dashboard", args=[program.slug])
    client.get(url)
    english = ParticipantFactory(program=program, role=Role.ADMIN, user__time_zone="UTC").user
    client.force_login(english)
    client.get(url)
    rows = {(k.language, k.time_zone) for k in KeptFigures.objects.filter(program=program)}
    assert rows == {("de", "Europe/Berlin"), ("en", "UTC")}

    dashboard_clock.shift(timedelta(seconds=REFRESH_EVERY + 1))
    assert figures_refresh() == 2
    german = KeptFigures.objects.get(program=program, language="de")
    labels = [step.label for step in figures_loads(german.figures).funnel]
    english_labels = [
        step.label for step in figures_loads(KeptFigures.objects.get(language="en").figures).funnel
    ]
    assert labels != english_labels  # worked out in German, not in the task's language


def test_tests_and_benchmarks_work_the_figures_out_every_time(settings: Any):
    assert settings.DASHBOARD_FIGURES_SECONDS == 0


def test_the_mentor_order_is_kept_until_a_write_in_the_program_changes_it(
    program, django_assert_num_queries
):
    from matching.models import MentorProfile, Mentorship
    from reports.dashboard import mentor_load_order
    from tests.matching.factories import MentorshipFactory, mentee_in

    ann, bob = (mentor_in(program, capacity=3) for _ in range(2))
    ann.user.full_name, bob.user.full_name = "Ann Early", "Bob Later"
    ann.user.save()
    bob.user.save()
    profile = {
        p.participant_id: p.pk for p in MentorProfile.objects.filter(participant__program=program)
    }
    assert mentor_load_order(program) == [profile[ann.pk], profile[bob.pk]]  # by name

    with django_assert_num_queries(0):  # kept: not put in order again
        assert mentor_load_order(program) == [profile[ann.pk], profile[bob.pk]]
    other = ProgramFactory(organization=program.organization)
    MentorshipFactory(mentor=mentor_in(other, capacity=3), mentee=mentee_in(other))
    with django_assert_num_queries(0):  # another program's write keeps it
        assert mentor_load_order(program) == [profile[ann.pk], profile[bob.pk]]

    pair = MentorshipFactory(mentor=bob, mentee=mentee_in(program))  # Bob is fuller now
    assert mentor_load_order(program) == [profile[bob.pk], profile[ann.pk]]
    pair.status = Mentorship.Status.ENDED
    pair.save()
    assert mentor_load_order(program) == [profile[ann.pk], profile[bob.pk]]
    ann.user.full_name = "Zoe Renamed"  # the same load: the name orders them
    ann.user.save()
    assert mentor_load_order(program) == [profile[bob.pk], profile[ann.pk]]

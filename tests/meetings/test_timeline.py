"""The mentorship timeline: every kind of entry, newest first, paginated, a fixed query count."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from goals.models import ProgressUpdate
from matching.models import Mentorship
from meetings.models import Meeting
from meetings.services import together
from meetings.timeline import PER_PAGE, timeline_for
from tests.goals.factories import GoalFactory, GoalShareFactory
from tests.helpers import assert_flat_queries

pytestmark = pytest.mark.django_db

NORMS: dict[str, Any] = {"frequency": "monthly", "format": "video", "channel": "Room 4"}


def make_meeting(mentorship: Mentorship, *, days: float, status: str = "held") -> Meeting:
    starts = timezone.now() + timedelta(days=days)
    return Meeting.objects.create(
        mentorship=mentorship,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=30),
        status=status,
        proposed_by=mentorship.mentee.user,
    )


def one_of_each(mentorship: Mentorship, tag: str = "") -> None:
    """Every kind of timeline entry, one after the other in time."""
    mentor, mentee = mentorship.mentor.user, mentorship.mentee.user
    goal = GoalFactory.create(owner=mentorship.mentee)
    GoalShareFactory(goal=goal, mentor=mentor)
    together.agreement_propose(mentorship=mentorship, actor=mentee, **NORMS)
    meeting = make_meeting(mentorship, days=-0.5, status=Meeting.Status.CONFIRMED)
    together.agenda_item_add(meeting=meeting, author=mentee, text=f"Agenda {tag}")
    together.action_item_add(
        mentorship=mentorship, actor=mentor, owner=mentee, text=f"Act {tag}", meeting=meeting
    )
    together.action_item_add(mentorship=mentorship, actor=mentor, owner=mentor, text=f"Loose {tag}")
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD)
    meeting.refresh_from_db()
    together.shared_notes_save(meeting=meeting, author=mentor, text=f"Notes {tag}")
    together.feedback_leave(meeting=meeting, author=mentee, helped=f"Helped {tag}")
    advice = together.advice_add(mentorship=mentorship, actor=mentor, text=f"Advice {tag}")
    together.advice_report_back(advice=advice, actor=mentee, outcome="acted", result="Worked")
    together.appreciation_send(
        mentorship=mentorship,
        author=mentee,
        kind="win",
        text=f"Win {tag}",
        goal=goal,
        advice=advice,
    )
    ProgressUpdate.objects.create(goal=goal, author=mentee, note=f"Progress {tag}", progress=40)


def test_timeline_holds_every_kind_newest_first(mentorship):
    start = timezone.now() - timedelta(days=30)
    with time_machine.travel(start, tick=False) as traveller:
        together.agreement_propose(mentorship=mentorship, actor=mentorship.mentee.user, **NORMS)
        traveller.shift(timedelta(days=1))
        advice = together.advice_add(
            mentorship=mentorship, actor=mentorship.mentor.user, text="Ask"
        )
        traveller.shift(timedelta(days=1))
        together.appreciation_send(
            mentorship=mentorship, author=mentorship.mentee.user, kind="thanks", text="Thx"
        )
    meeting = make_meeting(mentorship, days=5, status=Meeting.Status.CONFIRMED)
    entries = list(timeline_for(mentorship=mentorship).object_list)
    assert [e.kind for e in entries] == ["meeting", "appreciation", "advice", "agreement"]
    assert entries[0].item == meeting and entries[2].item == advice
    whens = [e.when for e in entries]
    assert whens == sorted(whens, reverse=True)


def test_timeline_shows_progress_only_of_goals_shared_with_this_mentor(mentorship, mentee):
    shared = GoalFactory(owner=mentorship.mentee, title="Shared goal")
    GoalShareFactory(goal=shared, mentor=mentorship.mentor.user)
    private = GoalFactory(owner=mentorship.mentee, title="Private goal")
    ProgressUpdate.objects.create(goal=shared, author=mentee, note="Visible", progress=10)
    ProgressUpdate.objects.create(goal=private, author=mentee, note="Hidden", progress=10)
    notes = [e.item.note for e in timeline_for(mentorship=mentorship).object_list]
    assert notes == ["Visible"]


def test_timeline_paginates(client, mentorship, mentee):
    for i in range(PER_PAGE + 5):
        make_meeting(mentorship, days=-i - 1)
    first = timeline_for(mentorship=mentorship, page_number=1)
    second = timeline_for(mentorship=mentorship, page_number=2)
    assert len(first.object_list) == PER_PAGE and len(second.object_list) == 5
    assert first.object_list[-1].when > second.object_list[0].when
    client.force_login(mentee)
    url = reverse("meetings:timeline", args=[mentorship.pk])
    body = client.get(url, {"page": 2}, HTTP_HX_REQUEST="true").content.decode()
    assert "Page 2 of 2" in body and f'{url}?page=1"' in body


def test_timeline_full_page_and_htmx_fragment(client, mentorship, mentee):
    one_of_each(mentorship, "x")
    client.force_login(mentee)
    url = reverse("meetings:timeline", args=[mentorship.pk])
    page = client.get(url).content.decode()
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" in page and "<html" not in fragment
    assert fragment.lstrip().startswith('<section id="mentorship-timeline"')
    for text in (
        "Agenda x",
        "Notes x",
        "Act x",
        "Loose x",
        "Advice x",
        "Win x",
        "Helped x",
        "Progress x",
    ):
        assert text in fragment, text


def test_timeline_prompts_for_norms_until_confirmed(client, mentorship, mentor, mentee):
    client.force_login(mentee)
    url = reverse("meetings:timeline", args=[mentorship.pk])
    assert (
        "set your norms in your first meeting"
        in client.get(url, HTTP_HX_REQUEST="true").content.decode()
    )
    together.agreement_propose(mentorship=mentorship, actor=mentee, **NORMS)
    body = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "waits for the other person" in body and "Set your norms" in body
    together.agreement_confirm(mentorship=mentorship, actor=mentor, version=1)
    body = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="norms-prompt"' not in body and "version 1, confirmed" in body


def test_mentorship_page_loads_the_timeline_with_htmx(client, mentorship, mentee):
    client.force_login(mentee)
    body = client.get(reverse("matching:mentorship", args=[mentorship.pk])).content.decode()
    url = reverse("meetings:timeline", args=[mentorship.pk])
    assert f'hx-get="{url}"' in body and 'hx-trigger="load"' in body


def test_timeline_is_404_for_admin_and_outsider(client, mentorship, admin_user, outsider):
    url = reverse("meetings:timeline", args=[mentorship.pk])
    for person in (admin_user, outsider):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404


@pytest.mark.parametrize("htmx", [False, True])
def test_timeline_query_count_is_flat(client, django_assert_num_queries, mentorship, htmx):
    one_of_each(mentorship, "small")
    client.force_login(mentorship.mentee.user)
    url = reverse("meetings:timeline", args=[mentorship.pk])
    if htmx:
        client.defaults["HTTP_HX_REQUEST"] = "true"

    def grow() -> None:
        # Older history: the first page keeps one entry of every kind, so it loads every kind.
        for i in range(12):
            with time_machine.travel(timezone.now() - timedelta(days=30 * (i + 1))):
                one_of_each(mentorship, str(i))

    assert_flat_queries(client, django_assert_num_queries, url, grow)


def test_agreement_page_query_count_is_flat(client, django_assert_num_queries, mentorship):
    mentee, mentor = mentorship.mentee.user, mentorship.mentor.user
    together.agreement_propose(mentorship=mentorship, actor=mentee, **NORMS)
    together.agreement_confirm(mentorship=mentorship, actor=mentor, version=1)
    together.agreement_propose(mentorship=mentorship, actor=mentor, **NORMS)
    client.force_login(mentee)

    def grow() -> None:
        for _ in range(10):
            together.agreement_propose(mentorship=mentorship, actor=mentee, **NORMS)

    assert_flat_queries(
        client, django_assert_num_queries, reverse("meetings:agreement", args=[mentorship.pk]), grow
    )


def test_home_query_count_is_flat_with_action_items_and_wins(
    client, django_assert_num_queries, mentorship
):
    mentee, mentor = mentorship.mentee.user, mentorship.mentor.user
    together.action_item_add(mentorship=mentorship, actor=mentor, owner=mentee, text="a")
    together.appreciation_send(mentorship=mentorship, author=mentee, kind="win", text="w")
    client.force_login(mentee)

    def grow() -> None:
        for i in range(15):
            together.action_item_add(
                mentorship=mentorship, actor=mentor, owner=mentee, text=f"a{i}"
            )
            together.appreciation_send(
                mentorship=mentorship, author=mentor, kind="win", text=f"w{i}"
            )

    assert_flat_queries(client, django_assert_num_queries, reverse("home"), grow)

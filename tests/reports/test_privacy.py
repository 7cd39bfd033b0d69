"""One privacy rule for what admins see of check-in answers: comments are never tied to a
person, a role or a time finer than the period, and a group in which fewer than
PRIVACY_THRESHOLD people answered is withheld, with a line saying why, on the dashboard, the
check-in figures, the summary and in every export."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.http import StreamingHttpResponse
from django.urls import reverse

from accounts.models import User
from matching.models import Mentorship
from meetings.checkin_privacy import withheld_because
from meetings.models import CheckIn
from programs.models import Participant, Program, Role
from reports.exports import EXPORTS
from tests.matching.factories import MentorshipFactory
from tests.programs.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 4, 15, 12, 0, tzinfo=UTC)
ANSWERED_AT = datetime(2025, 3, 28, 22, 15, tzinfo=UTC)  # 23:15 in Berlin, the admin's zone
WITHHELD = "Withheld: fewer than 5 people answered in this group, so no one can be recognised."
# A date or a time of day: anything finer than a period such as 2025-Q1.
FINER_THAN_PERIOD = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}")


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def _answer(pair: Mentorship, person: User, comment: str = "", **fields: Any) -> CheckIn:
    fields.setdefault("period_key", "2025-Q1")
    fields.setdefault("satisfaction", 4)
    return CheckIn.objects.create(
        mentorship=pair,
        person=person,
        due_on=date(2025, 3, 31),
        status=CheckIn.Status.ANSWERED,
        energy=fields.pop("energy", 3),
        norms_fit=CheckIn.NormsFit.YES,
        comment=comment,
        comment_visibility=CheckIn.Visibility.ADMINS,
        answered_at=fields.pop("answered_at", ANSWERED_AT),
        **fields,
    )


def _pairs(program: Program, count: int) -> list[Mentorship]:
    return [
        MentorshipFactory(
            mentor=ParticipantFactory(program=program, role=Role.MENTOR),
            mentee=ParticipantFactory(program=program, role=Role.MENTEE),
        )
        for _ in range(count)
    ]


def _mentees_answer(program: Program, people: int, period: str = "2025-Q1") -> list[Mentorship]:
    """``people`` pairs whose mentee answered ``period`` with a comment for the admins."""
    pairs = _pairs(program, people)
    for number, pair in enumerate(pairs):
        _answer(pair, pair.mentee.user, f"Said by mentee {number}", period_key=period)
    return pairs


def _export(client, program: Program, name: str) -> list[list[str]]:
    response = client.get(reverse(f"reports:export_{name}", kwargs={"slug": program.slug}))
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content).decode()  # type: ignore[arg-type]
    return list(csv.reader(io.StringIO(body)))


def _page(client, program: Program, url_name: str) -> str:
    response = client.get(reverse(url_name, kwargs={"slug": program.slug}))
    assert response.status_code == 200
    return response.content.decode()


# The rule -------------------------------------------------------------------------------------


def test_a_group_below_the_threshold_is_withheld_with_a_line_saying_why():
    assert withheld_because(4) == WITHHELD
    assert withheld_because(5) is None
    assert withheld_because(0) is None  # nobody answered: nothing to withhold


def test_the_threshold_is_read_when_the_rule_is_applied(settings):
    settings.PRIVACY_THRESHOLD = 3
    assert withheld_because(3) is None
    assert withheld_because(2) == (
        "Withheld: fewer than 3 people answered in this group, so no one can be recognised."
    )


# Comments are never tied to a person, a role or a time -----------------------------------------


def test_the_checkins_export_ties_no_admin_comment_to_its_author_role_or_time(
    admin_client, program
):
    pairs = _mentees_answer(program, 5)
    _answer(pairs[0], pairs[0].mentor.user, "Said by a mentor")
    rows = _export(admin_client, program, "checkins")
    cells = [cell for row in rows for cell in row]
    assert "Said by a mentor" in cells and "Said by mentee 3" in cells
    people = Participant.objects.filter(program=program).select_related("user")
    for participant in people:
        user = participant.user
        assert not [cell for cell in cells if user.email in cell], user.email
        assert not [cell for cell in cells if user.get_full_name() in cell], user.full_name
    assert not {"Mentor", "Mentee", "Answered by"} & set(cells)
    assert not [cell for cell in cells if FINER_THAN_PERIOD.search(cell)]


def test_comments_come_in_the_order_of_their_text_not_of_who_or_when(admin_client, program):
    pairs = _pairs(program, 5)
    # Written in an order (by time and by person) that is not the order of the text.
    for offset, (pair, text) in enumerate(
        zip(pairs, ["delta", "alpha", "echo", "charlie", "bravo"], strict=True)
    ):
        _answer(pair, pair.mentee.user, text, answered_at=ANSWERED_AT - timedelta(hours=offset))
    expected = ["alpha", "bravo", "charlie", "delta", "echo"]

    cells = [cell for row in _export(admin_client, program, "checkins") for cell in row]
    assert [cell for cell in cells if cell in expected] == expected

    page = _page(admin_client, program, "reports:dashboard")
    shown = [page.index(f'<li class="list-group-item">{text}</li>') for text in expected]
    assert shown == sorted(shown)


# Below the threshold: withheld everywhere ------------------------------------------------------


def test_a_small_group_is_withheld_in_the_checkins_export(admin_client, program):
    _mentees_answer(program, 4)
    rows = _export(admin_client, program, "checkins")
    assert rows[1:] == [["2025-Q1", "4", "4", "0", "4", "", "", "", WITHHELD]]


def test_a_small_group_is_withheld_on_the_dashboard(admin_client, program):
    _mentees_answer(program, 4)
    response = admin_client.get(reverse("reports:dashboard", kwargs={"slug": program.slug}))
    page = response.content.decode()
    assert "Said by mentee" not in page
    comments = page[page.index('id="comments-heading"') :]
    assert WITHHELD in comments
    [chart] = [c for c in response.context["charts"] if c["series"].unit == "of 5"]
    assert chart["series"].lines == {"Satisfaction": [None], "Energy": [None]}
    assert f"2025-Q1: {WITHHELD}" in page[page.index(f'id="{chart["id"]}-figure"') :]


def test_a_small_group_is_withheld_in_the_summary(admin_client, program):
    _mentees_answer(program, 4)
    response = admin_client.get(reverse("reports:summary", kwargs={"slug": program.slug}))
    page = response.content.decode()
    totals = page[page.index('id="totals"') : page.index('id="funnel-heading"')]
    assert WITHHELD in totals
    assert "4.0" not in totals  # the average satisfaction
    assert response.context["totals"].satisfaction is None
    assert f"2025-Q1: {WITHHELD}" in page[page.index('id="activity-heading"') :]


def test_a_small_group_is_withheld_on_the_checkin_figures_page(admin_client, program):
    _mentees_answer(program, 4)
    response = admin_client.get(reverse("meetings:checkin_figures", kwargs={"slug": program.slug}))
    page = response.content.decode()
    assert "Said by mentee" not in page
    assert page.count(WITHHELD) == 2  # the figures of every period, and the comments of 2025-Q1
    assert response.context["figures"].satisfaction is None


def test_one_person_answering_for_five_mentees_is_still_one_person(admin_client, program):
    mentor = ParticipantFactory(program=program, role=Role.MENTOR)
    for number in range(5):
        pair = MentorshipFactory(
            mentor=mentor, mentee=ParticipantFactory(program=program, role=Role.MENTEE)
        )
        _answer(pair, mentor.user, f"From the one mentor {number}")
    rows = _export(admin_client, program, "checkins")
    assert rows[1:] == [["2025-Q1", "5", "5", "0", "1", "", "", "", WITHHELD]]


def test_a_pair_s_averages_are_withheld_in_the_mentorships_export(admin_client, program):
    [pair] = _pairs(program, 1)
    _answer(pair, pair.mentee.user, satisfaction=1)
    _answer(pair, pair.mentor.user, satisfaction=5)
    [header, row] = _export(admin_client, program, "mentorships")
    by_column = dict(zip(header, row, strict=True))
    assert by_column["Check-ins answered"] == "2"
    assert by_column["Average satisfaction (1-5)"] == WITHHELD
    assert by_column["Average energy (1-5)"] == WITHHELD


# At the threshold: shown -----------------------------------------------------------------------


def test_a_group_at_the_threshold_is_shown_in_the_checkins_export(admin_client, program):
    pairs = _mentees_answer(program, 5)
    CheckIn.objects.filter(person=pairs[0].mentee.user).update(
        satisfaction=2, norms_fit=CheckIn.NormsFit.REVISIT
    )
    rows = _export(admin_client, program, "checkins")
    assert rows[0] == [
        "Period",
        "Check-ins asked",
        "Answered",
        "Skipped",
        "People who answered",
        "Average satisfaction (1-5)",
        "Average energy (1-5)",
        "Asked to revisit their norms",
        "Comment for program admins",
    ]
    assert rows[1:] == [
        ["2025-Q1", "5", "5", "0", "5", "3.60", "3.00", "1", ""],
        *(["2025-Q1", "", "", "", "", "", "", "", f"Said by mentee {n}"] for n in range(5)),
    ]


def test_a_group_at_the_threshold_is_shown_on_the_dashboard_and_the_summary(admin_client, program):
    _mentees_answer(program, 5)
    page = _page(admin_client, program, "reports:dashboard")
    assert WITHHELD not in page
    assert all(f"Said by mentee {n}" in page for n in range(5))
    summary = admin_client.get(reverse("reports:summary", kwargs={"slug": program.slug}))
    assert WITHHELD not in summary.content.decode()
    assert summary.context["totals"].satisfaction == 4.0


def test_a_group_at_the_threshold_is_shown_on_the_checkin_figures_page(admin_client, program):
    _mentees_answer(program, 5)
    response = admin_client.get(reverse("meetings:checkin_figures", kwargs={"slug": program.slug}))
    page = response.content.decode()
    assert WITHHELD not in page
    assert all(f"Said by mentee {n}" in page for n in range(5))
    assert response.context["figures"].satisfaction == 4.0


def test_each_period_is_its_own_group(admin_client, program):
    _mentees_answer(program, 5, period="2025-Q1")
    _mentees_answer(program, 2, period="2025-Q2")
    rows = _export(admin_client, program, "checkins")
    assert [row for row in rows[1:] if row[1]] == [
        ["2025-Q1", "5", "5", "0", "5", "4.00", "3.00", "0", ""],
        ["2025-Q2", "2", "2", "0", "2", "", "", "", WITHHELD],
    ]
    cells = [cell for row in rows for cell in row]
    assert "Said by mentee 4" in cells  # of 2025-Q1
    assert len([cell for cell in cells if cell.startswith("Said by")]) == 5


def test_no_export_carries_a_small_group_s_figures_or_comments(admin_client, program):
    [pair] = _pairs(program, 1)
    _answer(pair, pair.mentee.user, "Only two of us", satisfaction=1, energy=1)
    _answer(pair, pair.mentor.user, satisfaction=5, energy=5)
    for name in EXPORTS:
        cells = [cell for row in _export(admin_client, program, name) for cell in row]
        assert "Only two of us" not in cells, name
        assert "3.00" not in cells, name  # the average of 1 and 5

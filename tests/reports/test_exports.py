"""CSV exports for program admins: contents, privacy, access, flat queries, formula cells."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goals.models import Goal
from matching.models import ClosingReason, Mentorship, MentorshipRequest, RequestMessage
from meetings.models import CheckIn, Meeting, PrivateNote
from programs.models import Participant, Program, Role
from reports.exports import EXPORTS, csv_safe
from tests.goals.factories import GoalFactory, GoalShareFactory
from tests.matching.factories import (
    MenteeProfileFactory,
    MentorProfileFactory,
    MentorshipFactory,
    MentorshipRequestFactory,
)
from tests.programs.factories import ParticipantFactory, TopicFactory

SECRET = "SECRET-MARKER"
WITHHELD = "Withheld: fewer than 5 people answered in this group, so no one can be recognised."
EXPORT_NAMES = list(EXPORTS)
STARTED = datetime(2025, 1, 10, 9, 0, tzinfo=UTC)


def _url(name: str, program: Program) -> str:
    return reverse(f"reports:export_{name}", kwargs={"slug": program.slug})


def _body(response: StreamingHttpResponse) -> str:
    return b"".join(response.streaming_content).decode()  # type: ignore[arg-type]


def _download(client, name: str, program: Program) -> list[list[str]]:
    response = client.get(_url(name, program))
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    return list(csv.reader(io.StringIO(_body(response))))


def _participant(user, program: Program) -> Participant:
    return Participant.objects.get(user=user, program=program)


def _meeting(mentorship: Mentorship, starts_at: datetime, status: str) -> Meeting:
    return Meeting.objects.create(
        mentorship=mentorship,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=30),
        status=status,
    )


def _checkin(mentorship: Mentorship, person, **fields: object) -> CheckIn:
    fields.setdefault("period_key", "2025-Q1")
    fields.setdefault("due_on", date(2025, 3, 31))
    return CheckIn.objects.create(mentorship=mentorship, person=person, **fields)


@pytest.fixture
def pair(program: Program, admin_user, mentor, mentee) -> Mentorship:
    """Mo mentors Mia since 10 January 2025, with meetings, check-ins, goals and a request."""
    mentor_participant = _participant(mentor, program)
    mentee_participant = _participant(mentee, program)
    MentorProfileFactory(participant=mentor_participant)
    MenteeProfileFactory(participant=mentee_participant)
    Participant.objects.filter(pk=mentee_participant.pk).update(
        joined_at=datetime(2025, 1, 2, 23, 30, tzinfo=UTC)  # 3 January in Berlin
    )
    mentee.job_title = "Analyst"
    mentee.department = "Finance"
    mentee.save()

    shared = GoalFactory(owner=mentee_participant, title="Lead a project")
    GoalShareFactory(goal=shared, mentor=mentor)
    GoalFactory(owner=mentee_participant, title=f"{SECRET} private goal")
    GoalFactory(owner=mentee_participant, title="Done already", status=Goal.Status.ACHIEVED)

    mentorship = MentorshipFactory(
        mentor=mentor_participant,
        mentee=mentee_participant,
        started_at=STARTED,
        ends_on=date(2025, 7, 10),
    )
    _meeting(mentorship, datetime(2025, 2, 3, 10, 0, tzinfo=UTC), Meeting.Status.HELD)
    last = _meeting(mentorship, datetime(2025, 3, 1, 23, 30, tzinfo=UTC), Meeting.Status.HELD)
    _meeting(mentorship, datetime(2025, 3, 20, 10, 0, tzinfo=UTC), Meeting.Status.CANCELLED)
    _meeting(mentorship, datetime(2025, 4, 20, 10, 0, tzinfo=UTC), Meeting.Status.CONFIRMED)
    PrivateNote.objects.create(meeting=last, author=mentor, text=f"{SECRET} private note")

    answered_at = datetime(2025, 3, 28, 22, 15, tzinfo=UTC)  # 23:15 in Berlin (CET)
    _checkin(
        mentorship,
        mentor,
        status=CheckIn.Status.ANSWERED,
        satisfaction=4,
        energy=5,
        norms_fit=CheckIn.NormsFit.YES,
        comment="Going well, for the admins",
        comment_visibility=CheckIn.Visibility.ADMINS,
        answered_at=answered_at,
    )
    _checkin(
        mentorship,
        mentee,
        status=CheckIn.Status.ANSWERED,
        satisfaction=2,
        energy=3,
        norms_fit=CheckIn.NormsFit.REVISIT,
        comment=f"{SECRET} only for my mentor",
        comment_visibility=CheckIn.Visibility.SHARED,
        answered_at=answered_at,
    )
    _checkin(mentorship, mentee, period_key="2025-Q2", due_on=date(2025, 6, 30), status="skipped")
    _checkin(mentorship, mentor, period_key="2025-Q2", due_on=date(2025, 6, 30))

    request = MentorshipRequestFactory(
        mentor=mentor_participant,
        mentee=mentee_participant,
        topic=TopicFactory(organization=program.organization, name="Public speaking"),
        why_this_mentor=f"{SECRET} why you",
        first_step=f"{SECRET} first step",
        decline_note=f"{SECRET} decline note",
        status=MentorshipRequest.Status.ACCEPTED,
        mentorship=mentorship,
        answered_at=datetime(2025, 1, 9, 8, 0, tzinfo=UTC),
        closed_at=datetime(2025, 1, 9, 8, 0, tzinfo=UTC),
        goals=[shared],
    )
    MentorshipRequest.objects.filter(pk=request.pk).update(
        created_at=datetime(2025, 1, 5, 12, 0, tzinfo=UTC)
    )
    RequestMessage.objects.create(request=request, author=mentor, body=f"{SECRET} question")
    return mentorship


# The formula guard ---------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["=cmd()", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_csv_safe_prefixes_cells_a_spreadsheet_would_run(cell):
    assert csv_safe(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Ada", "", "2025-01-01", 3, None, "a=b"])
def test_csv_safe_leaves_other_cells_alone(cell):
    assert csv_safe(cell) == cell


@pytest.mark.parametrize(
    "cell",
    [
        "\uff1dcmd()",  # full-width equals sign
        "\uff0b1",  # full-width plus
        "\uff0d1",  # full-width minus
        "\uff20SUM(A1)",  # full-width commercial at
        "\ufe66cmd()",  # small equals sign
        "\u200b=cmd()",  # zero-width space
        "\u200c\u200d+1",  # zero-width non-joiner and joiner
        "\ufeff=cmd()",  # byte order mark
        "\u202e=cmd()",  # right-to-left override
        "\u2066@SUM(A1)",  # left-to-right isolate
        "\u00ad-1",  # soft hyphen
        " =cmd()",  # leading space
        "\u00a0=cmd()",  # no-break space
        "\u3000\uff1dcmd()",  # ideographic space, then a full-width equals sign
        "\n=cmd()",  # a line break first
        "\u200b\tx",  # tab, behind a zero-width space
        "\ufeff\rx",  # carriage return, behind a byte order mark
    ],
)
def test_csv_safe_sees_a_formula_behind_look_alike_and_invisible_characters(cell):
    assert csv_safe(cell) == "'" + cell  # the text kept as written, behind the apostrophe


@pytest.mark.parametrize("cell", ["\u200bAda", "\uff21da", " Ada", "\ufeff", "Zo\u00eb", "\u3000"])
def test_csv_safe_leaves_other_cells_alone_after_normalising(cell):
    assert csv_safe(cell) == cell


@pytest.mark.parametrize("formula", ["=cmd()", "\u200b\uff1dcmd()"])
def test_formula_in_a_name_is_neutralised_in_every_export_that_names_people(
    admin_client, program, pair, mentor, formula
):
    mentor.full_name = formula
    mentor.save()
    for name in ("participants", "mentorships", "requests"):
        rows = _download(admin_client, name, program)
        cells = [cell for row in rows for cell in row]
        assert "'" + formula in cells, name
        assert formula not in cells, name


def test_formula_in_a_comment_is_neutralised_in_the_checkins_export(admin_client, program):
    for number in range(5):  # enough people for the period to be shown
        mentorship = MentorshipFactory(
            mentor=ParticipantFactory(program=program, role=Role.MENTOR),
            mentee=ParticipantFactory(program=program, role=Role.MENTEE),
        )
        _checkin(
            mentorship,
            mentorship.mentee.user,
            status=CheckIn.Status.ANSWERED,
            satisfaction=4,
            energy=4,
            comment="\ufeff=cmd()" if number == 0 else f"Fine {number}",
            comment_visibility=CheckIn.Visibility.ADMINS,
        )
    cells = [cell for row in _download(admin_client, "checkins", program) for cell in row]
    assert "'\ufeff=cmd()" in cells
    assert "\ufeff=cmd()" not in cells


# Contents ------------------------------------------------------------------------------------


def test_participants_export_has_one_row_per_participant_with_counts(admin_client, program, pair):
    ParticipantFactory(
        program=program,
        role=Role.MENTOR,
        status=Participant.Status.INVITED,
        joined_at=None,
        user__full_name="Ivy Invited",
        user__email="ivy@example.org",
        user__department="",
    )
    rows = _download(admin_client, "participants", program)
    assert rows[0] == [
        "Name",
        "Email",
        "Role",
        "Status",
        "Joined on (date, Europe/Berlin)",
        "Department",
        "Job title",
        "Profile complete",
        "Active goals (count)",
        "Live mentorships (active or paused)",
    ]
    by_name = {row[0]: row for row in rows[1:]}
    assert list(by_name) == ["Ada Admin", "Ivy Invited", "Mo Mentor", "Mia Mentee"]
    mia = by_name["Mia Mentee"]
    assert mia[1:] == [
        pair.mentee.user.email,
        "Mentee",
        "Active",
        "2025-01-03",
        "Finance",
        "Analyst",
        "yes",
        "2",
        "1",
    ]
    assert by_name["Mo Mentor"][2:4] == ["Mentor", "Active"]
    assert by_name["Mo Mentor"][7:] == ["yes", "0", "1"]
    assert by_name["Ivy Invited"][1:] == [
        "ivy@example.org",
        "Mentor",
        "Invited",
        "",
        "",
        "",
        "no",
        "0",
        "0",
    ]
    assert by_name["Ada Admin"][2] == "Program admin"
    assert by_name["Ada Admin"][7] == ""


def test_participants_export_counts_only_live_mentorships(admin_client, program, pair):
    Mentorship.objects.filter(pk=pair.pk).update(status=Mentorship.Status.COMPLETED)
    rows = _download(admin_client, "participants", program)
    assert {row[0]: row[9] for row in rows[1:]}["Mia Mentee"] == "0"


def test_mentorships_export_has_state_dates_meetings_and_checkin_averages(
    admin_client, program, pair, settings
):
    # A pair is two people: its averages are shown only under a threshold of two (the default,
    # five, withholds them: tests/reports/test_privacy.py).
    settings.PRIVACY_THRESHOLD = 2
    rows = _download(admin_client, "mentorships", program)
    assert rows[0] == [
        "Mentor",
        "Mentor email",
        "Mentee",
        "Mentee email",
        "State",
        "Started on (date, Europe/Berlin)",
        "Ended on (date, Europe/Berlin)",
        "Planned end (date)",
        "Meetings held",
        "Last meeting held (date, Europe/Berlin)",
        "Check-ins answered",
        "Average satisfaction (1-5)",
        "Average energy (1-5)",
        "Closing reason",
    ]
    assert rows[1:] == [
        [
            "Mo Mentor",
            pair.mentor.user.email,
            "Mia Mentee",
            pair.mentee.user.email,
            "Active",
            "2025-01-10",
            "",
            "2025-07-10",
            "2",
            "2025-03-02",
            "2",
            "3.00",
            "4.00",
            "",
        ]
    ]


def test_mentorships_export_shows_a_closed_one_with_its_reason_and_blanks(
    admin_client, program, pair
):
    Mentorship.objects.filter(pk=pair.pk).update(
        status=Mentorship.Status.ENDED,
        closing_reason=ClosingReason.SCHEDULE,
        closed_at=datetime(2025, 5, 4, 23, 0, tzinfo=UTC),
    )
    quiet = MentorshipFactory(
        mentor=pair.mentor,
        mentee=ParticipantFactory(program=program, role=Role.MENTEE, user__full_name="Quinn"),
        started_at=STARTED + timedelta(days=1),
    )
    rows = _download(admin_client, "mentorships", program)
    assert [row[4:8] + row[13:] for row in rows[1:]] == [
        ["Ended early", "2025-01-10", "2025-05-05", "2025-07-10", "Schedules did not work out"],
        ["Active", "2025-01-11", "", "", ""],
    ]
    assert rows[2][2] == quiet.mentee.user.full_name
    assert rows[2][8:13] == ["0", "", "0", "", ""]


def test_requests_export_has_who_status_dates_topic_and_waiting_on(
    admin_client, program, pair, mentor
):
    other_mentor = ParticipantFactory(program=program, role=Role.MENTOR, user__full_name="Pat")
    pending = MentorshipRequestFactory(
        mentor=other_mentor,
        mentee=pair.mentee,
        topic=None,
        waiting_on=MentorshipRequest.WaitingOn.MENTEE,
    )
    MentorshipRequest.objects.filter(pk=pending.pk).update(
        created_at=datetime(2025, 2, 1, 7, 5, tzinfo=UTC)
    )
    rows = _download(admin_client, "requests", program)
    assert rows[0] == [
        "Mentee",
        "Mentee email",
        "Mentor",
        "Mentor email",
        "Status",
        "Sent (Europe/Berlin time)",
        "First answered (Europe/Berlin time)",
        "Closed (Europe/Berlin time)",
        "Topic",
        "Waiting on (pending requests)",
    ]
    assert rows[1:] == [
        [
            "Mia Mentee",
            pair.mentee.user.email,
            "Mo Mentor",
            mentor.email,
            "Accepted",
            "2025-01-05 13:00",
            "2025-01-09 09:00",
            "2025-01-09 09:00",
            "Public speaking",
            "",
        ],
        [
            "Mia Mentee",
            pair.mentee.user.email,
            "Pat",
            other_mentor.user.email,
            "Pending",
            "2025-02-01 08:05",
            "",
            "",
            "",
            "the mentee (more information asked)",
        ],
    ]


CHECKINS_HEADER = [
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


def test_checkins_export_counts_each_period_and_withholds_what_two_people_said(
    admin_client, program, pair
):
    rows = _download(admin_client, "checkins", program)
    assert rows == [
        CHECKINS_HEADER,
        ["2025-Q1", "2", "2", "0", "2", "", "", "", WITHHELD],
        ["2025-Q2", "2", "0", "1", "0", "", "", "", ""],
    ]


def test_checkins_export_has_a_period_s_figures_and_its_comments_for_admins_only(
    admin_client, program, pair, settings
):
    settings.PRIVACY_THRESHOLD = 2
    rows = _download(admin_client, "checkins", program)
    assert rows == [
        CHECKINS_HEADER,
        ["2025-Q1", "2", "2", "0", "2", "3.00", "4.00", "1", ""],
        ["2025-Q1", "", "", "", "", "", "", "", "Going well, for the admins"],
        ["2025-Q2", "2", "0", "1", "0", "", "", "", ""],
    ]


@pytest.mark.parametrize("name", EXPORT_NAMES)
def test_export_is_streamed_as_an_attachment_named_for_program_and_day(admin_client, program, name):
    # 23:30 UTC is already the next day in Berlin, the admin's zone.
    with time_machine.travel(datetime(2025, 6, 30, 23, 30, tzinfo=UTC), tick=False):
        response = admin_client.get(_url(name, program))
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="pathways-{name}-2025-07-01.csv"'
    )
    assert "no-store" in response["Cache-Control"]
    header = EXPORTS[name].build(program=program, tz=ZoneInfo("Europe/Berlin")).header
    assert next(csv.reader(io.StringIO(_body(response)))) == header


def test_exports_page_links_every_export(admin_client, program):
    response = admin_client.get(reverse("reports:exports", kwargs={"slug": program.slug}))
    assert response.status_code == 200
    page = response.content.decode()
    for name in EXPORT_NAMES:
        assert f'href="{_url(name, program)}"' in page
    assert "Europe/Berlin" in page


# Privacy -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXPORT_NAMES)
def test_no_private_note_goal_shared_comment_or_request_text_is_exported(
    admin_client, program, pair, name
):
    response = admin_client.get(_url(name, program))
    body = _body(response)
    assert len(body.splitlines()) > 1
    assert SECRET not in body


# Access --------------------------------------------------------------------------------------

ALL_URL_NAMES = ["exports", *(f"export_{name}" for name in EXPORT_NAMES)]


@pytest.mark.parametrize("url_name", ALL_URL_NAMES)
def test_anonymous_visitor_is_sent_to_log_in(client, program, url_name):
    url = reverse(f"reports:{url_name}", kwargs={"slug": program.slug})
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("url_name", ALL_URL_NAMES)
@pytest.mark.parametrize("who", ["mentor", "mentee"])
def test_participant_who_is_not_an_admin_is_refused(client, program, request, who, url_name):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse(f"reports:{url_name}", kwargs={"slug": program.slug}))
    assert response.status_code == 403


@pytest.mark.parametrize("url_name", ALL_URL_NAMES)
def test_admin_of_another_program_does_not_find_it(client, program, outsider, url_name):
    client.force_login(outsider)
    response = client.get(reverse(f"reports:{url_name}", kwargs={"slug": program.slug}))
    assert response.status_code == 404


# The check-ins export names nobody: test_checkins_of_another_program_never_count below.
@pytest.mark.parametrize("name", [name for name in EXPORT_NAMES if name != "checkins"])
def test_rows_of_another_program_never_appear(client, program, pair, other_program, outsider, name):
    stranger_mentor = ParticipantFactory(
        program=other_program, role=Role.MENTOR, user__full_name="Stranger Mentor"
    )
    stranger_mentee = ParticipantFactory(
        program=other_program, role=Role.MENTEE, user__full_name="Stranger Mentee"
    )
    elsewhere = MentorshipFactory(mentor=stranger_mentor, mentee=stranger_mentee)
    _meeting(elsewhere, STARTED, Meeting.Status.HELD)
    _checkin(elsewhere, stranger_mentee.user, status="answered", satisfaction=1, energy=1)
    MentorshipRequestFactory(mentor=stranger_mentor, mentee=stranger_mentee)

    client.force_login(outsider)
    theirs = _download(client, name, other_program)
    assert "Stranger" in str(theirs)
    assert "Mia Mentee" not in str(theirs)
    assert "Mo Mentor" not in str(theirs)

    client.force_login(pair.program.participants.get(role=Role.ADMIN).user)
    ours = _download(client, name, program)
    assert "Mia Mentee" in str(ours)
    assert "Stranger" not in str(ours)
    assert "Olly Outsider" not in str(ours)


def test_checkins_of_another_program_never_count(client, program, pair, other_program, outsider):
    elsewhere = MentorshipFactory(
        mentor=ParticipantFactory(program=other_program, role=Role.MENTOR),
        mentee=ParticipantFactory(program=other_program, role=Role.MENTEE),
    )
    _checkin(elsewhere, elsewhere.mentee.user, status="answered", satisfaction=1, energy=1)

    client.force_login(outsider)
    assert _download(client, "checkins", other_program)[1:] == [
        ["2025-Q1", "1", "1", "0", "1", "", "", "", WITHHELD]
    ]
    client.force_login(pair.program.participants.get(role=Role.ADMIN).user)
    ours = _download(client, "checkins", program)
    assert [row[:5] for row in ours[1:]] == [
        ["2025-Q1", "2", "2", "0", "2"],
        ["2025-Q2", "2", "0", "1", "0"],
    ]


# Queries -------------------------------------------------------------------------------------


def _grow(program: Program, pairs: int) -> None:
    """Pairs with profiles, goals, a mentorship, meetings, check-ins and a request each."""
    topic = TopicFactory(organization=program.organization)
    for _ in range(pairs):
        mentor = MentorProfileFactory(participant__program=program).participant
        mentee = MenteeProfileFactory(participant__program=program).participant
        GoalFactory(owner=mentee)
        mentorship = MentorshipFactory(mentor=mentor, mentee=mentee)
        _meeting(mentorship, STARTED, Meeting.Status.HELD)
        _meeting(mentorship, STARTED + timedelta(days=7), Meeting.Status.HELD)
        _checkin(
            mentorship,
            mentor.user,
            status="answered",
            satisfaction=3,
            energy=4,
            comment="For the admins",
            comment_visibility=CheckIn.Visibility.ADMINS,
        )
        _checkin(mentorship, mentee.user, status="skipped")
        MentorshipRequestFactory(mentor=mentor, mentee=mentee, topic=topic, goals=[])


def _queries_for_download(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        lines = len(_body(response).splitlines())
    return len(ctx.captured_queries), lines


@pytest.mark.parametrize("name", EXPORT_NAMES)
def test_export_runs_the_same_queries_for_a_program_ten_times_larger(admin_client, program, name):
    url = _url(name, program)
    _grow(program, 3)
    small, small_lines = _queries_for_download(admin_client, url)
    _grow(program, 27)
    large, large_lines = _queries_for_download(admin_client, url)
    assert large_lines > small_lines * 5
    assert small <= 6
    assert large == small

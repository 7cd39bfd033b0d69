"""Every bad input the fuzz tests found, kept as an explicit example.

A bug still open is marked ``xfail(strict=True)`` with its reason and listed in
``known_bugs.py`` (which lets the property tests step over it). Once it is fixed the test
passes, strict xfail fails the run, and the fix's author removes the mark and the entry.
A fixed bug's example stays here without a mark, so that it stays fixed.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from identity.models import ScimToken
from tests.accounts.factories import UserFactory
from tests.fuzz.submission import Submission, submit
from tests.fuzz.world import World

pytestmark = pytest.mark.django_db

HUGE_ID = "9" * 30  # a path or form id beyond any integer column


def refused_cleanly(submission: Submission) -> None:
    """Not a server error, refused (an error shown or a 4xx), and nothing written."""
    assert not submission.server_error, submission.describe()
    assert submission.refused, submission.describe()
    assert not submission.writes, submission.describe()


# ---------------------------------------------------------------------------
# Fixed: kept so that they stay fixed
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("topic", ["abc", "", "1.0", HUGE_ID, "١٢"])
def test_topic_rename_with_an_id_that_is_not_one_is_refused(world: World, topic: str):
    """Was: ValueError from int(request.POST["topic"]) in programs/views.py program_topics
    (the rename is now the organization's page's)."""
    home = world.home
    refused_cleanly(
        submit(
            reverse("organizations:topics", kwargs={"slug": home.program.organization.slug}),
            {"action": "rename", "topic": topic, "name": "Mentoring"},
            user=home.admin,
        )
    )


def test_topic_rename_with_a_nul_character_is_refused(world: World):
    """Was: the rename reads request.POST itself, so the NUL reached PostgreSQL (ValueError in
    programs/services.py topic_rename) or was stored (SQLite); the create form refuses it.
    The rename is now the organization's page's."""
    home = world.home
    refused_cleanly(
        submit(
            reverse("organizations:topics", kwargs={"slug": home.program.organization.slug}),
            {"action": "rename", "topic": str(home.topic.pk), "name": "Lead\x00ership"},
            user=home.admin,
        )
    )


def test_meeting_in_the_last_minutes_of_year_9999_is_refused(world: World):
    """Was: OverflowError adding the length in meetings/services/scheduling.py _ends_at."""
    home = world.home
    refused_cleanly(
        submit(
            reverse("meetings:meeting_propose", kwargs={"pk": home.mentorship.pk}),
            {"slot": "9999-12-31T23:59:59+00:00", "minutes": "30"},
            user=home.mentee,
        )
    )


# ---------------------------------------------------------------------------
# Fixed in the session after they were found (none is open now)
# ---------------------------------------------------------------------------
CALENDAR_EDGES = {
    # id: (URL name, the object in the URL, the form data)
    "propose-slot-9999-12-31": (
        "meetings:meeting_propose",
        "mentorship",
        {"slot": "9999-12-31T12:00:00+00:00"},
    ),
    "reschedule-slot-9999-12-31": (
        "meetings:meeting_reschedule",
        "meeting",
        {"slot": "9999-12-31T12:00:00+00:00"},
    ),
    "propose-date-9999-12-31": (
        "meetings:meeting_propose",
        "mentorship",
        {"date": "9999-12-31", "time": "12:00"},
    ),
    "propose-date-0001-01-01": (
        "meetings:meeting_propose",
        "mentorship",
        {"date": "0001-01-01", "time": "00:00"},
    ),
    "propose-slot-0001-01-01+14": (
        "meetings:meeting_propose",
        "mentorship",
        {"slot": "0001-01-01T00:00:00+14:00"},
    ),
}


@pytest.mark.parametrize("edge", CALENDAR_EDGES)
def test_meeting_time_at_the_calendar_edge_is_refused(world: World, edge: str):
    """Was: OverflowError in the window rules (matching/windows.py window_intervals stepped past
    9999-12-31; _local_instant and slot_refusal converted year-1 times to UTC before 0001-01-01)."""
    name, target, data = CALENDAR_EDGES[edge]
    home = world.home
    refused_cleanly(
        submit(
            reverse(name, kwargs={"pk": getattr(home, target).pk}),
            {**data, "minutes": "30"},
            user=home.mentee,
        )
    )


def _invite(world: World, email: str) -> Submission:
    home = world.home
    return submit(
        reverse("programs:invite", kwargs={"slug": home.program.slug}),
        {"full_name": "Long Address", "email": email, "role": "mentee"},
        user=home.admin,
    )


def _import(world: World, body: bytes) -> Submission:
    home = world.home
    upload = SimpleUploadedFile("people.csv", body, content_type="text/csv")
    return submit(
        reverse("programs:import", kwargs={"slug": home.program.slug}),
        {"file": upload},
        user=home.admin,
    )


LONG_EMAIL = "a" * 250 + "@example.org"  # 262 characters: Django's validator takes up to 320


def test_invitation_to_an_email_longer_than_its_column_is_refused(world: World):
    """Was: an email of 255-320 characters passed the form and validate_email but not the
    254-character Invitation.email column: DataError (500) in programs/services.py
    invitation_create on PostgreSQL, stored over-long on SQLite."""
    submission = _invite(world, LONG_EMAIL)
    refused_cleanly(submission)
    assert "at most 254 characters" in submission.response.content.decode()


def test_csv_import_with_an_email_longer_than_its_column_is_refused(world: World):
    """Was: the CSV import took an email of 255-320 characters (validate_email) that the
    254-character Invitation.email column cannot hold: DataError (500) in programs/services.py
    invitation_create on PostgreSQL, stored over-long on SQLite."""
    body = f"Bo Chen,bo@fuzz.example.org,mentor\nAnn Long,{LONG_EMAIL},mentee\n".encode()
    submission = _import(world, body)
    refused_cleanly(submission)
    assert [line for line, _ in _csv_errors(submission)] == [2]


def _huge_id_cases(world: World) -> list[tuple[str, dict[str, object], dict[str, str], str]]:
    home = world.home
    goal = {"title": "Speak up", "horizon": "short", "status": "active", "topics": HUGE_ID}
    return [
        ("goals:create", {}, goal, "mentee"),
        ("goals:edit", {"pk": home.goal.pk}, goal, "mentee"),
        (
            "matching:profile",
            {"slug": home.program.slug},
            {"section": "offer", "mentor-topics": HUGE_ID},
            "mentor",
        ),
        (
            "matching:request_new",
            {"slug": home.program.slug, "pk": home.mentor2_p.pk},
            {"goals": HUGE_ID, "topic": str(home.topic.pk), "why_this_mentor": "Your talk."},
            "mentee",
        ),
        (
            "matching:rounds",
            {"slug": home.program.slug},
            {"name": "Spring", "mentees": HUGE_ID, "objective": "total", "min_score": "1"},
            "admin",
        ),
    ]


@pytest.mark.parametrize("case", range(5), ids=["goal", "goal_edit", "profile", "request", "round"])
def test_huge_id_in_a_multiple_choice_is_refused(world: World, case: int):
    """Was (SQLite only): an id above 2**63-1 in a ModelMultipleChoiceField (goal topics,
    mentor topics, request goals, round mentees) raised OverflowError 'Python int too large to
    convert to SQLite INTEGER' from the form's __in lookup."""
    name, kwargs, data, user = _huge_id_cases(world)[case]
    submission = submit(reverse(name, kwargs=kwargs), data, user=getattr(world.home, user))
    refused_cleanly(submission)
    page = submission.response.content.decode()
    assert f"Select a valid choice. {HUGE_ID} is not one of the available choices." in page


@pytest.mark.parametrize("method", ["get", "post"])
def test_person_page_with_a_huge_id_is_not_found(world: World, method: str):
    """Was (SQLite only): /programs/<slug>/people/<id>/ with an id above 2**63-1 raised
    OverflowError in matching/selectors.py person_in_program (the filter on the user_id
    foreign key); GET too."""
    home = world.home
    url = reverse("matching:person", kwargs={"slug": home.program.slug, "pk": 10**30})
    if method == "post":
        refused_cleanly(submit(url, {}, user=home.mentee))
        return
    client = Client(raise_request_exception=False)
    client.force_login(home.mentee)
    assert client.get(url).status_code == 404


def test_admin_action_with_a_huge_selected_id_is_refused(world: World):
    """Was (SQLite only, in Django's admin): a changelist action with a selected id above
    2**63-1 raised OverflowError from the admin's __in lookup (no frame of the project's code)."""
    superuser = UserFactory(is_staff=True, is_superuser=True)
    submission = submit(
        reverse("admin:programs_program_changelist"),
        {"action": "delete_selected", "_selected_action": [HUGE_ID]},
        user=superuser,
    )
    assert not submission.server_error, submission.describe()
    assert not submission.writes, submission.describe()


def _csv_errors(submission: Submission) -> list[tuple[int, str]]:
    return list(submission.response.context.get("csv_errors") or [])


def test_semicolon_csv_with_windows_line_ends_and_an_empty_line_is_imported(world: World):
    """Was: refused, every line 'expected 3 columns (name, email, role), found 1': csv.Sniffer
    could not sniff it and programs/services.py _parse_rows fell back to commas."""
    body = (
        b"name;email;role\r\nAnn Lee;ann@fuzz.example.org;mentee\r\n\r\n"
        b"Bo Chen;bo@fuzz.example.org;mentor\r\n"
    )
    submission = _import(world, body)
    assert not submission.server_error, submission.describe()
    assert not submission.refused, _csv_errors(submission)


def test_semicolon_csv_names_only_its_short_line(world: World):
    """Was: one line with a column too few or too many made csv.Sniffer fail; programs/
    services.py _parse_rows then read the file as commas and named every line ('found 1')."""
    body = b"Ann Lee;ann@fuzz.example.org;mentee\nBo Chen;bo@fuzz.example.org\n"
    submission = _import(world, body)
    refused_cleanly(submission)
    assert [line for line, _ in _csv_errors(submission)] == [2]


# ---------------------------------------------------------------------------
# Fixed in the session after it was found: a SCIM id that is no UUID
# ---------------------------------------------------------------------------
SCIM_USER = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "x@example.org"}
SCIM_PATCH = {
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{"op": "replace", "value": {"active": False}}],
}
GROUP_RENAME = {"op": "replace", "value": {"displayName": "Renamed"}}
NOT_UUIDS = {
    # id: (method, path, body)
    "get-user": ("GET", "Users/not-a-uuid", None),
    "get-user-search": ("GET", "Users/.search", None),  # POST is the search; GET an id
    "put-user": ("PUT", "Users/not-a-uuid", SCIM_USER),
    "patch-user": ("PATCH", "Users/abc", SCIM_PATCH),
    "patch-group": ("PATCH", "Groups/abc", {**SCIM_PATCH, "Operations": [GROUP_RENAME]}),
    "delete-user": ("DELETE", "Users/1", None),
}


@pytest.mark.parametrize("case", NOT_UUIDS)
def test_scim_resource_id_that_is_no_uuid_is_not_found(world: World, case: str):
    """With the organization's own token: /scim/v2/Users/<id> (or Groups/<id>) whose id is not
    a UUID must be 404 (no such resource), as an unknown UUID is, and write nothing."""
    method, path, body = NOT_UUIDS[case]
    # The token's "last used" is written at most once a minute: now, so that a refusal writes
    # nothing.
    ScimToken.objects.update(last_used_at=timezone.now())
    submission = submit(
        "/scim/v2/" + path,
        json.dumps(body).encode() if body is not None else b"",
        user=None,
        headers={"Authorization": f"Bearer {world.home.scim_raw}"},
        content_type="application/scim+json",
        method=method,
    )
    assert not submission.server_error, submission.describe()
    assert submission.status == 404, submission.describe()
    assert not submission.writes, submission.describe()

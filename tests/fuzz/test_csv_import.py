"""The invitations CSV import, fed malformed files: never a server error, all or nothing, and a
refusal that names each wrong line. A formula in a name is kept as data; the exports neutralise
it (``reports.exports.csv_safe``).

The import reads at most ``CSV_IMPORT_MAX_BYTES`` (1 MB) and ``CSV_IMPORT_MAX_ROWS`` (2,000
people); it decodes UTF-8 (with or without a byte-order mark), else Windows-1252, and refuses
a file with NUL bytes (UTF-16, binaries) as not CSV text.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import User
from programs.models import Invitation, Participant
from programs.tokens import invitation_token
from reports.exports import FORMULA_STARTS
from tests.fuzz.strategies import FUZZ
from tests.fuzz.submission import Submission, assert_safe, submit
from tests.fuzz.world import World

pytestmark = pytest.mark.django_db


def upload(world: World, body: bytes, *, filename: str = "people.csv") -> Submission:
    home = world.home
    return submit(
        reverse("programs:import", kwargs={"slug": home.program.slug}),
        {"file": SimpleUploadedFile(filename, body, content_type="text/csv")},
        user=home.admin,
    )


def csv_errors(submission: Submission) -> list[tuple[int, str]]:
    context = submission.response.context if submission.response is not None else None
    return list(context.get("csv_errors") or []) if context is not None else []


def invited(submission: Submission) -> int:
    """How many invitations the import added (the savepoint has undone them since)."""
    change = submission.writes.get("programs_invitation")
    return change.rows_after - change.rows_before if change else 0


def assert_refused_naming(submission: Submission, *lines: int) -> list[tuple[int, str]]:
    """Refused, nothing written, and exactly these lines named (0: the file as a whole)."""
    assert_safe(submission)
    assert submission.refused, submission.describe()
    assert not submission.writes, submission.describe()
    errors = csv_errors(submission)
    assert sorted({line for line, _ in errors}) == sorted(lines), errors
    page = submission.response.content.decode()
    for line, _message in errors:
        if line:
            assert f"Line {line}:" in page
    return errors


# ---------------------------------------------------------------------------
# Any bytes at all
# ---------------------------------------------------------------------------
PREFIXES = [
    b"",
    b"\xef\xbb\xbf",  # UTF-8 byte-order mark
    b"\xff\xfe",  # UTF-16 LE byte-order mark
    b"name,email,role\r\n",
    b'"unclosed,quote\n',
    b"PK\x03\x04",  # a zip (xlsx) file
    b"\x81\x8d\x8f\x90\x9d",  # bytes Windows-1252 leaves undefined
]


@FUZZ
@given(body=st.tuples(st.sampled_from(PREFIXES), st.binary(max_size=600)).map(b"".join))
def test_any_bytes_never_fail_and_a_refusal_writes_nothing(world: World, body: bytes):
    submission = upload(world, body)
    assert_safe(submission)
    if submission.refused:
        assert all(message for _line, message in csv_errors(submission))


# ---------------------------------------------------------------------------
# Files whose every line we know: a wrong one is named, a good file is imported whole
# ---------------------------------------------------------------------------
DEFECTS = ["missing column", "extra column", "empty name", "long name", "bad email", "bad role"]
BAD_EMAILS = ["not-an-email", "a@", "@example.org", "a b@example.org", ""]
BAD_ROLES = ["boss", "", "mentors", "admin!"]
ROLES = ["mentor", "mentee", "admin", "Mentee", "MENTOR", "program admin"]
# Letters only (no delimiter, quote or line break) in names: formulas, right-to-left text,
# combining marks and astral characters included.
NAME_CHARS = st.characters(
    categories=["L", "M", "N", "Zs", "So", "Sm"], exclude_characters=",;\t\"'"
)
NAMES = st.one_of(
    st.text(NAME_CHARS, min_size=1, max_size=30).map(str.strip).filter(bool),
    st.sampled_from(["=cmd()", "+1+1", "-2+3", "@SUM(A1)", "Zoë Ångström", "\u202eevil", "🙂"]),
)


@dataclass
class Line:
    cells: list[str]
    defect: str = ""  # "" for a good line


@st.composite
def people_files(draw: Any) -> tuple[list[Line], dict[str, Any]]:
    """A list of lines (a few wrong, each in one known way) and how to write them."""
    lines: list[Line] = []
    for n in range(draw(st.integers(1, 12))):
        name = draw(NAMES)
        email = f"newcomer{n}@fuzz.example.org"
        role = draw(st.sampled_from(ROLES))
        defect = draw(st.one_of(st.just(""), st.just(""), st.sampled_from([*DEFECTS, "duplicate"])))
        good = [line for line in lines if not line.defect]
        if defect == "duplicate" and not good:
            defect = ""
        cells = [name, email, role]
        if defect == "missing column":
            cells = cells[:2]
        elif defect == "extra column":
            cells.append(draw(st.sampled_from(["", "extra", "x"])))
        elif defect == "empty name":
            cells[0] = ""
        elif defect == "long name":
            cells[0] = "N" * draw(st.integers(151, 400))
        elif defect == "bad email":
            cells[1] = draw(st.sampled_from(BAD_EMAILS))
        elif defect == "bad role":
            cells[2] = draw(st.sampled_from(BAD_ROLES))
        elif defect == "duplicate":
            twin = draw(st.sampled_from(good))
            cells = [name, twin.cells[1].upper(), twin.cells[2]]
        lines.append(Line(cells, defect))
    how = {
        "header": draw(st.booleans()),
        "delimiter": draw(st.sampled_from([",", ";", "\t"])),
        "newline": draw(st.sampled_from(["\n", "\r\n"])),
        "encoding": draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])),
        "blank_every": draw(st.sampled_from([0, 0, 2, 3])),
    }
    return lines, how


def write(lines: list[Line], how: dict[str, Any]) -> tuple[bytes, dict[int, Line]]:
    """The file's bytes, and which line number each person is on."""
    rows: list[list[str]] = [["name", "email", "role"]] if how["header"] else []
    numbered: dict[int, Line] = {}
    for index, line in enumerate(lines):
        if how["blank_every"] and index and index % how["blank_every"] == 0:
            rows.append([])
        rows.append(line.cells)
        numbered[len(rows)] = line
    text = how["newline"].join(how["delimiter"].join(cells) for cells in rows) + how["newline"]
    return text.encode(how["encoding"], errors="replace"), numbered


@FUZZ
@given(file=people_files())
def test_a_wrong_line_is_named_and_a_good_file_is_imported_whole(world: World, file):
    lines, how = file
    body, numbered = write(lines, how)
    expected_bad = [number for number, line in numbered.items() if line.defect]
    submission = upload(world, body)
    assert_safe(submission)
    if expected_bad:
        errors = assert_refused_naming(submission, *expected_bad)
        assert len(errors) == len(expected_bad)
    else:
        assert not submission.refused, submission.describe()
        assert invited(submission) == len(lines), submission.describe()


# ---------------------------------------------------------------------------
# The cases the issue names
# ---------------------------------------------------------------------------
def test_ten_thousand_rows_are_refused_at_the_limit_and_nothing_is_written(world: World):
    limit = django_settings.CSV_IMPORT_MAX_ROWS
    body = "name,email,role\n" + "".join(
        f"Person {n},person{n}@example.org,mentee\n" for n in range(10_000)
    )
    errors = assert_refused_naming(upload(world, body.encode()), limit + 2)
    assert f"at most {limit} people" in errors[0][1]


def test_a_two_megabyte_file_is_refused_and_nothing_is_written(world: World):
    row = "Person With A Rather Long Name,someone.with.a.long.address@example.org,mentee\n"
    body = ("name,email,role\n" + row * (2 * 1024 * 1024 // len(row) + 1)).encode()
    assert len(body) > 2 * 1024 * 1024
    errors = assert_refused_naming(upload(world, body), 0)
    assert "larger than" in errors[0][1]


def test_an_empty_file_is_refused(world: World):
    submission = upload(world, b"")
    assert_safe(submission)
    assert submission.refused and not submission.writes
    assert "empty" in submission.response.content.decode()


@pytest.mark.parametrize("body", [b"name,email,role\n", b"name,email,role\n\n,,\n", b"\n\n"])
def test_a_file_with_nobody_in_it_is_refused(world: World, body: bytes):
    errors = assert_refused_naming(upload(world, body), 0)
    assert "no people" in errors[0][1]


def test_missing_and_extra_columns_are_named_by_line(world: World):
    body = b"name,email,role\nAnn,ann@example.org\nBen,ben@example.org,mentee,extra\nCy,cy@example.org,mentor\n"
    errors = assert_refused_naming(upload(world, body), 2, 3)
    assert "found 2" in errors[0][1] and "found 4" in errors[1][1]


def test_a_repeated_email_in_the_same_role_is_named_by_line(world: World):
    body = b"Ann,ann@example.org,mentee\nAnn Again,ANN@example.org,mentee\n"
    errors = assert_refused_naming(upload(world, body), 2)
    assert "repeats line 1" in errors[0][1]


def test_the_same_email_in_two_roles_is_two_invitations(world: World):
    submission = upload(world, b"Ann,ann@example.org,mentee\nAnn,ann@example.org,mentor\n")
    assert_safe(submission)
    assert not submission.refused and invited(submission) == 2


def test_utf16_with_a_byte_order_mark_is_refused_as_not_csv_text(world: World):
    body = "name,email,role\nZoë,zoe@example.org,mentee\n".encode("utf-16")
    errors = assert_refused_naming(upload(world, body), 0)
    assert "not a CSV text file" in errors[0][1]


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-8-sig"])
def test_a_western_european_encoding_keeps_the_names(world: World, encoding: str):
    body = "name;email;role\nZoë Ångström;zoe@example.org;mentee\n".encode(encoding)
    home = world.home
    client = Client()
    client.force_login(home.admin)
    response = client.post(
        reverse("programs:import", kwargs={"slug": home.program.slug}),
        {"file": SimpleUploadedFile("people.csv", body, content_type="text/csv")},
    )
    assert response.status_code == 302
    assert Invitation.objects.get(email="zoe@example.org").full_name == "Zoë Ångström"


def test_bytes_no_encoding_reads_are_refused_as_not_text(world: World):
    errors = assert_refused_naming(upload(world, b"Ann,ann@example.org,mentee\n\x81\x8d\n"), 0)
    assert "not UTF-8 text" in errors[0][1]


# ---------------------------------------------------------------------------
# A formula in a name: kept as data, neutralised in the export
# ---------------------------------------------------------------------------
def _sign_up_through_invitation(invitation: Invitation, full_name: str) -> User:
    """The invitee follows the link and signs up with the name the admin's file gave."""
    visitor = Client()
    link = reverse("programs:invitation", kwargs={"token": invitation_token(invitation)})
    assert visitor.get(link).status_code == 302
    response = visitor.post(
        reverse("account_signup"),
        {
            "full_name": full_name,
            "email": invitation.email,
            "time_zone": "Europe/Berlin",
            "password1": "a long enough passphrase 1",
            "password2": "a long enough passphrase 1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return User.objects.get(email=invitation.email)


def _export(world: World, name: str) -> list[list[str]]:
    client = Client()
    client.force_login(world.home.admin)
    response = client.get(reverse(name, kwargs={"slug": world.home.program.slug}))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("formula", ["=cmd()", "+1+1", "-2+3", "@SUM(A1:A9)", "=HYPERLINK(1)"])
def test_a_formula_name_is_kept_on_import_and_neutralised_in_the_export(world: World, formula):
    home = world.home
    admin = Client()
    admin.force_login(home.admin)
    response = admin.post(
        reverse("programs:import", kwargs={"slug": home.program.slug}),
        {
            "file": SimpleUploadedFile(
                "people.csv", f"{formula},formula@example.org,mentee\n".encode(), "text/csv"
            )
        },
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(program=home.program, email="formula@example.org")
    assert invitation.full_name == formula  # data, as written

    user = _sign_up_through_invitation(invitation, formula)
    assert user.full_name == formula
    assert Participant.objects.filter(user=user, program=home.program).exists()

    rows = _export(world, "reports:export_participants")
    mine = next(row for row in rows if "formula@example.org" in row)
    assert mine[0] == "'" + formula
    for export in ("reports:export_mentorships", "reports:export_requests"):
        rows += _export(world, export)
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), (cell, row)

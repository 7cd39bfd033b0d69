from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from programs.models import AuditEntry, Invitation, Role

pytestmark = pytest.mark.django_db


def _upload(client, program, content: bytes, name: str = "people.csv"):
    return client.post(
        reverse("programs:import", args=[program.slug]),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def test_good_file_invites_everyone(
    client, program, admin_user, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    content = (
        b"name,email,role\n"
        b"Ana Souza,ana@example.org,mentee\n"
        b"Ben Okoro,BEN@example.org,Mentor\n"
        b"\n"
        b"Cleo Park,cleo@example.org,admin\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, program, content)
    assert response.status_code == 302
    invitations = {
        (i.email, i.role, i.full_name) for i in Invitation.objects.filter(program=program)
    }
    assert invitations == {
        ("ana@example.org", Role.MENTEE, "Ana Souza"),
        ("ben@example.org", Role.MENTOR, "Ben Okoro"),
        ("cleo@example.org", Role.ADMIN, "Cleo Park"),
    }
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ana@example.org",
        "ben@example.org",
        "cleo@example.org",
    ]
    assert AuditEntry.objects.filter(program=program, action="invitation.import").exists()


def test_semicolons_no_header_and_excel_bom_are_read(client, program, admin_user):
    client.force_login(admin_user)
    content = (
        "\ufeffDara Ní Bhriain;dara@example.org;mentee\r\nEl Kim;el@example.org;mentor\r\n".encode()
    )
    assert _upload(client, program, content).status_code == 302
    assert set(Invitation.objects.values_list("full_name", flat=True)) == {
        "Dara Ní Bhriain",
        "El Kim",
    }


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(client, program, admin_user):
    client.force_login(admin_user)
    content = (
        b"name,email,role\n"
        b"Good Person,good@example.org,mentee\n"
        b"No Email,,mentee\n"
        b"Bad Role,badrole@example.org,boss\n"
        b"Too,many,columns,here\n"
        b"Good Person Again,good@example.org,mentee\n"
    )
    response = _upload(client, program, content)
    assert response.status_code == 200
    errors = dict(response.context["csv_errors"])
    assert set(errors) == {3, 4, 5, 6}
    assert "not an email address" in errors[3]
    assert "boss is not a role" in errors[4]
    assert "expected 3 columns" in errors[5]
    assert "repeats line 2" in errors[6]
    page = response.content.decode()
    assert "Line 4: boss is not a role" in page
    assert "Nothing was imported" in page
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_existing_participants_are_skipped_not_failed(client, program, admin_user, mentee):
    client.force_login(admin_user)
    content = f"Mia Mentee,{mentee.email},mentee\nNew One,new1@example.org,mentee\n".encode()
    response = _upload(client, program, content)
    assert response.status_code == 302
    assert list(Invitation.objects.values_list("email", flat=True)) == ["new1@example.org"]


def test_binary_file_is_refused(client, program, admin_user):
    client.force_login(admin_user)
    response = _upload(client, program, b"\x89PNG\r\n\x1a\n\x00\x00\x00binary")
    assert response.status_code == 200
    assert "not a CSV text file" in response.content.decode()
    assert not Invitation.objects.exists()


@override_settings(CSV_IMPORT_MAX_BYTES=100)
def test_oversized_file_is_refused(client, program, admin_user):
    client.force_login(admin_user)
    content = ("Person,p@example.org,mentee\n" * 10).encode()
    response = _upload(client, program, content)
    assert "larger than" in response.content.decode()
    assert not Invitation.objects.exists()


@override_settings(CSV_IMPORT_MAX_ROWS=2)
def test_too_many_rows_are_refused(client, program, admin_user):
    client.force_login(admin_user)
    content = b"A,a@example.org,mentee\nB,b@example.org,mentee\nC,c@example.org,mentee\n"
    response = _upload(client, program, content)
    assert "at most 2 people" in response.content.decode()
    assert not Invitation.objects.exists()


def test_empty_file_is_refused(client, program, admin_user):
    client.force_login(admin_user)
    response = _upload(client, program, b"name,email,role\n")
    assert "no people" in response.content.decode()


def test_a_failure_half_way_leaves_nothing(program, admin_user, monkeypatch):
    """If creating the third invitation fails, the first two are rolled back."""
    import io

    from programs import services

    real_create = services.invitation_create
    calls = {"n": 0}

    def flaky(**kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("database went away")
        return real_create(**kwargs)

    monkeypatch.setattr(services, "invitation_create", flaky)
    content = b"A,a@example.org,mentee\nB,b@example.org,mentee\nC,c@example.org,mentee\n"
    with pytest.raises(RuntimeError):
        services.invitations_import_csv(
            program=program, invited_by=admin_user, upload=io.BytesIO(content)
        )
    assert not Invitation.objects.exists()


# ---------------------------------------------------------------------------
# Delimiters: the first line decides, whatever the other lines look like
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_any_delimiter_and_line_end_with_empty_lines_is_read(
    client, program, admin_user, delimiter, newline
):
    client.force_login(admin_user)
    lines = [
        ["name", "email", "role"],
        ["Ana Souza", "ana@example.org", "mentee"],
        [],
        [],
        ["Ben Okoro", "ben@example.org", "mentor"],
    ]
    content = newline.join(delimiter.join(cells) for cells in lines) + newline
    assert _upload(client, program, content.encode()).status_code == 302
    assert set(Invitation.objects.values_list("email", flat=True)) == {
        "ana@example.org",
        "ben@example.org",
    }


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_a_short_line_in_a_semicolon_or_tab_file_is_the_only_one_named(
    client, program, admin_user, delimiter
):
    client.force_login(admin_user)
    lines = [
        ["Ana Souza", "ana@example.org", "mentee"],
        ["Ben Okoro", "ben@example.org"],
        ["Cleo Park", "cleo@example.org", "admin", "extra"],
        ["Dan Ruiz", "dan@example.org", "mentor"],
    ]
    content = "\r\n".join(delimiter.join(cells) for cells in lines).encode()
    response = _upload(client, program, content)
    errors = dict(response.context["csv_errors"])
    assert set(errors) == {2, 3}
    assert "found 2" in errors[2] and "found 4" in errors[3]
    assert not Invitation.objects.exists()


def test_a_first_line_with_a_column_too_few_still_sets_the_delimiter(client, program, admin_user):
    client.force_login(admin_user)
    content = b"Ana Souza;ana@example.org\nBen Okoro;ben@example.org;mentor\n"
    errors = dict(_upload(client, program, content).context["csv_errors"])
    assert set(errors) == {1}
    assert "found 2" in errors[1]


def test_other_delimiters_inside_a_name_do_not_confuse_it(client, program, admin_user):
    client.force_login(admin_user)
    content = (
        b'"Okoro, Ben";ben@example.org;mentor\n'
        b"Souza, Ana;ana@example.org;mentee\n"
        b'"Park; Cleo";cleo@example.org;admin\n'
    )
    assert _upload(client, program, content).status_code == 302
    assert set(Invitation.objects.values_list("full_name", flat=True)) == {
        "Okoro, Ben",
        "Souza, Ana",
        "Park; Cleo",
    }


def test_a_first_name_with_two_commas_in_a_semicolon_file(client, program, admin_user):
    """Read with commas, the first line is three columns too; the address second decides."""
    client.force_login(admin_user)
    content = b"Smith, Jr., John;john@example.org;mentor\nAna Souza;ana@example.org;mentee\n"
    assert _upload(client, program, content).status_code == 302
    assert Invitation.objects.get(email="john@example.org").full_name == "Smith, Jr., John"


def test_a_name_with_a_semicolon_in_a_comma_file(client, program, admin_user):
    client.force_login(admin_user)
    content = b"Ana;Souza,ana@example.org,mentee\nBen Okoro,ben@example.org,mentor\n"
    assert _upload(client, program, content).status_code == 302
    assert Invitation.objects.get(email="ana@example.org").full_name == "Ana;Souza"


def test_spaces_after_the_delimiter_and_quoted_cells(client, program, admin_user):
    client.force_login(admin_user)
    content = b'name, email, role\n"Okoro, Ben", "ben@example.org", mentor\n'
    assert _upload(client, program, content).status_code == 302
    assert Invitation.objects.get(email="ben@example.org").full_name == "Okoro, Ben"


def test_a_file_without_delimiters_says_how_to_separate_the_columns(client, program, admin_user):
    client.force_login(admin_user)
    response = _upload(client, program, b"Ana Souza ana@example.org mentee\n")
    errors = dict(response.context["csv_errors"])
    assert "found 1; separate them with commas, semicolons or tabs" in errors[1]
    assert not Invitation.objects.exists()


def test_an_email_longer_than_its_column_is_named_by_line(client, program, admin_user):
    """Django's validate_email takes 320 characters; Invitation.email holds 254."""
    client.force_login(admin_user)
    longest = "a" * 242 + "@example.org"  # 254 characters
    content = f"Ana,{longest},mentee\nBen,{'b' + longest},mentor\n".encode()
    response = _upload(client, program, content)
    assert dict(response.context["csv_errors"]) == {
        2: "the email address is longer than 254 characters."
    }
    assert "Line 2: the email address is longer than 254 characters." in response.content.decode()
    assert not Invitation.objects.exists()
    # The longest address the column holds is fine.
    assert _upload(client, program, f"Ana,{longest},mentee\n".encode()).status_code == 302
    assert Invitation.objects.get().email == longest


@pytest.mark.parametrize(
    "header",
    [
        "email,full_name,role",
        "Role;E-mail;Name",
        "role\temail address\tfirst name\tlast name",
        "E-Mail,Name,Department,Role",
    ],
)
def test_columns_are_taken_by_their_header_names_in_any_order(client, program, admin_user, header):
    delimiter = ";" if ";" in header else "\t" if "\t" in header else ","
    columns = [c.strip().lower() for c in header.split(delimiter)]
    people = [("Ann Able", "ann@example.org", "mentee"), ("Ben Baker", "ben@example.org", "Mentor")]
    lines = [header]
    for name, email, role in people:
        first, last = name.split()
        values = {
            "email": email,
            "e-mail": email,
            "email address": email,
            "full_name": name,
            "name": name,
            "first name": first,
            "last name": last,
            "role": role,
            "department": "Research",
        }
        lines.append(delimiter.join(values[c] for c in columns))
    client.force_login(admin_user)

    response = _upload(client, program, "\n".join(lines).encode())

    assert response.status_code == 302, response.context and response.context["csv_errors"]
    invited = set(Invitation.objects.values_list("email", "role"))
    assert invited == {("ann@example.org", "mentee"), ("ben@example.org", "mentor")}


def test_a_header_without_a_role_column_is_named(client, program, admin_user):
    client.force_login(admin_user)
    response = _upload(client, program, b"email,name\nann@example.org,Ann\n")
    assert response.status_code == 200
    assert response.context["csv_errors"] == [(1, "the header has no column for a role.")]
    assert "fix the lines listed above" in response.content.decode()
    assert not Invitation.objects.exists()

"""Reading an uploaded CSV of people to invite: decoded and checked defensively, nothing
written. ``programs.services.invitations_import_csv`` applies the rows it returns."""

from __future__ import annotations

import _csv
import csv
import io
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mentorship.errors import DomainError
from mentorship.validators import EMAIL_MAX_LENGTH, validate_email_address
from programs.models import Role

# (line number, name, email, role) of one person in the file.
CsvRow = tuple[int, str, str, str]


class CsvImportError(DomainError):
    """The file has bad rows; ``errors`` lists (line number, message) and nothing was imported."""

    def __init__(self, errors: list[tuple[int, str]]) -> None:
        self.errors = errors
        first = "; ".join(
            _("line %(line)s: %(problem)s") % {"line": line, "problem": message}
            for line, message in errors[:3]
        )
        if len(errors) > 3:
            summary = _("Nothing was imported. %(problems)s (and %(more)s more)") % {
                "problems": first,
                "more": len(errors) - 3,
            }
        else:
            summary = _("Nothing was imported. %(problems)s") % {"problems": first}
        super().__init__(summary, field="file")


_DELIMITERS = (",", ";", "\t")  # the first is the default
_ROLE_WORDS = {
    "admin": Role.ADMIN,
    "program admin": Role.ADMIN,
    "mentor": Role.MENTOR,
    "mentee": Role.MENTEE,
}


def csv_people_read(upload: IO[bytes]) -> list[CsvRow]:
    """The people in an uploaded CSV of name, email, role; CsvImportError lists every bad line."""
    rows, errors = _parse_rows(_decode_csv(upload))
    if errors:
        raise CsvImportError(errors)
    if not rows:
        raise CsvImportError([(0, _("the file has no people in it."))])
    return rows


def _decode_csv(upload: IO[bytes]) -> str:
    raw = upload.read(settings.CSV_IMPORT_MAX_BYTES + 1)
    if len(raw) > settings.CSV_IMPORT_MAX_BYTES:
        raise CsvImportError(
            [
                (
                    0,
                    _("the file is larger than %(size)s KB.")
                    % {"size": settings.CSV_IMPORT_MAX_BYTES // 1024},
                )
            ]
        )
    if b"\x00" in raw:
        raise CsvImportError([(0, _("this is not a CSV text file."))])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise CsvImportError([(0, _("the file is not UTF-8 text."))]) from exc


def _csv_reader(text: str, delimiter: str) -> _csv.Reader:
    # newline="": the reader sees \n, \r\n and \r line ends alike (and line breaks in quotes).
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True)


def _first_line_cells(text: str, delimiter: str) -> list[str]:
    """The first non-empty line's cells when read with this delimiter."""
    try:
        for record in _csv_reader(text, delimiter):
            if any(cell.strip() for cell in record):
                return record
    except csv.Error:
        pass  # the main read names the line
    return []


def _delimiter(text: str) -> str:
    """The delimiter the file's first line (the header, or the first person) is written with.

    One that makes it three columns with an address (or "email") second, as in
    "Smith, Jr., John;john@example.com;mentor"; else one that makes it three columns; else the
    one that splits it most (so a short or long first line is named as such). The first line
    alone decides: csv.Sniffer wants every line alike, so one wrong line, or an empty one
    between Windows line ends, threw it off.
    """
    cells = {delimiter: _first_line_cells(text, delimiter) for delimiter in _DELIMITERS}
    three = [delimiter for delimiter in _DELIMITERS if len(cells[delimiter]) == 3]
    for delimiter in three:
        second = cells[delimiter][1].strip().lower()
        if "@" in second or second == "email":
            return delimiter
    if three:
        return three[0]
    return max(_DELIMITERS, key=lambda delimiter: len(cells[delimiter]))


# A header's column names, as people write them: compared without case, spaces, "-", "_" or ".".
_ALIASES = {
    "name": {"name", "fullname", "displayname", "person"},
    "first": {"firstname", "givenname", "forename"},
    "last": {"lastname", "surname", "familyname"},
    "email": {"email", "emailaddress", "mail", "workemail"},
    "role": {"role", "as", "type", "programrole"},
}
_POSITIONAL = {"name": 0, "email": 1, "role": 2}


def _column_key(cell: str) -> str:
    return "".join(ch for ch in cell.strip().lower() if ch not in " -_.")


def _header(cells: list[str]) -> dict[str, int] | None:
    """The columns a header line names (by name, in any order, other columns ignored); None
    when the line is a person rather than a header."""
    if any("@" in cell for cell in cells):
        return None
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = _column_key(cell)
        for column, words in _ALIASES.items():
            if key in words and column not in found:
                found[column] = index
    return found if "email" in found else None


def _header_problem(columns: dict[str, int]) -> str:
    has_name = "name" in columns or "first" in columns
    has_role = "role" in columns
    if not has_name and not has_role:
        return _("the header has no column for a name (or first and last name) or a role.")
    if not has_name:
        return _("the header has no column for a name (or first and last name).")
    if not has_role:
        return _("the header has no column for a role.")
    return ""


def _parse_rows(text: str) -> tuple[list[CsvRow], list[tuple[int, str]]]:
    """Rows as (line, name, email, role) and the errors, without touching the database. A
    header line, if there is one, says which column is which; without one the columns are
    name, email, role."""
    rows: list[CsvRow] = []
    errors: list[tuple[int, str]] = []
    reader = _csv_reader(text, _delimiter(text))
    seen: dict[tuple[str, str], int] = {}
    columns: dict[str, int] | None = None
    positional = True  # no header: name, email, role
    width, named_header = 3, ""
    try:
        for record in reader:
            line = reader.line_num
            cells = [cell.strip() for cell in record]
            if not any(cells):
                continue
            if columns is None:
                columns = _header(cells)
                if columns is not None:
                    positional = False
                    width, named_header = len(cells), ", ".join(cells)
                    problem = _header_problem(columns)
                    if problem:
                        errors.append((line, problem))
                        break
                    continue  # the header line
                columns = dict(_POSITIONAL)
            if len(rows) + len(errors) >= settings.CSV_IMPORT_MAX_ROWS:
                errors.append(
                    (
                        line,
                        _("a file may hold at most %(count)s people.")
                        % {"count": settings.CSV_IMPORT_MAX_ROWS},
                    )
                )
                break
            if positional and len(cells) != 3:
                if len(cells) == 1:
                    problem = _(
                        "expected 3 columns (name, email, role), found %(count)s; separate them "
                        "with commas, semicolons or tabs."
                    )
                else:
                    problem = _("expected 3 columns (name, email, role), found %(count)s.")
                errors.append((line, problem % {"count": len(cells)}))
                continue
            if not positional and len(cells) != width:
                errors.append(
                    (
                        line,
                        _(
                            "expected %(width)s columns as in the header (%(header)s), "
                            "found %(count)s."
                        )
                        % {"width": width, "header": named_header, "count": len(cells)},
                    )
                )
                continue
            named = {column: cells[index] for column, index in columns.items()}
            name = named.get("name") or " ".join(
                part for part in (named.get("first", ""), named.get("last", "")) if part
            )
            problem, row = _person(line, name, named["email"], named.get("role", ""), seen)
            if problem:
                errors.append((line, problem))
            else:
                assert row is not None
                rows.append(row)
    except csv.Error as exc:
        errors.append(
            (reader.line_num, _("the file is not valid CSV (%(error)s).") % {"error": exc})
        )
    return rows, errors


def _person(
    line: int, name: str, email: str, role_word: str, seen: dict[tuple[str, str], int]
) -> tuple[str, CsvRow | None]:
    """One person's cells checked: the problem in words, or the row (``seen`` remembers it)."""
    problems = []
    if not name:
        problems.append(_("the name is empty"))
    if len(name) > 150:
        problems.append(_("the name is longer than 150 characters"))
    email = email.lower()
    try:
        validate_email_address(email)
    except ValidationError as exc:
        if exc.code == "max_length":
            problems.append(
                _("the email address is longer than %(count)s characters")
                % {"count": EMAIL_MAX_LENGTH}
            )
        elif email:
            problems.append(_("%(email)s is not an email address") % {"email": email})
        else:
            problems.append(_("the email is not an email address"))
    role = _ROLE_WORDS.get(role_word.lower())
    if role is None:
        problems.append(
            _("%(role)s is not a role (use mentor, mentee or admin)") % {"role": role_word}
            if role_word
            else _("the role is not a role (use mentor, mentee or admin)")
        )
    if problems:
        return "; ".join(problems) + ".", None
    assert role is not None
    if (email, role) in seen:
        return _("%(email)s as %(role)s repeats line %(line)s.") % {
            "email": email,
            "role": role,
            "line": seen[(email, role)],
        }, None
    seen[(email, role)] = line
    return "", (line, name, email, str(role))

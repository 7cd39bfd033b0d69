"""Names and other one-line fields hold one line: no control characters, no line separators.

A name with a line break was saved, and every reminder email to that person's partner then
failed on its subject; one person could silence their partner's reminders. The rule is
``mentorship.validators.validate_single_line`` on every one-line field people type into, and
each app's data migration put the rows stored before on one line.
"""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from accounts.models import User
from mentorship.validators import SINGLE_LINE_MESSAGE, single_line, validate_single_line
from tests.factories import UserFactory

PASSWORD = "a long Twoway passphrase 42"  # noqa: S105 (test data)


@pytest.mark.parametrize(
    "value",
    ["Ann\nLee", "Ann\r\nLee", "Ann\tLee", "Ann\x0bLee", "Ann\x85Lee", "Ann\u2028Lee", "A\x7f"],
)
def test_validate_single_line_refuses_control_characters_and_line_separators(value):
    with pytest.raises(ValidationError, match=SINGLE_LINE_MESSAGE) as refused:
        validate_single_line(value)
    assert refused.value.code == "single_line"


@pytest.mark.parametrize(
    "value",
    # Format characters stay: a right-to-left mark in a name, a zero-width joiner in an emoji.
    ["Zoë Ó Briain", "Ann  Lee", "\u200fנועה", "Family 👩\u200d👩\u200d👧", ""],
)
def test_validate_single_line_accepts_one_line_of_any_script(value):
    validate_single_line(value)


@pytest.mark.parametrize(
    ("stored", "cleaned"),
    [
        ("Ann\r\nLee", "Ann Lee"),
        ("Ann \r\n\t Lee\x07", "Ann Lee"),
        ("\nAnn\u2028\u2029Lee\n", "Ann Lee"),
        ("Ann  Lee", "Ann  Lee"),
    ],
)
def test_single_line_replaces_each_run_of_control_characters_with_one_space(stored, cleaned):
    assert single_line(stored) == cleaned


@pytest.mark.django_db
def test_signup_refuses_a_name_with_a_line_break_next_to_the_field(client):
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "Ann\nBcc: x@example.com",
            "email": "ann@example.org",
            "time_zone": "UTC",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"full_name": [SINGLE_LINE_MESSAGE]}
    assert not User.objects.filter(email="ann@example.org").exists()


@pytest.mark.django_db
def test_profile_refuses_a_name_with_a_line_break_next_to_the_field(client):
    user = UserFactory(full_name="Ann Lee")
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "Ann\r\nLee", "time_zone": "UTC", "department": "", "job_title": "A\tB"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "full_name": [SINGLE_LINE_MESSAGE],
        "job_title": [SINGLE_LINE_MESSAGE],
    }
    user.refresh_from_db()
    assert user.full_name == "Ann Lee"


@pytest.mark.django_db
def test_the_admin_and_full_clean_refuse_a_name_with_a_line_break():
    user = User(email="z@example.org", full_name="Ann\nLee", department="Sales\x00")
    with pytest.raises(ValidationError) as refused:
        user.full_clean(exclude=["password"])
    assert refused.value.message_dict["full_name"] == [SINGLE_LINE_MESSAGE]
    assert SINGLE_LINE_MESSAGE in refused.value.message_dict["department"]


@pytest.mark.django_db
def test_the_accounts_data_migration_puts_stored_names_on_one_line():
    kept = UserFactory(full_name="Ann  Lee", job_title="Lead")
    broken = UserFactory()
    # Stored before the rule, around the forms (an old row, an import).
    User.objects.filter(pk=broken.pk).update(
        full_name="Bo \r\n Diaz\x07", department="Sales\u2028EMEA", job_title="\tLead\n"
    )
    migration = importlib.import_module("accounts.migrations.0002_single_line_names")
    migration.clean(apps, SimpleNamespace(connection=connection))
    broken.refresh_from_db()
    kept.refresh_from_db()
    assert (broken.full_name, broken.department, broken.job_title) == (
        "Bo Diaz",
        "Sales EMEA",
        "Lead",
    )
    assert (kept.full_name, kept.job_title) == ("Ann  Lee", "Lead")

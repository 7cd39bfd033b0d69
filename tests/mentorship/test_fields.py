"""An ``__in`` on an integer column leaves out the ids no column holds, on SQLite as on
PostgreSQL: a form's multiple choice and the admin's actions refuse them instead of crashing."""

from __future__ import annotations

import pytest
from django import forms
from django.urls import reverse

from programs.models import Program
from tests.accounts.factories import UserFactory
from tests.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db

HUGE = 10**30  # beyond any integer column (SQLite binds up to 2**63 - 1)


def test_in_leaves_out_ids_no_column_holds(program):
    assert list(Program.objects.filter(pk__in=[program.pk, HUGE, -HUGE])) == [program]
    assert list(Program.objects.filter(pk__in=[str(HUGE)])) == []
    assert list(Program.objects.exclude(pk__in=[HUGE])) == [program]


def test_in_still_takes_a_subquery(program):
    other = ProgramFactory()
    ids = Program.objects.filter(pk=other.pk).values("pk")
    assert list(Program.objects.filter(pk__in=ids)) == [other]


def test_a_multiple_choice_with_a_huge_id_is_an_invalid_choice(program):
    field = forms.ModelMultipleChoiceField(queryset=Program.objects.all())
    with pytest.raises(forms.ValidationError) as refused:
        field.clean([str(program.pk), str(HUGE)])
    assert refused.value.messages == [
        f"Select a valid choice. {HUGE} is not one of the available choices."
    ]
    assert list(field.clean([str(program.pk)])) == [program]


def test_an_admin_action_acts_only_on_the_ids_that_exist(client, program):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:programs_program_changelist")
    selected = {"action": "delete_selected", "_selected_action": [str(program.pk), str(HUGE)]}
    confirm = client.post(url, selected)
    assert confirm.status_code == 200
    assert list(confirm.context["queryset"]) == [program]
    assert client.post(url, {**selected, "post": "yes"}).status_code == 302
    assert not Program.objects.exists()

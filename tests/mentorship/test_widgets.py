"""QuickSelect writes the markup Django's Select writes, less the blank lines."""

from __future__ import annotations

import re

import pytest
from django import forms

from mentorship.widgets import QuickSelect

CHOICES = [
    ("", "Pick one"),
    (1, "Ann & Bo <Co>"),
    (2, 'Dee "D" O\'Neil'),
    ("Group", [(3, "Émile"), (4, "Zoë")]),
]


def _squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("value", [None, 2, "3", ""])
@pytest.mark.parametrize("attrs", [{}, {"class": "form-select", "required": True, "id": "id_x"}])
def test_quick_select_writes_what_django_writes(value, attrs):
    django_html = forms.Select(choices=CHOICES, attrs=attrs).render("x", value)
    quick_html = QuickSelect(choices=CHOICES, attrs=attrs).render("x", value)
    assert _squeezed(quick_html) == _squeezed(django_html)


def test_a_model_choice_field_with_quick_select_still_checks_what_is_sent(db):
    from programs.models import Organization

    first = Organization.objects.create(name="First", slug="first")
    field = forms.ModelChoiceField(queryset=Organization.objects.all(), widget=QuickSelect)
    assert f'<option value="{first.pk}">First</option>' in field.widget.render("org", None)
    assert field.clean(str(first.pk)) == first
    with pytest.raises(forms.ValidationError):
        field.clean("999999")

from __future__ import annotations

from django import forms

from api.scopes import Scope
from mentorship.validators import validate_single_line


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        validators=[validate_single_line],
        help_text="What will use it, so you know which to revoke: “HR dashboard”.",
    )
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        label="It may read",
        error_messages={"required": "Choose what the token may read."},
    )

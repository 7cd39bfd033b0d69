from __future__ import annotations

from django import forms

from api.integrations import INTEGRATION_SCOPES
from api.scopes import Scope
from mentorship.validators import validate_single_line
from programs.events import EVENTS


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


class WebhookForm(forms.Form):
    url = forms.URLField(
        label="Address",
        max_length=500,
        assume_scheme="https",
        help_text="Where Twoway sends events: an https:// address of your system.",
    )
    description = forms.CharField(
        max_length=200, required=False, validators=[validate_single_line], label="What it is"
    )
    events = forms.MultipleChoiceField(
        choices=list(EVENTS.items()),
        widget=forms.CheckboxSelectMultiple,
        label="Events it hears",
        error_messages={"required": "Choose the events it hears."},
    )


class IntegrationForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        validators=[validate_single_line],
        help_text="The system that will use it: “Workday”, “Power BI”.",
    )
    scopes = forms.MultipleChoiceField(
        choices=[(scope, Scope(scope).label) for scope in INTEGRATION_SCOPES],
        widget=forms.CheckboxSelectMultiple,
        label="It may read",
        error_messages={"required": "Choose what it may read."},
    )

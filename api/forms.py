from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from api.integrations import INTEGRATION_SCOPES
from api.scopes import Scope
from mentorship.validators import validate_single_line
from programs.events import EVENTS


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        validators=[validate_single_line],
        help_text=_("What will use it, so you know which to revoke: “HR dashboard”."),
    )
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        label=_("It may read"),
        error_messages={"required": _("Choose what the token may read.")},
    )


class WebhookForm(forms.Form):
    url = forms.URLField(
        label=_("Address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Where Twoway sends events: an https:// address of your system."),
    )
    description = forms.CharField(
        max_length=200, required=False, validators=[validate_single_line], label=_("What it is")
    )
    events = forms.MultipleChoiceField(
        choices=list(EVENTS.items()),
        widget=forms.CheckboxSelectMultiple,
        label=_("Events it hears"),
        error_messages={"required": _("Choose the events it hears.")},
    )


class IntegrationForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        validators=[validate_single_line],
        help_text=_("The system that will use it: “Workday”, “Power BI”."),
    )
    scopes = forms.MultipleChoiceField(
        choices=[(scope, Scope(scope).label) for scope in INTEGRATION_SCOPES],
        widget=forms.CheckboxSelectMultiple,
        label=_("It may read"),
        error_messages={"required": _("Choose what it may read.")},
    )

from __future__ import annotations

from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms

from accounts.models import User
from accounts.timezones import TimeZoneSelect, timezone_choices


class SignupForm(AllauthSignupForm):
    full_name = forms.CharField(
        max_length=150, label="Full name", widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    time_zone = forms.ChoiceField(
        label="Time zone",
        choices=timezone_choices,
        widget=TimeZoneSelect,
        initial="UTC",
        help_text="Reminders and contact windows are shown in this zone.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Name first: it reads as an introduction, not a login form.
        order = ["full_name", "email", "time_zone", "password1", "password2"]
        self.order_fields(order)


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label="Time zone", choices=timezone_choices, widget=TimeZoneSelect
    )

    class Meta:
        model = User
        fields = ["full_name", "time_zone", "department", "job_title"]
        labels = {"full_name": "Full name", "job_title": "Job title"}

from __future__ import annotations

from typing import Any

from django import forms

from accounts.models import User
from accounts.timezones import TimeZoneSelect, timezone_choices
from matching.models import Availability, ContactWindow


class DetailsForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["department", "job_title"]
        labels = {"job_title": "Role / job title"}

    prefix = "details"


class AvailabilityForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=timezone_choices, widget=TimeZoneSelect, help_text="Your windows are in this zone."
    )

    class Meta:
        model = Availability
        fields = ["time_zone", "minimum_notice_hours", "cancellation_notice_hours"]

    prefix = "availability"


class ContactWindowForm(forms.ModelForm):
    class Meta:
        model = ContactWindow
        fields = ["weekday", "start_time", "end_time"]
        labels = {"start_time": "From", "end_time": "Until"}
        widgets = {
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and start >= end and not cleaned.get("DELETE"):
            self.add_error("end_time", "The window must end after it starts.")
        return cleaned


ContactWindowFormSet = forms.inlineformset_factory(
    Availability, ContactWindow, form=ContactWindowForm, extra=2, can_delete=True, max_num=42
)

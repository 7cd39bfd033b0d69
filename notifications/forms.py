from __future__ import annotations

from datetime import time
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from notifications.models import Reminder
from notifications.reminders import CHANNELS, CHOOSABLE, Preferences

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CHANNEL_LABELS = {"in_app": _("In the app"), "email": _("Email"), "digest": _("Weekly digest")}


class PreferencesForm(forms.Form):
    quiet_start = forms.TimeField(
        label=_("Quiet from"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    quiet_end = forms.TimeField(
        label=_("until"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    def __init__(
        self,
        *args: Any,
        preferences: Preferences,
        kinds: tuple[str, ...] | list[str] = CHOOSABLE,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kinds = list(kinds)
        self.fields["quiet_start"].initial = preferences.quiet_start
        self.fields["quiet_end"].initial = preferences.quiet_end
        for kind in self.kinds:
            label = Reminder(kind).label
            chosen = preferences.for_kind(kind)
            for channel in CHANNELS:
                self.fields[f"{kind}__{channel}"] = forms.BooleanField(
                    required=False,
                    initial=chosen[channel],
                    # No words to translate: each part is made in the page's language.
                    label=format_lazy("{}: {}", label, CHANNEL_LABELS[channel]),
                )

    def kind_rows(self) -> list[tuple[StrOrPromise, list[forms.BoundField]]]:
        return [
            (Reminder(kind).label, [self[f"{kind}__{channel}"] for channel in CHANNELS])
            for kind in self.kinds
        ]

    def to_service(self) -> dict[str, Any]:
        data = self.cleaned_data
        channels = {kind: {c: data[f"{kind}__{c}"] for c in CHANNELS} for kind in self.kinds}
        start: time = data["quiet_start"]
        end: time = data["quiet_end"]
        return {"channels": channels, "quiet_start": start, "quiet_end": end}

"""The directory's filter form: every choice comes from the program or the models."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.db import models

from matching.directory.selectors import DirectoryFilters
from matching.models import HelpKind, MeetingFormat
from mentorship.widgets import QuickSelect
from programs.models import Topic


class Room(models.TextChoices):
    NOW = "now", "Has room now"
    ALL = "all", "Everyone (full, away or not accepting shown last)"


class DirectoryFilterForm(forms.Form):
    """The directory's GET form; every choice comes from the program or the models."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        help_text="Name, headline, bio or topic.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    topic = forms.TypedChoiceField(
        label="Topic", required=False, coerce=int, empty_value=None, widget=QuickSelect
    )
    help = forms.ChoiceField(
        label="Help offered",
        required=False,
        choices=[("", "Any"), *HelpKind.choices],
        widget=QuickSelect,
    )
    format = forms.ChoiceField(
        label="Meets by",
        required=False,
        choices=[("", "Any"), *MeetingFormat.choices],
        widget=QuickSelect,
    )
    department = forms.ChoiceField(label="Department", required=False, widget=QuickSelect)
    outside_department = forms.BooleanField(label="Outside my department", required=False)
    overlap = forms.BooleanField(label="Contact windows overlap my working hours", required=False)
    room = forms.ChoiceField(
        label="Availability", required=False, choices=Room.choices, widget=QuickSelect
    )

    def __init__(
        self, *args: Any, topics: Iterable[Topic], departments: Iterable[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._set_choices("topic", [("", "Any"), *((str(t.pk), t.name) for t in topics)])
        self._set_choices("department", [("", "Any"), *((d, d) for d in departments)])

    def _set_choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        form_field = self.fields[name]
        assert isinstance(form_field, forms.ChoiceField)
        form_field.choices = choices

    def clean_room(self) -> str:
        return self.cleaned_data.get("room") or Room.NOW

    def filters(self) -> DirectoryFilters:
        """The valid filters; an invalid one is left out (and the form shows its error)."""
        if not self.is_bound:
            return DirectoryFilters()
        self.is_valid()
        data = self.cleaned_data
        return DirectoryFilters(
            query=data.get("q") or "",
            topic_id=data.get("topic"),
            help=data.get("help") or "",
            format=data.get("format") or "",
            department=data.get("department") or "",
            outside_department=bool(data.get("outside_department")),
            overlap=bool(data.get("overlap")),
            has_room=(data.get("room") or Room.NOW) == Room.NOW,
        )

    def query_string(self) -> str:
        """The filters in use, for page links."""
        f = self.filters()
        pairs = [
            ("q", f.query),
            ("topic", "" if f.topic_id is None else str(f.topic_id)),
            ("help", f.help),
            ("format", f.format),
            ("department", f.department),
            ("outside_department", "on" if f.outside_department else ""),
            ("overlap", "on" if f.overlap else ""),
            ("room", "" if f.has_room else Room.ALL),
        ]
        return urlencode([(k, v) for k, v in pairs if v])

"""The directory's filter form: every choice comes from the program or the models."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.languages import language_name
from matching.directory.selectors import DirectoryFilters
from matching.models import HelpKind, MeetingFormat
from mentorship.widgets import QuickSelect
from programs.models import Topic


class Room(models.TextChoices):
    NOW = "now", _("Has room now")
    ALL = "all", _("Everyone (full, away or not accepting shown last)")


class DirectoryFilterForm(forms.Form):
    """The directory's GET form; every choice comes from the program or the models."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Name, headline, bio or topic."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    topic = forms.TypedChoiceField(
        label=_("Topic"), required=False, coerce=int, empty_value=None, widget=QuickSelect
    )
    help = forms.ChoiceField(
        label=_("Help offered"),
        required=False,
        choices=[("", _("Any")), *HelpKind.choices],
        widget=QuickSelect,
    )
    format = forms.ChoiceField(
        label=_("Meets by"),
        required=False,
        choices=[("", _("Any")), *MeetingFormat.choices],
        widget=QuickSelect,
    )
    department = forms.ChoiceField(label=_("Department"), required=False, widget=QuickSelect)
    outside_department = forms.BooleanField(label=_("Outside my department"), required=False)
    language = forms.ChoiceField(label=_("Speaks"), required=False, widget=QuickSelect)
    overlap = forms.BooleanField(
        label=_("Contact windows overlap my working hours"), required=False
    )
    room = forms.ChoiceField(
        label=_("Availability"), required=False, choices=Room.choices, widget=QuickSelect
    )

    def __init__(
        self,
        *args: Any,
        topics: Iterable[Topic],
        departments: Iterable[str],
        languages: Iterable[str] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._set_choices("topic", [("", _("Any")), *((str(t.pk), t.name) for t in topics)])
        self._set_choices("department", [("", _("Any")), *((d, d) for d in departments)])
        named = sorted(((code, language_name(code)) for code in languages), key=lambda c: c[1])
        self._set_choices("language", [("", _("Any")), *named])

    def _set_choices(self, name: str, choices: list[tuple[str, Any]]) -> None:
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
            language=data.get("language") or "",
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
            ("language", f.language),
            ("overlap", "on" if f.overlap else ""),
            ("room", "" if f.has_room else Room.ALL),
        ]
        return urlencode([(k, v) for k, v in pairs if v])

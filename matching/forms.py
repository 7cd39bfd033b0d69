from __future__ import annotations

from typing import Any

from django import forms

from accounts.models import User
from matching.models import MenteeProfile, MentorProfile
from matching.services import MENTEE_FIELDS, MENTOR_FIELDS
from programs.models import Program, Topic


class GoalSharingForm(forms.Form):
    mentors = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Share with",
        help_text="Only the mentors you tick see this goal. Nobody else does, program admins included.",
    )

    def __init__(self, *args: Any, mentors: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["mentors"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(m.pk), m.get_full_name()) for m in mentors]


def _organization_topics(program: Program) -> Any:
    return Topic.objects.filter(organization_id=program.organization_id)


class MentorProfileForm(forms.ModelForm):
    prefix = "mentor"

    class Meta:
        model = MentorProfile
        fields = [
            *MENTOR_FIELDS[:4],
            "topics",
            *MENTOR_FIELDS[4:7],
            "cannot_help_topics",
            *MENTOR_FIELDS[7:],
        ]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 4}),
            "cannot_help_with": forms.Textarea(attrs={"rows": 2}),
            "topics": forms.CheckboxSelectMultiple,
            "cannot_help_topics": forms.CheckboxSelectMultiple,
            "away_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        labels = {
            "topics": "Topics you can help with",
            "cannot_help_topics": "Topics you cannot help with",
            "cannot_help_with": "What you cannot help with",
            "accepting_requests": "Accepting new requests",
        }

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("topics", "cannot_help_topics"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = _organization_topics(program)
            field.required = False


class MenteeProfileForm(forms.ModelForm):
    class Meta:
        model = MenteeProfile
        fields = list(MENTEE_FIELDS)
        widgets = {
            "note_to_mentors": forms.Textarea(attrs={"rows": 3}),
            "working_hours_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "working_hours_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        labels = {
            "help_wanted": "Help you want",
            "formats": "Formats you prefer",
            "working_hours_start": "Your working day starts",
            "working_hours_end": "and ends",
        }

    prefix = "mentee"

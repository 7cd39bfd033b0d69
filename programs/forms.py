from __future__ import annotations

from typing import Any

from django import forms

from mentorship.validators import EmailAddressField, validate_single_line
from programs.models import (
    PROGRAM_SETTINGS_FIELDS,
    Announcement,
    Organization,
    Participant,
    Program,
    Role,
)

# Paths under /programs/ that are not programs.
RESERVED_SLUGS = {"new", "invitations"}


class ProgramForm(forms.ModelForm):
    class Meta:
        model = Program
        fields = list(PROGRAM_SETTINGS_FIELDS)
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only group programs use it: left empty, it keeps what the program has (6 at first).
        self.fields["circle_size"].required = False

    def clean_circle_size(self) -> int:
        size = self.cleaned_data.get("circle_size")
        return size if size is not None else self.instance.circle_size


class ProgramCreateForm(ProgramForm):
    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), empty_label=None)
    slug = forms.SlugField(
        max_length=60,
        help_text="Letters, digits and hyphens; the program's address: /programs/<slug>/.",
    )

    class Meta(ProgramForm.Meta):
        fields = ["organization", "name", "slug", *PROGRAM_SETTINGS_FIELDS[1:]]

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organization_field = self.fields["organization"]
        assert isinstance(organization_field, forms.ModelChoiceField)
        organization_field.queryset = organizations

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].lower()
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(f"{slug} is a reserved word here; pick another slug.")
        if Program.objects.filter(slug=slug).exists():
            raise forms.ValidationError("Another program uses this address; pick another slug.")
        return slug


class InvitationForm(forms.Form):
    full_name = forms.CharField(
        max_length=150, required=False, label="Name (optional)", validators=[validate_single_line]
    )
    email = EmailAddressField(label="Email address")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MENTEE)


class CsvImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Three columns: name, email, role (mentor, mentee or admin). A header line is optional.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class ApplyForm(forms.Form):
    role = forms.ChoiceField(
        choices=[
            (Role.MENTEE.value, "Mentee: I want a mentor"),
            (Role.MENTOR.value, "Mentor: I want to mentor"),
        ],
        widget=forms.RadioSelect,
        initial=Role.MENTEE,
    )


class ParticipantFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        label="Search",
        widget=forms.TextInput(attrs={"placeholder": "Name, email or department"}),
    )
    role = forms.ChoiceField(required=False, choices=[("", "All roles"), *Role.choices])
    status = forms.ChoiceField(
        required=False,
        choices=[("", "All statuses"), *Participant.Status.choices],
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason (sent to the applicant, optional)",
    )


class TopicForm(forms.Form):
    name = forms.CharField(max_length=80, label="Topic", validators=[validate_single_line])


class AnnouncementForm(forms.Form):
    audience = forms.ChoiceField(
        choices=Announcement.Audience.choices,
        initial=Announcement.Audience.EVERYONE,
        widget=forms.RadioSelect,
        label="To",
    )
    title = forms.CharField(max_length=150, validators=[validate_single_line])
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Message",
        max_length=10000,
        help_text="Everyone you choose gets it in the app and by email.",
    )
    # Set by the confirmation step, which says how many people it reaches before it goes.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class EnrollmentForm(forms.Form):
    enrollment_open = forms.BooleanField(
        required=False,
        label="Enrollment is open",
        help_text="Open: people of the organization may apply to join.",
    )
    ends_on = forms.DateField(
        required=False,
        label="The program ends on",
        help_text="Move it later to extend the program; empty: no end date.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class ProgramCloseForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand: every active or paused mentorship ends, pending requests expire, and enrollment closes.",
        error_messages={"required": "Tick the box to confirm that you mean to close the program."},
    )

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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
        # The fields whose model field has no verbose name (Django would make these same words,
        # untranslated, from the field's name).
        labels = {
            "name": _("Name"),
            "description": _("Description"),
            "kind": _("Kind"),
            "starts_on": _("Starts on"),
            "ends_on": _("Ends on"),
            "enrollment_open": _("Enrollment open"),
            "matching_mode": _("Matching mode"),
            "other_department_only": _("Other department only"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only group programs use it: left empty, it keeps what the program has (6 at first).
        self.fields["circle_size"].required = False

    def clean_circle_size(self) -> int:
        size = self.cleaned_data.get("circle_size")
        return size if size is not None else self.instance.circle_size


class ProgramCreateForm(ProgramForm):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), empty_label=None, label=_("Organization")
    )
    slug = forms.SlugField(
        max_length=60,
        label=_("Slug"),
        help_text=_("Letters, digits and hyphens; the program's address: /programs/<slug>/."),
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
            raise forms.ValidationError(
                gettext("%(slug)s is a reserved word here; pick another slug.") % {"slug": slug}
            )
        if Program.objects.filter(slug=slug).exists():
            raise forms.ValidationError(
                gettext("Another program uses this address; pick another slug.")
            )
        return slug


class InvitationForm(forms.Form):
    full_name = forms.CharField(
        max_length=150,
        required=False,
        label=_("Name (optional)"),
        validators=[validate_single_line],
    )
    email = EmailAddressField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MENTEE)


class CsvImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Three columns: name, email, role (mentor, mentee or admin). A header line is optional."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class ApplyForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (Role.MENTEE.value, _("Mentee: I want a mentor")),
            (Role.MENTOR.value, _("Mentor: I want to mentor")),
        ],
        widget=forms.RadioSelect,
        initial=Role.MENTEE,
    )


class ParticipantFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        label=_("Search"),
        widget=forms.TextInput(attrs={"placeholder": _("Name, email or department")}),
    )
    role = forms.ChoiceField(
        required=False, label=_("Role"), choices=[("", _("All roles")), *Role.choices]
    )
    status = forms.ChoiceField(
        required=False,
        label=_("Status"),
        choices=[("", _("All statuses")), *Participant.Status.choices],
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Reason (sent to the applicant, optional)"),
    )


class TopicForm(forms.Form):
    name = forms.CharField(max_length=80, label=_("Topic"), validators=[validate_single_line])


class AnnouncementForm(forms.Form):
    audience = forms.ChoiceField(
        choices=Announcement.Audience.choices,
        initial=Announcement.Audience.EVERYONE,
        widget=forms.RadioSelect,
        label=_("To"),
    )
    title = forms.CharField(label=_("Title"), max_length=150, validators=[validate_single_line])
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label=_("Message"),
        max_length=10000,
        help_text=_("Everyone you choose gets it in the app and by email."),
    )
    # Set by the confirmation step, which says how many people it reaches before it goes.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class EnrollmentForm(forms.Form):
    enrollment_open = forms.BooleanField(
        required=False,
        label=_("Enrollment is open"),
        help_text=_("Open: people of the organization may apply to join."),
    )
    ends_on = forms.DateField(
        required=False,
        label=_("The program ends on"),
        help_text=_("Move it later to extend the program; empty: no end date."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class ProgramCloseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I understand: every active or paused mentorship ends, pending requests expire, and "
            "enrollment closes."
        ),
        error_messages={
            "required": _("Tick the box to confirm that you mean to close the program.")
        },
    )

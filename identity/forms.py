from __future__ import annotations

from django import forms

from programs.models import Organization, Program, Role


class ScimTokenForm(forms.Form):
    name = forms.CharField(
        max_length=80, help_text="Where it goes, say “Entra ID” or “Okta”: to tell tokens apart."
    )


class GroupMappingForm(forms.Form):
    group_name = forms.CharField(
        max_length=200, label="Group", help_text="Its name as the identity provider sends it."
    )
    program = forms.ModelChoiceField(queryset=Program.objects.none())
    role = forms.ChoiceField(choices=[(Role.MENTEE, "Mentees"), (Role.MENTOR, "Mentors")])

    def __init__(self, *args: object, organization: Organization, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["program"].queryset = Program.objects.filter(  # type: ignore[attr-defined]
            organization=organization
        ).order_by("name")


class PersonSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Find someone")

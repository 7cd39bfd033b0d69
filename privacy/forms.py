from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DeleteForm(forms.Form):
    """Deleting asks for one deliberate tick; re-authentication is allauth's, before this."""

    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone."),
        error_messages={"required": _("Tick this to confirm that you want the deletion.")},
    )


class RetentionForm(forms.Form):
    months = forms.IntegerField(
        label=_("Delete personal data this many months after a person's programs closed"),
        help_text=_("Leave empty to keep it until people or admins delete it (the default)."),
        required=False,
        min_value=1,
        max_value=240,
    )
    preview = forms.BooleanField(required=False, widget=forms.HiddenInput)

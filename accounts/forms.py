from __future__ import annotations

from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.timezones import TimeZoneSelect, timezone_choices
from mentorship.validators import validate_single_line


class SignupForm(AllauthSignupForm):
    full_name = forms.CharField(
        max_length=150,
        label=_("Full name"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        validators=[validate_single_line],
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=timezone_choices,
        widget=TimeZoneSelect,
        initial="UTC",
        help_text=_("Reminders and contact windows are shown in this zone."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Name first: it reads as an introduction, not a login form.
        order = ["full_name", "email", "time_zone", "password1", "password2"]
        self.order_fields(order)
        if not self.is_bound:
            # Proposed, not chosen: the page's script puts the browser's own zone here.
            self.fields["time_zone"].widget.proposed = "UTC"  # type: ignore[attr-defined]

    def try_save(self, request: HttpRequest) -> tuple[Any, Any]:
        # No account enumeration by time: making an account hashes the password (most of a
        # second with the production hasher), so an address that has one hashes it too, and
        # throws the hash away. Both paths then send their one mail the same way (allauth's
        # adapter, during the request). tests/accounts/test_signup_enumeration.py counts both.
        if self.account_already_exists:
            make_password(self.cleaned_data["password1"])
        return super().try_save(request)


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=timezone_choices, widget=TimeZoneSelect
    )

    class Meta:
        model = User
        fields = ["full_name", "time_zone", "language", "languages", "department", "job_title"]
        labels = {
            "full_name": _("Full name"),
            "job_title": _("Job title"),
            "language": _("Language"),
            "languages": _("Languages I speak"),
            "department": _("Department"),
        }
        help_texts = {
            "language": _("The language of these pages and of what Twoway sends you."),
            "languages": _("Mentees can look for mentors who speak their language."),
        }
        widgets = {"languages": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = [("", _("As my browser asks")), *settings.LANGUAGES]


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo"),
        help_text=_(
            "A JPEG, PNG or WebP of at most 5 MB. It is cropped to a square from its middle "
            "and made small; what the camera wrote into it (place, time) is left out."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

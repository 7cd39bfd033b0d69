from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from conversations.files import MAX_PER_MESSAGE, MAX_SIZE, size_words
from conversations.models import Message
from matching.models import Report


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's own recipe): a list, possibly empty."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class MessageForm(forms.Form):
    # The length is the service's to refuse, with the count: a browser's maxlength would cut
    # a pasted text short without a word.
    text = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 3}),
        strip=False,
        required=False,
        max_length=Message.MAX_LENGTH * 2,
    )
    attachments = MultipleFileField(
        label=_("Attach files"),
        required=False,
        help_text=format_lazy(
            _("PDF, images or office documents; up to {count} files of {size} each."),
            count=MAX_PER_MESSAGE,
            size=size_words(MAX_SIZE),
        ),
    )


class BlockForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (the program's admins read this)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        error_messages={"required": _("Say briefly why: the program's admins read it.")},
    )


class MessageReportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What kind of problem"),
        choices=[("", _("Pick one")), *Report.Kind.choices],
        error_messages={"required": _("Pick what kind of problem it is.")},
    )
    text = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Describe what happened.")},
    )
    consent = forms.BooleanField(
        label=_("I agree that the program's admins read this message, quoted in my report."),
        error_messages={
            "required": _("The admins can only read the message if you agree to show it to them.")
        },
    )

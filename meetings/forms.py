from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from goals.models import Goal, GoalShare
from matching.models import MeetingFormat, Mentorship
from matching.windows import wall_clock_instant, zone_label
from meetings.models import Advice, Agreement, Appreciation, CheckIn, MeetingFeedback
from meetings.services import scheduling
from meetings.slots import date_refusal
from mentorship.validators import validate_single_line

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _OwnIds:
    """Several forms on the meeting page have a field named `text`: each gets its own ids,
    so that every label points at its own field (names, and so POST data, stay the same)."""

    id_prefix = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = [
            "frequency",
            "format",
            "channel",
            "between_meetings",
            "reply_within",
            "meeting_minutes",
            "ends_on",
            "other",
        ]
        widgets = {"ends_on": DATE, "other": forms.Textarea(attrs={"rows": 3})}
        # The fields without a verbose name: their labels as Django would write them.
        labels = {"frequency": _("Frequency"), "format": _("Format"), "channel": _("Channel")}


class CircleNormsForm(forms.ModelForm):
    """A circle's norms, set by its mentor: a pair's, without an end date (each member's
    mentorship keeps its own)."""

    class Meta:
        model = Agreement
        fields = [field for field in AgreementForm.Meta.fields if field != "ends_on"]
        widgets = {"other": forms.Textarea(attrs={"rows": 3})}
        labels = AgreementForm.Meta.labels
        help_texts = {"channel": _("Where the circle meets: a video link, a room, a phone number.")}


class AgendaForm(_OwnIds, forms.Form):
    id_prefix = "agenda"

    text = forms.CharField(
        label=_("Question or topic"), max_length=300, validators=[validate_single_line]
    )


class PlaceForm(_OwnIds, forms.Form):
    """Where a meeting happens (meetings.places checks the place in the service)."""

    id_prefix = "place"

    format = forms.ChoiceField(label=_("How"), choices=MeetingFormat.choices)
    place = forms.CharField(
        label=_("Where"),
        required=False,
        max_length=300,
        validators=[validate_single_line],
        help_text=_(
            "A video link (Zoom, Teams, Meet, Whereby, Jitsi), a phone number, an address "
            "or a room."
        ),
    )
    jitsi = forms.BooleanField(
        label=_("Make a Jitsi Meet room for us instead"),
        required=False,
        help_text=_("A new video room with a name nobody can guess; nothing to install."),
    )


class CalendarConnectForm(forms.Form):
    server_url = forms.URLField(
        label=_("CalDAV server address"),
        assume_scheme="https",
        max_length=300,
        help_text=_(
            "iCloud: https://caldav.icloud.com/ · Fastmail: https://caldav.fastmail.com/ · "
            "Nextcloud: https://<your cloud>/remote.php/dav/"
        ),
    )
    username = forms.CharField(
        label=_("User name"), max_length=200, validators=[validate_single_line]
    )
    password = forms.CharField(
        label=_("App password"),
        max_length=500,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "Make one for Twoway in your account's security settings; it is stored "
            "encrypted, and only used to read when you are busy and to add your meetings."
        ),
    )
    calendar_name = forms.CharField(
        label=_("Calendar"),
        required=False,
        max_length=200,
        validators=[validate_single_line],
        help_text=_("Its name, if not your first calendar."),
    )


class SharedNotesForm(_OwnIds, forms.Form):
    id_prefix = "notes"

    text = forms.CharField(
        label=_("Shared notes"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    base = forms.CharField(required=False, widget=forms.HiddenInput)


class PrivateNoteForm(_OwnIds, forms.Form):
    id_prefix = "private"

    text = forms.CharField(
        label=_("Only you see this note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ActionItemForm(_OwnIds, forms.Form):
    id_prefix = "action"

    text = forms.CharField(label=_("Action"), max_length=300, validators=[validate_single_line])
    owner = forms.TypedChoiceField(label=_("Who"), coerce=int)
    due_on = forms.DateField(label=_("Due (optional)"), required=False, widget=DATE)

    def __init__(self, *args: Any, mentorship: Mentorship, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = [mentorship.mentee.user, mentorship.mentor.user]
        self.fields["owner"].choices = [(u.pk, u.get_full_name()) for u in people]  # type: ignore[attr-defined]


class AdviceForm(_OwnIds, forms.Form):
    id_prefix = "advice"

    text = forms.CharField(label=_("The advice"), widget=forms.Textarea(attrs={"rows": 3}))
    meeting = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReportBackForm(forms.ModelForm):
    class Meta:
        model = Advice
        fields = ["outcome", "outcome_reason", "result"]
        labels = {
            "outcome": _("What did you do with it?"),
            "outcome_reason": _("Why you chose differently"),
            "result": _("What came of it"),
        }
        widgets = {
            "outcome": forms.RadioSelect,
            "outcome_reason": forms.Textarea(attrs={"rows": 2}),
            "result": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].required = True
        self.fields["outcome"].choices = Advice.Outcome.choices  # type: ignore[attr-defined]


class AppreciationForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Appreciation.Kind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(label=_("Your words"), widget=forms.Textarea(attrs={"rows": 3}))
    goal = forms.ModelChoiceField(queryset=Goal.objects.none(), required=False)
    advice = forms.ModelChoiceField(queryset=Advice.objects.none(), required=False)

    def __init__(self, *args: Any, mentorship: Mentorship, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        shared = GoalShare.objects.filter(
            goal__owner_id=mentorship.mentee_id, mentor_id=mentorship.mentor.user_id
        )
        self.fields["goal"].queryset = Goal.objects.filter(pk__in=shared.values("goal_id"))  # type: ignore[attr-defined]
        self.fields["advice"].queryset = Advice.objects.filter(mentorship=mentorship)  # type: ignore[attr-defined]
        self.fields["goal"].label = gettext("About a goal (optional)")
        self.fields["advice"].label = gettext("About a piece of advice (optional)")


class FeedbackForm(_OwnIds, forms.ModelForm):
    id_prefix = "feedback"

    class Meta:
        model = MeetingFeedback
        fields = ["helped", "change"]
        widgets = {
            "helped": forms.Textarea(attrs={"rows": 2}),
            "change": forms.Textarea(attrs={"rows": 2}),
        }


# Check-ins and scheduling ----------------------------------------------------------------------

SCALE = [(n, str(n)) for n in range(1, 6)]


class CheckInForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with this mentorship? (1 = not at all, 5 = very)"),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how satisfied you are, from 1 to 5.")},
    )
    energy = forms.TypedChoiceField(
        label=_("Does this relationship give you energy? (1 = it drains me, 5 = a lot)"),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how much energy it gives you, from 1 to 5.")},
    )
    norms_fit = forms.ChoiceField(
        label=_("Do your agreed norms still fit?"),
        choices=CheckIn.NormsFit.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether your agreement still fits.")},
    )
    comment = forms.CharField(
        label=_("Anything else?"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    comment_visibility = forms.ChoiceField(
        label=_("Who may read your comment?"),
        choices=CheckIn.Visibility.choices,
        initial=CheckIn.Visibility.SHARED,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, goals: list[Goal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals = goals
        for goal in goals:
            self.fields[f"goal_{goal.pk}"] = forms.IntegerField(
                label=gettext("Progress on “%(title)s” (%%)") % {"title": goal.title},
                min_value=0,
                max_value=100,
                initial=goal.progress,
                error_messages={"required": gettext("Give a percentage from 0 to 100.")},
            )

    def goal_progress(self) -> dict[int, int]:
        return {goal.pk: self.cleaned_data[f"goal_{goal.pk}"] for goal in self.goals}


class SlotForm(forms.Form):
    """A start picked from the free slots, or typed as a date and time in the viewer's zone."""

    slot = forms.CharField(required=False)
    date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    minutes = forms.IntegerField(
        label=_("Length (minutes)"),
        min_value=scheduling.MIN_MINUTES,
        max_value=scheduling.MAX_MINUTES,
    )

    def __init__(self, *args: Any, zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["date"].label = gettext("Or another date (%(zone)s)") % {
            "zone": zone_label(zone)
        }
        self.fields["time"].label = gettext("Time")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        slot, day, clock = cleaned.get("slot"), cleaned.get("date"), cleaned.get("time")
        if slot:
            try:
                starts_at = datetime.fromisoformat(slot)
            except ValueError:
                starts_at = None
            if starts_at is None or starts_at.tzinfo is None:
                raise forms.ValidationError(gettext("That time is not one of the offered slots."))
        elif day and clock:
            # Checked before the date becomes an instant: year 1 or 9999 overflows the zone's offset.
            refusal = date_refusal(day, today=timezone.localdate(timezone=ZoneInfo(self.zone)))
            if refusal is not None:
                self.add_error("date", refusal)
                return cleaned
            starts_at = wall_clock_instant(day, clock, self.zone)
        else:
            raise forms.ValidationError(
                gettext("Pick one of the free times, or enter a date and a time.")
            )
        cleaned["starts_at"] = starts_at
        return cleaned

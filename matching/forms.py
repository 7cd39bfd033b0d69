from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.timezones import TimeZoneSelect, timezone_choices
from goals.models import Goal
from matching.models import (
    PEOPLE_CLOSING_REASONS,
    AdvisorRole,
    Availability,
    ClosingReason,
    ContactWindow,
    MatchingRound,
    MenteeProfile,
    MentorProfile,
    MentorshipRequest,
    Report,
)
from matching.rounds.scoring import WEIGHT_RANGE
from matching.score import PARTS
from matching.selectors import REDIRECT_SHOWN
from matching.services.profiles import MENTEE_FIELDS, MENTOR_FIELDS, paused_by_admins_words
from mentorship.validators import validate_single_line
from mentorship.widgets import QuickSelect
from programs.models import Participant, Program, Topic


class GoalSharingForm(forms.Form):
    mentors = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Share with"),
        help_text=_(
            "Only the mentors you tick see this goal. Nobody else does, program admins included."
        ),
    )

    def __init__(self, *args: Any, mentors: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["mentors"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(m.pk), m.get_full_name()) for m in mentors]


def _organization_topics(program: Program) -> Any:
    return Topic.objects.filter(organization_id=program.organization_id)


# The mentor's profile page saves in sections: what they offer (and cannot help with), and their
# boundaries. Both forms post under the "mentor" prefix; their fields do not overlap.
OFFER_FIELDS = (
    "headline",
    "bio",
    "seniority",
    "years_experience",
    "topics",
    "help_offered",
    "advisor_roles",
    "formats",
    "preferred_frequency",
    "communication",
    "cannot_help_topics",
    "cannot_help_with",
)
BOUNDARY_FIELDS = ("capacity", "accepting_requests", "away_until")
assert set(OFFER_FIELDS) | set(BOUNDARY_FIELDS) == {*MENTOR_FIELDS, "topics", "cannot_help_topics"}


class MentorOfferForm(forms.ModelForm):
    prefix = "mentor"

    class Meta:
        model = MentorProfile
        fields = list(OFFER_FIELDS)
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 4}),
            "cannot_help_with": forms.Textarea(attrs={"rows": 2}),
            "topics": forms.CheckboxSelectMultiple,
            "cannot_help_topics": forms.CheckboxSelectMultiple,
        }
        labels = {
            "headline": _("Headline"),
            "bio": _("Bio"),
            "seniority": _("Seniority"),
            "years_experience": _("Years experience"),
            "topics": _("Topics you can help with"),
            "help_offered": _("Help offered"),
            "advisor_roles": _("Advisor roles"),
            "formats": _("Formats"),
            "preferred_frequency": _("Preferred frequency"),
            "cannot_help_topics": _("Topics you cannot help with"),
            "cannot_help_with": _("What you cannot help with, in your words"),
        }
        help_texts = {
            "cannot_help_topics": _(
                "Mentees cannot ask you about these: they are told so, with your words below."
            ),
        }

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("topics", "cannot_help_topics"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = _organization_topics(program)
            field.required = False


class MentorBoundariesForm(forms.ModelForm):
    prefix = "mentor"
    accepting_locked = forms.BooleanField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = MentorProfile
        fields = list(BOUNDARY_FIELDS)
        widgets = {"away_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        labels = {
            "capacity": _("Capacity"),
            "accepting_requests": _("Accepting new requests"),
            "away_until": _("Away until"),
        }

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if program.in_circles:
            capacity = self.fields["capacity"]
            capacity.label = gettext("Circles you lead")
            capacity.help_text = gettext(
                "How many circles at once (0 to 20); each holds up to %(size)s mentees who meet "
                "together."
            ) % {"size": program.circle_size}
        accepting = self.fields["accepting_requests"]
        if self.instance.pk and self.instance.paused_by_admins_at is not None:
            # Shown, not sent: a disabled field keeps the saved value whatever is posted.
            accepting.disabled = True
            accepting.help_text = paused_by_admins_words(self.instance)
            self.fields["accepting_locked"].initial = True
        elif self.is_bound and self.data.get(self.add_prefix("accepting_locked")):
            # Shown locked, and the admins lifted the pause before this was saved: the switch
            # was not the mentor's to touch, so what the lift gave back stays.
            accepting.disabled = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned.pop("accepting_locked", None)  # how the form was shown, not a profile field
        return cleaned


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
            "help_wanted": _("Help you want"),
            "formats": _("Formats you prefer"),
            "working_hours_start": _("Your working day starts"),
            "working_hours_end": _("and ends"),
            "hours_per_month": _("Hours per month"),
            "note_to_mentors": _("Note to mentors"),
            "seniority": _("Your career stage"),
        }

    prefix = "mentee"


class DetailsForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["department", "job_title"]
        labels = {"department": _("Department"), "job_title": _("Role / job title")}

    prefix = "details"


class AvailabilityForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=timezone_choices,
        widget=TimeZoneSelect,
        label=_("Time zone"),
        help_text=_("Your windows are in this zone."),
    )

    class Meta:
        model = Availability
        fields = ["time_zone", "minimum_notice_hours", "cancellation_notice_hours"]

    prefix = "availability"


class ContactWindowForm(forms.ModelForm):
    class Meta:
        model = ContactWindow
        fields = ["weekday", "start_time", "end_time"]
        labels = {"weekday": _("Weekday"), "start_time": _("From"), "end_time": _("Until")}
        widgets = {
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and start >= end and not cleaned.get("DELETE"):
            self.add_error("end_time", gettext("The window must end after it starts."))
        return cleaned


ContactWindowFormSet = forms.inlineformset_factory(
    Availability, ContactWindow, form=ContactWindowForm, extra=2, can_delete=True, max_num=42
)


class RequestForm(forms.Form):
    goals: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        queryset=Goal.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Which of your goals is this about?"),
    )
    topic: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=Topic.objects.none(), label=_("The specific topic"), empty_label=_("Pick one")
    )
    why_this_mentor = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Why this mentor?"),
        help_text=_("A sentence or two: what in their experience fits what you want."),
        max_length=2000,
    )
    first_step = forms.CharField(
        max_length=200,
        initial=_("A 30-minute intro conversation"),
        label=_("The first step you propose"),
        help_text=_("Small and specific is easy to say yes to."),
        validators=[validate_single_line],
    )
    advisor_role = forms.ChoiceField(
        required=False,
        choices=[("", _("No particular role")), *AdvisorRole.choices],
        label=_("The seat on your board of advisors you hope they take (optional)"),
    )

    def __init__(
        self,
        *args: Any,
        goals: Any,
        topics: Any,
        cannot_help: list[str] | None = None,
        mentor_name: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goals"].queryset = goals  # type: ignore[attr-defined]
        self.fields["topic"].queryset = topics  # type: ignore[attr-defined]
        if cannot_help:
            # Said before the ask, not only when it is refused.
            self.fields["topic"].help_text = gettext("%(name)s cannot help with %(topics)s.") % {
                "name": mentor_name,
                "topics": ", ".join(cannot_help),
            }


class AskInfoForm(forms.Form):
    question = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label=_("Your question"), max_length=2000
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label=_("Your answer"), max_length=2000
    )


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(
        choices=MentorshipRequest.DeclineReason.choices,
        widget=forms.RadioSelect,
        label=_("Why not"),
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("In your own words (optional)"),
        max_length=2000,
    )
    pause_until = forms.DateField(
        required=False,
        label=_("And pause new requests until (optional)"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class RedirectForm(forms.Form):
    suggested: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=Participant.objects.none(),
        label=_("Suggest another mentor"),
        empty_label=_("Pick a mentor"),
        widget=QuickSelect,
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Why them (optional)"),
        max_length=2000,
    )

    def __init__(
        self,
        *args: Any,
        mentors: Any,
        labels: Callable[[], list[tuple[int, str]]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["suggested"]
        field.queryset = mentors  # type: ignore[attr-defined]
        field.help_text = gettext(
            "Only mentors with room who are not away, each with the places they have left and "
            "the topics they share with this request; those who share the most come first, and "
            "at most %(count)s are listed."
        ) % {"count": REDIRECT_SHOWN}

        # Thousands of mentors in a large program: their names as rows, not as models, and only
        # when the form is shown (the queryset still checks what is sent).
        @functools.cache
        def names() -> list[tuple[Any, str]]:
            if labels is not None:
                return [("", gettext("Pick a mentor")), *labels()]
            return [
                ("", gettext("Pick a mentor")),
                *(
                    (pk, name or email)
                    for pk, name, email in mentors.values_list(
                        "pk", "user__full_name", "user__email"
                    )
                ),
            ]

        field.choices = names  # type: ignore[attr-defined]


PEOPLE_REASON_CHOICES = [(r.value, r.label) for r in PEOPLE_CLOSING_REASONS]


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        choices=PEOPLE_REASON_CHOICES, widget=forms.RadioSelect, label=_("Why it closes")
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("A note (optional)"),
        max_length=2000,
    )


class ReflectionForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Your closing reflection"),
        max_length=5000,
    )


class ReportForm(forms.Form):
    # Nothing chosen for the person: a complaint about missed meetings must not reach the admins
    # as "misconduct" because that happened to be first.
    kind = forms.ChoiceField(
        choices=[("", _("Choose one")), *Report.Kind.choices],
        label=_("What kind of problem"),
        error_messages={"required": _("Say what kind of problem this is.")},
    )
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label=_("What happened"), max_length=5000
    )


class RoundSettingsForm(forms.Form):
    """What a matching round maximises, the lowest score it allows, and each part's weight."""

    objective = forms.ChoiceField(
        label=_("Maximise"), choices=MatchingRound.Objective.choices, widget=forms.RadioSelect
    )
    min_score = forms.FloatField(
        label=_("Minimum score"),
        min_value=-50,
        max_value=100,
        help_text=_("A pair scoring less is never proposed. Topic matches score 3 each."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        low, high = WEIGHT_RANGE
        for name, label in PARTS.items():
            self.fields[f"weight_{name}"] = forms.FloatField(
                label=label,
                min_value=low,
                max_value=high,
                initial=1.0,
                widget=forms.NumberInput(attrs={"step": "0.5"}),
            )

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[f"weight_{name}"] for name in PARTS]

    def weights(self) -> dict[str, float]:
        return {name: self.cleaned_data[f"weight_{name}"] for name in PARTS}

    @classmethod
    def initial_from(cls, matching_round: MatchingRound) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "objective": matching_round.objective,
            "min_score": matching_round.min_score,
        }
        for name in PARTS:
            initial[f"weight_{name}"] = matching_round.weights.get(name, 1.0)
        return initial


class RoundCreateForm(RoundSettingsForm):
    name = forms.CharField(label=_("Name"), max_length=120, validators=[validate_single_line])
    method = forms.ChoiceField(
        label=_("How to match"),
        choices=MatchingRound.Method.choices,
        initial=MatchingRound.Method.OPTIMAL,
        required=False,  # not sent: the optimal method
        widget=forms.RadioSelect,
    )
    mentees = forms.ModelMultipleChoiceField(
        label=_("Mentees to match"),
        queryset=Participant.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one mentee.")},
    )

    field_order = ["name", "mentees", "method", "objective", "min_score"]

    def clean_method(self) -> str:
        return self.cleaned_data.get("method") or MatchingRound.Method.OPTIMAL

    def __init__(self, *args: Any, mentees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["mentees"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = mentees
        field.label_from_instance = _participant_name  # type: ignore[method-assign,assignment]


class SwapForm(forms.Form):
    mentor = forms.TypedChoiceField(
        label=_("Move to"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the mentor to move this mentee to.")},
    )

    def __init__(self, *args: Any, candidates: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["mentor"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(c.mentor_id, c.name) for c in candidates]


def _participant_name(participant: Participant) -> str:
    return participant.user.get_full_name() or participant.user.email


class MenteeChoicesForm(forms.Form):
    """Up to five mentors in order; the first is required."""

    def __init__(self, *args: Any, candidates: list[Any], count: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        options = [("", "—")] + [
            (
                str(c.mentor_id),
                gettext("%(name)s (score %(score)s)")
                % {"name": c.name, "score": f"{c.score.total:g}"},
            )
            for c in candidates
            if not c.refused
        ]
        for place in range(1, count + 1):
            self.fields[f"choice_{place}"] = forms.ChoiceField(
                label=gettext("Choice %(place)s") % {"place": place},
                choices=options,
                required=place == 1,
                error_messages={"required": gettext("Choose at least your first mentor.")},
            )

    def mentor_ids(self) -> list[int]:
        return [
            int(self.cleaned_data[name])
            for name in self.fields
            if name.startswith("choice_") and self.cleaned_data.get(name)
        ]


class MentorRankingForm(forms.Form):
    """A place for each mentee who chose this mentor, or "not a fit"."""

    def __init__(self, *args: Any, mentees: list[Participant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mentees = mentees
        places = [("", gettext("Not a fit"))] + [
            (str(n), f"{n}") for n in range(1, len(mentees) + 1)
        ]
        for mentee in mentees:
            self.fields[f"place_{mentee.pk}"] = forms.ChoiceField(
                label=_participant_name(mentee), choices=places, required=False
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        taken = [data.get(f"place_{m.pk}") for m in self.mentees if data.get(f"place_{m.pk}")]
        if len(taken) != len(set(taken)):
            raise forms.ValidationError(gettext("Give each mentee a different place."))
        return data

    def mentee_ids(self) -> list[int]:
        placed = [
            (int(self.cleaned_data[f"place_{m.pk}"]), m.pk)
            for m in self.mentees
            if self.cleaned_data.get(f"place_{m.pk}")
        ]
        return [pk for _place, pk in sorted(placed)]


# ---------------------------------------------------------------------------
# Program admins: mentorships on behalf of the people, and the report queue
# ---------------------------------------------------------------------------
REASON_REQUIRED = {"required": _("Give a reason: both people will read it.")}


class MentorshipFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        label=_("Search"),
        widget=forms.TextInput(attrs={"placeholder": _("Mentor's or mentee's name or email")}),
    )
    status = forms.ChoiceField(
        required=False,
        choices=[
            ("live", _("Active and paused")),
            ("active", _("Active")),
            ("paused", _("Paused")),
            ("stalled", _("Stalled")),
            ("closed", _("Completed and ended")),
            ("all", _("All")),
        ],
        label=_("Status"),
    )


class AdminPauseForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        label=_("Reason (both people read it)"),
        error_messages=REASON_REQUIRED,
    )


class AdminResumeForm(forms.Form):
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        label=_("Reason (optional; both people read it)"),
    )


class AdminEndForm(forms.Form):
    closing_reason = forms.ChoiceField(
        choices=PEOPLE_REASON_CHOICES, initial=ClosingReason.OTHER, label=_("Closing reason")
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        label=_("Reason (both people read it)"),
        error_messages=REASON_REQUIRED,
    )


class ReassignForm(forms.Form):
    mentor: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=Participant.objects.none(),
        label=_("New mentor"),
        empty_label=_("Pick a mentor"),
        error_messages={"required": _("Pick the mentor the mentee moves to.")},
        widget=QuickSelect,
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        label=_("Reason (the mentee and the current mentor read it)"),
        error_messages=REASON_REQUIRED,
    )

    def __init__(self, *args: Any, mentors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["mentor"]
        field.queryset = mentors  # type: ignore[attr-defined]
        field.label_from_instance = _mentor_load  # type: ignore[attr-defined]


def _mentor_load(participant: Participant) -> str:
    """ "Mo Mentor (1 of 2 mentees)": the live count comes annotated by the selector."""
    name = participant.user.get_full_name() or participant.user.email
    try:
        capacity = participant.mentor_profile.capacity
    except MentorProfile.DoesNotExist:
        return gettext("%(name)s (no profile)") % {"name": name}
    program = participant.program
    live = getattr(participant, "live_count", 0)
    return gettext("%(name)s (%(live)s of %(seats)s mentees)") % {
        "name": name,
        "live": live,
        "seats": program.seats(capacity),
    }


class ReportFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False,
        choices=[
            ("unresolved", _("Open and in review")),
            *Report.Status.choices,
            ("all", _("All")),
        ],
        label=_("Status"),
    )


class ReportStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Report.Status.choices, label=_("Status"))


class ReportNoteForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        label=_("Note (admins only)"),
        error_messages={"required": _("Write the note first.")},
    )


class ReportWarnForm(forms.Form):
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        label=_("Warning (the person reported reads it as it is)"),
        error_messages={"required": _("Write the warning: the person will read it as it is.")},
    )


class ReportEndForm(forms.Form):
    closing_reason = forms.ChoiceField(
        required=False,
        choices=PEOPLE_REASON_CHOICES,
        initial=ClosingReason.OTHER,
        label=_("Closing reason"),
    )
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        label=_("Reason (both people read it)"),
        initial=_("Ended by the program's admins."),
    )

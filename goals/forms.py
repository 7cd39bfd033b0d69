from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from goals.models import Goal, GoalStep, ProgressUpdate
from goals.services import GUIDED_PROMPTS
from programs.models import Program, Topic


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["title", "why", "horizon", "target_date", "timeframe", "topics", "status"]
        labels = {
            "title": _("Title"),
            "horizon": _("Horizon"),
            "target_date": _("Target date"),
            "timeframe": _("Timeframe"),
            "topics": _("Topics"),
            "status": _("Status"),
        }
        widgets = {
            "why": forms.Textarea(attrs={"rows": 3}),
            "target_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "topics": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        topics = self.fields["topics"]
        assert isinstance(topics, forms.ModelMultipleChoiceField)
        topics.queryset = Topic.objects.filter(organization_id=program.organization_id)
        topics.required = False
        topics.help_text = _("From your organization's topic list.")


class StepForm(forms.ModelForm):
    class Meta:
        model = GoalStep
        fields = ["title", "due_on"]
        labels = {"title": _("Next step"), "due_on": _("Due (optional)")}
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class ProgressForm(forms.ModelForm):
    progress = forms.IntegerField(min_value=0, max_value=100, label=_("Progress (%)"))

    class Meta:
        model = ProgressUpdate
        fields = ["note", "progress"]
        labels = {"note": _("What happened")}
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}


class GuidedStartForm(forms.Form):
    def __init__(self, *args: Any, programs: list[Program], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if len(programs) > 1:
            self.fields["program"] = forms.ChoiceField(
                choices=[(p.slug, p.name) for p in programs], label=_("For which program?")
            )
        for key, label, example, _horizon in GUIDED_PROMPTS:
            self.fields[key] = forms.CharField(
                label=label,
                required=False,
                max_length=1000,
                help_text=example,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any((cleaned.get(key) or "").strip() for key, *_ in GUIDED_PROMPTS):
            raise forms.ValidationError(
                gettext("Write at least one answer; any of the five will do.")
            )
        return cleaned


class ReorderForm(forms.Form):
    order = forms.CharField(widget=forms.HiddenInput)

    def clean_order(self) -> list[int]:
        try:
            return [int(part) for part in self.cleaned_data["order"].split(",") if part.strip()]
        except ValueError as exc:
            raise forms.ValidationError(
                gettext("The order must be goal ids separated by commas.")
            ) from exc

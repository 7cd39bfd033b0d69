"""Working together: the meeting page, norms, agenda, notes, action items, advice, appreciation,
feedback and the mentorship timeline. Small edits answer htmx with a partial, plain POSTs with
a redirect. Only the two people in a mentorship get past 404; admins included."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from matching.access import get_mentorship_for_user
from matching.models import Mentorship
from meetings.access import (
    get_action_item_for_user,
    get_advice_rw_for_user,
    get_agenda_item_for_user,
    get_meeting_for_user,
)
from meetings.forms import (
    ActionItemForm,
    AdviceForm,
    AgendaForm,
    AgreementForm,
    AppreciationForm,
    FeedbackForm,
    PlaceForm,
    PrivateNoteForm,
    ReportBackForm,
    SharedNotesForm,
)
from meetings.models import Agreement, Meeting
from meetings.places import can_join, is_link
from meetings.services import scheduling, together
from meetings.services.scheduling import late_cancellations
from meetings.timeline import meeting_page_for, norms_of, timeline_for
from mentorship.errors import DomainError, form_add_domain_error
from mentorship.http import AuthedHttpRequest, run_form

# The meeting page ------------------------------------------------------------------------------


def _meeting_context(request: AuthedHttpRequest, meeting: Meeting, **forms_: Any) -> dict[str, Any]:
    page = meeting_page_for(meeting=meeting, viewer=request.user)
    open_ = meeting.status in together.BEFORE_OR_DURING
    now = timezone.now()
    leads = meeting.group is None or meeting.group.mentor.user_id == request.user.pk
    may_place = leads and meeting.status in scheduling.OPEN and meeting.ends_at > now
    shared = {
        "meeting": meeting,
        "page": page,
        "started": meeting.starts_at <= now,
        "can_join": can_join(
            format=meeting.format,
            place=meeting.place,
            status=meeting.status,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            now=now,
        ),
        "place_is_link": is_link(meeting.place),
        "answers": list(meeting.answers.select_related("user").order_by("pk")),
        "place_form": forms_.get(
            "place_form",
            PlaceForm(initial={"format": meeting.format or "video", "place": meeting.place}),
        )
        if may_place
        else None,
        "agenda_form": forms_.get("agenda_form", AgendaForm()) if open_ else None,
        "notes_form": forms_.get(
            "notes_form",
            SharedNotesForm(
                initial={
                    "text": meeting.shared_notes,
                    "base": together.notes_digest(meeting.shared_notes),
                }
            ),
        ),
        "private_form": forms_.get(
            "private_form",
            PrivateNoteForm(initial={"text": page.private_note.text if page.private_note else ""}),
        ),
    }
    circle = meeting.group
    if circle is not None:
        leads = circle.mentor.user_id == request.user.pk
        return {
            **shared,
            "circle": circle,
            "leads": leads,
            "members": [member.mentee.user for member in circle.live_members()],
            "is_mentee": not leads,
            "other": circle.mentor.user,
            "others_word": _("the rest of the circle"),
        }
    mentorship = meeting.mentorship
    assert mentorship is not None
    mine = next((f for f in page.feedback if f.author_id == request.user.pk), None)
    other = (
        mentorship.mentor.user
        if mentorship.mentee.user_id == request.user.pk
        else mentorship.mentee.user
    )
    return {
        **shared,
        "mentorship": mentorship,
        "is_mentee": mentorship.mentee.user_id == request.user.pk,
        "other": other,
        "others_word": other.get_short_name(),
        "action_form": forms_.get("action_form", ActionItemForm(mentorship=mentorship)),
        "advice_form": forms_.get("advice_form", AdviceForm(initial={"meeting": meeting.pk})),
        "feedback_form": forms_.get("feedback_form", FeedbackForm(instance=mine))
        if meeting.status == Meeting.Status.HELD
        else None,
    }


def meeting_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk)
    template = (
        "meetings/circle_meeting.html" if meeting.group_id else "meetings/meeting_detail.html"
    )
    return render(request, template, _meeting_context(request, meeting))


def _meeting_edit(
    request: AuthedHttpRequest,
    pk: int,
    *,
    form: forms.BaseForm,
    form_name: str,
    partial: str,
    action: Callable[[Meeting, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """Validate ``form``, run the service, answer htmx with the section and others with a redirect."""
    meeting = get_meeting_for_user(request.user, pk)
    ok = form.is_valid()
    if ok:
        try:
            action(meeting, form.cleaned_data)
        except DomainError as exc:
            form_add_domain_error(form, exc)
            ok = False
    if request.htmx:
        meeting = get_meeting_for_user(request.user, pk)
        context = _meeting_context(request, meeting, **({} if ok else {form_name: form}))
        return render(request, f"meetings/{partial}", context)
    if ok:
        messages.success(request, done)
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("meetings:meeting", pk=meeting.pk)


@require_POST
def meeting_place(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _meeting_edit(
        request,
        pk,
        form=PlaceForm(request.POST),
        form_name="place_form",
        partial="_meeting_place.html",
        action=lambda m, data: scheduling.meeting_place_set(meeting=m, actor=request.user, **data),
        done=_("Saved where you meet."),
    )


@require_POST
def agenda_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _meeting_edit(
        request,
        pk,
        form=AgendaForm(request.POST),
        form_name="agenda_form",
        partial="_together_agenda.html",
        action=lambda m, data: together.agenda_item_add(meeting=m, author=request.user, **data),
        done=_("Added to the agenda."),
    )


@require_POST
def agenda_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    item = get_agenda_item_for_user(request.user, pk)
    return _meeting_edit(
        request,
        item.meeting_id,
        form=forms.Form(request.POST),
        form_name="agenda_form",
        partial="_together_agenda.html",
        action=lambda m, data: together.agenda_item_delete(item=item, actor=request.user),
        done=_("Removed from the agenda."),
    )


@require_POST
def shared_notes_save(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _meeting_edit(
        request,
        pk,
        form=SharedNotesForm(request.POST),
        form_name="notes_form",
        partial="_together_notes.html",
        action=lambda m, data: together.shared_notes_save(
            meeting=m, author=request.user, text=data["text"], base_digest=data["base"] or None
        ),
        done=_("Shared notes saved."),
    )


@require_POST
def private_note_save(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _meeting_edit(
        request,
        pk,
        form=PrivateNoteForm(request.POST),
        form_name="private_form",
        partial="_together_private_note.html",
        action=lambda m, data: together.private_note_save(meeting=m, author=request.user, **data),
        done=_("Your private note is saved."),
    )


@require_POST
def action_item_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk)
    mentorship = meeting.mentorship
    if mentorship is None:
        raise Http404("A circle's meeting has no action items.")
    people = {u.pk: u for u in (mentorship.mentor.user, mentorship.mentee.user)}
    return _meeting_edit(
        request,
        pk,
        form=ActionItemForm(request.POST, mentorship=mentorship),
        form_name="action_form",
        partial="_together_actions.html",
        action=lambda m, data: together.action_item_add(
            mentorship=mentorship,
            actor=request.user,
            owner=people[data["owner"]],
            text=data["text"],
            due_on=data["due_on"],
            meeting=m,
        ),
        done=_("Action item added."),
    )


@require_POST
def action_item_toggle(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    item = get_action_item_for_user(request.user, pk)
    if item.meeting_id is not None:
        return _meeting_edit(
            request,
            item.meeting_id,
            form=forms.Form(request.POST),
            form_name="action_form",
            partial="_together_actions.html",
            action=lambda m, data: together.action_item_toggle(item=item, actor=request.user),
            done=_("Action item updated."),
        )
    together.action_item_toggle(item=item, actor=request.user)
    return redirect("meetings:timeline", pk=item.mentorship_id)


@require_POST
def feedback_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _meeting_edit(
        request,
        pk,
        form=FeedbackForm(request.POST),
        form_name="feedback_form",
        partial="_together_feedback.html",
        action=lambda m, data: together.feedback_leave(meeting=m, author=request.user, **data),
        done=_("Thank you: your feedback is with them."),
    )


# Advice: logged on a meeting (htmx) or from the timeline (a page) ------------------------------


def advice_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    mentorship = get_mentorship_for_user(request.user, pk)
    form = AdviceForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and form.cleaned_data["meeting"] is not None:
        return _meeting_edit(
            request,
            form.cleaned_data["meeting"],
            form=form,
            form_name="advice_form",
            partial="_together_advice.html",
            action=lambda m, data: together.advice_add(
                mentorship=mentorship, actor=request.user, text=data["text"], meeting=m
            ),
            done=_("Advice logged."),
        )
    if response := run_form(
        request,
        form,
        lambda data: together.advice_add(
            mentorship=mentorship, actor=request.user, text=data["text"]
        ),
        done=_("Advice logged."),
        then=reverse("meetings:timeline", kwargs={"pk": mentorship.pk}),
    ):
        return response
    return render(
        request, "meetings/together_form.html", _form_page(mentorship, form, "advice_add")
    )


def advice_report(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    advice = get_advice_rw_for_user(request.user, pk)
    form = ReportBackForm(request.POST or None, instance=advice)
    if response := run_form(
        request,
        form,
        lambda data: together.advice_report_back(advice=advice, actor=request.user, **data),
        done=_("Thank you for reporting back: it keeps mentors going."),
        then=reverse("meetings:timeline", kwargs={"pk": advice.mentorship_id}),
    ):
        return response
    context = _form_page(advice.mentorship, form, "advice_report", target=advice.pk)
    context["advice"] = advice
    return render(request, "meetings/together_form.html", context)


def appreciation_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    mentorship = get_mentorship_for_user(request.user, pk)
    form = AppreciationForm(
        request.POST or None,
        mentorship=mentorship,
        initial={"kind": request.GET.get("kind", "thanks"), "advice": request.GET.get("advice")},
    )
    if response := run_form(
        request,
        form,
        lambda data: together.appreciation_send(mentorship=mentorship, author=request.user, **data),
        done=_("Sent. Small words, big difference."),
        then=reverse("meetings:timeline", kwargs={"pk": mentorship.pk}),
    ):
        return response
    return render(
        request, "meetings/together_form.html", _form_page(mentorship, form, "appreciation_add")
    )


_FORM_PAGES = {
    "advice_add": (gettext_lazy("Log a piece of advice"), gettext_lazy("Log advice")),
    "advice_report": (gettext_lazy("Report back on advice"), gettext_lazy("Report back")),
    "appreciation_add": (gettext_lazy("Say thank you or share a win"), gettext_lazy("Send")),
}


def _form_page(
    mentorship: Mentorship, form: forms.BaseForm, name: str, target: int | None = None
) -> dict[str, Any]:
    title, button = _FORM_PAGES[name]
    return {
        "mentorship": mentorship,
        "form": form,
        "title": title,
        "button": button,
        "url_name": f"meetings:{name}",
        "target": target or mentorship.pk,
    }


# Norms -----------------------------------------------------------------------------------------


def agreement(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    mentorship = get_mentorship_for_user(request.user, pk)
    norms = norms_of(mentorship=mentorship)
    latest = norms.latest
    form = AgreementForm(
        request.POST or None,
        instance=Agreement(
            frequency=latest.frequency,
            format=latest.format,
            channel=latest.channel,
            between_meetings=latest.between_meetings,
            reply_within=latest.reply_within,
            meeting_minutes=latest.meeting_minutes,
            ends_on=latest.ends_on,
            other=latest.other,
        )
        if latest
        else Agreement(ends_on=mentorship.ends_on),
    )
    if response := run_form(
        request,
        form,
        lambda data: together.agreement_propose(mentorship=mentorship, actor=request.user, **data),
        done=_("Proposed. It counts once the other person confirms it."),
        then=reverse("meetings:agreement", kwargs={"pk": mentorship.pk}),
    ):
        return response
    return render(
        request,
        "meetings/agreement.html",
        {"mentorship": mentorship, "norms": norms, "form": form},
    )


@require_POST
def agreement_confirm(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    mentorship = get_mentorship_for_user(request.user, pk)
    try:
        version = int(request.POST.get("version", ""))
        together.agreement_confirm(mentorship=mentorship, actor=request.user, version=version)
    except ValueError:
        messages.error(request, _("Which version? Reload the page and confirm again."))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Confirmed: these are your norms now."))
    return redirect("meetings:agreement", pk=mentorship.pk)


# The timeline ----------------------------------------------------------------------------------


def timeline(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The mentorship's story, newest first: a full page, or the fragment htmx asks for."""
    mentorship = get_mentorship_for_user(request.user, pk)
    context = {
        "mentorship": mentorship,
        "norms": norms_of(mentorship=mentorship),
        "page": timeline_for(mentorship=mentorship, page_number=request.GET.get("page")),
        "is_mentee": mentorship.mentee.user_id == request.user.pk,
        "late_cancellations": late_cancellations(mentorship),
    }
    template = "meetings/_timeline.html" if request.htmx else "meetings/timeline.html"
    return render(request, template, context)


urlpatterns = [
    path("meetings/<int:pk>/", meeting_detail, name="meeting"),
    path("meetings/<int:pk>/place/", meeting_place, name="meeting_place"),
    path("meetings/<int:pk>/agenda/", agenda_add, name="agenda_add"),
    path("meetings/agenda/<int:pk>/delete/", agenda_delete, name="agenda_delete"),
    path("meetings/<int:pk>/notes/", shared_notes_save, name="shared_notes_save"),
    path("meetings/<int:pk>/private-note/", private_note_save, name="private_note_save"),
    path("meetings/<int:pk>/action-items/", action_item_add, name="action_item_add"),
    path("meetings/action-items/<int:pk>/toggle/", action_item_toggle, name="action_item_toggle"),
    path("meetings/<int:pk>/feedback/", feedback_add, name="feedback_add"),
    path("mentorships/<int:pk>/timeline/", timeline, name="timeline"),
    path("mentorships/<int:pk>/agreement/", agreement, name="agreement"),
    path("mentorships/<int:pk>/agreement/confirm/", agreement_confirm, name="agreement_confirm"),
    path("mentorships/<int:pk>/advice/", advice_add, name="advice_add"),
    path("mentorships/advice/<int:pk>/report/", advice_report, name="advice_report"),
    path("mentorships/<int:pk>/appreciation/", appreciation_add, name="appreciation_add"),
]

"""Conversation pages: a pair's (or circle's) messages with sending, the poll for what is new,
the read mark, editing and deleting one's own message, and the list of one's conversations."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from conversations import selectors, services
from conversations.access import (
    Thread,
    get_attachment_for_user,
    get_message_for_user,
    get_thread_for_user,
    poll_state_for_user,
)
from conversations.forms import BlockForm, MessageForm, MessageReportForm
from mentorship.errors import DomainError, form_add_domain_error
from mentorship.http import AuthedHttpRequest, run_form


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 19 else None


def _context(request: AuthedHttpRequest, thread: Thread, form: MessageForm) -> dict[str, Any]:
    before = _int(request.GET.get("before"))
    rows = selectors.messages_page(thread, before=before)
    others = [p for p in thread.people if p.pk != request.user.pk]
    return {
        "thread": thread,
        "rows": rows,
        "last_id": rows[-1].pk if rows else 0,
        "earlier": rows[0].pk if len(rows) == selectors.PAGE else None,
        # An earlier page stays as it is; the latest one polls for what comes next.
        "polling": before is None,
        "others": others,
        # Everyone in it, as one phrase ("Ann, Ben and Cleo") for the page's sentence.
        "between": get_text_list([person.get_full_name() for person in thread.people], _("and")),
        "telling": selectors.telling_for(thread, now=timezone.now(), viewer=request.user)
        if thread.open
        else None,
        "form": form,
        "editable_since": timezone.now() - services.EDITABLE_FOR,
        "reply_norm": selectors.reply_norm(thread),
        "other": others[0] if thread.circle is None and others else None,
        "blocking": selectors.block_of(request.user, others[0])
        if thread.circle is None and others
        else None,
        "block_form": BlockForm(),
    }


def conversation(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The conversation: read it, and write in it while the mentorship is live."""
    thread = get_thread_for_user(request.user, pk)
    posted = request.method == "POST"
    form = MessageForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_send(
                thread=thread,
                author=request.user,
                text=form.cleaned_data["text"],
                files=form.cleaned_data["attachments"],
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            if not request.htmx:
                return redirect("conversations:conversation", pk=pk)
            form = MessageForm()
    template = "conversations/_thread.html" if request.htmx else "conversations/conversation.html"
    return render(request, template, _context(request, thread, form))


def poll(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """What is newer than ``after``: 204 No Content when nothing is, so the page stays as it is.
    Every open page asks every few seconds, so "nothing new" costs one query (besides the
    session and the user), also before the conversation's first message: whether the person
    may read it, and its newest message id."""
    after = _int(request.GET.get("after")) or 0
    state = poll_state_for_user(request.user, pk)
    if state.readable and (state.newest is None or state.newest <= after):
        return HttpResponse(status=204)
    thread = get_thread_for_user(request.user, pk)
    rows = selectors.messages_after(thread, after=after)
    if not rows:
        return HttpResponse(status=204)
    return render(
        request,
        "conversations/_poll.html",
        {
            "thread": thread,
            "rows": rows,
            "last_id": rows[-1].pk,
            "polling": True,
            "editable_since": timezone.now() - services.EDITABLE_FOR,
        },
    )


@require_POST
def seen(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The page says how far the person has read (a POST: a GET never writes)."""
    thread = get_thread_for_user(request.user, pk)
    services.conversation_mark_seen(
        thread=thread, user=request.user, up_to=_int(request.POST.get("up_to")) or 0
    )
    return HttpResponse(status=204)


def message_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    message, thread = get_message_for_user(request.user, pk)
    if message.author_id != request.user.pk:
        raise PermissionDenied(_("Only whoever wrote a message can edit it."))
    form = MessageForm(
        request.POST if request.method == "POST" else None, initial={"text": message.text}
    )
    back = reverse("conversations:conversation", kwargs={"pk": thread.mentorship.pk})
    if request.method == "POST" and form.is_valid():
        try:
            services.message_edit(
                thread=thread, message=message, actor=request.user, text=form.cleaned_data["text"]
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("Edited."))
            return redirect(f"{back}#message-{message.pk}")
    return render(
        request,
        "conversations/message_edit.html",
        {"thread": thread, "message": message, "form": form, "back": back},
    )


@require_POST
def message_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    message, thread = get_message_for_user(request.user, pk)
    try:
        services.message_delete(thread=thread, message=message, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Deleted."))
    back = reverse("conversations:conversation", kwargs={"pk": thread.mentorship.pk})
    return redirect(f"{back}#message-{message.pk}")


@require_safe
def attachment(request: AuthedHttpRequest, pk: int) -> FileResponse:
    """A file sent in a conversation, to its people only (404 to anyone else); downloaded, never
    shown inline, and never sniffed into another type."""
    found = get_attachment_for_user(request.user, pk)
    response = FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=found.name,
        content_type=found.content_type,
    )
    patch_cache_control(response, private=True, no_store=True)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def block(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Mute, block (with a reason the admins read) or lift either, for the other of a pair."""
    thread = get_thread_for_user(request.user, pk)
    action = request.POST.get("action", "")
    form = BlockForm(request.POST)
    try:
        if action == "mute":
            services.person_mute(thread=thread, actor=request.user)
            messages.success(request, _("Muted: their messages arrive without a notice."))
        elif action == "block":
            if not form.is_valid():
                raise DomainError(
                    _("Say briefly why: the program's admins read it."), field="reason"
                )
            services.person_block(
                thread=thread, actor=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(
                request, _("Blocked: no more messages or requests from them. The admins are told.")
            )
        elif action == "unblock":
            services.person_unblock(thread=thread, actor=request.user)
            messages.success(request, _("Lifted: their messages and requests reach you again."))
        else:
            messages.error(request, _("Choose to mute, block or lift."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("conversations:conversation", pk=pk)


def message_report(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Show a message to the program's admins, quoted, with the reporter's consent."""
    message, thread = get_message_for_user(request.user, pk)
    if message.author_id == request.user.pk:
        raise PermissionDenied(_("You can delete your own message; reports are for others'."))
    form = MessageReportForm(request.POST if request.method == "POST" else None)
    back = reverse("conversations:conversation", kwargs={"pk": thread.mentorship.pk})
    if response := run_form(
        request,
        form,
        lambda data: services.message_report(
            thread=thread, message=message, actor=request.user, **data
        ),
        done=_("Reported: the program's admins will look at it."),
        then=back,
    ):
        return response
    return render(
        request,
        "conversations/message_report.html",
        {"message": message, "form": form, "back": back},
    )


def conversation_list(request: AuthedHttpRequest) -> HttpResponse:
    """The person's conversations, newest first, with what is unread; and a search in them."""
    query = request.GET.get("q", "")[:200]
    found = selectors.search_messages(user=request.user, query=query)
    titles = selectors.titles_for(request.user, [message.conversation for message in found])
    return render(
        request,
        "conversations/list.html",
        {
            "rows": selectors.conversation_list_for_user(user=request.user),
            "query": query,
            "found": [(message, *titles[message.conversation_id]) for message in found],
        },
    )

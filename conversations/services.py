"""Writes to conversations: send, edit within a while, delete, and the read mark. Each new
message puts one notice per other person in the reminder ledger (conversations.notices)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext

from accounts.models import User
from conversations.access import Thread
from conversations.files import (
    ALLOWED_WORDS,
    MAX_PER_MESSAGE,
    MAX_SIZE,
    Kind,
    kind_of,
    named_kind,
    safe_name,
    size_words,
)
from conversations.models import Attachment, Conversation, Message, Seen
from conversations.notices import STILL_UNREAD_AFTER
from conversations.selectors import last_seen_of, telling_for, unread_version
from matching.models import Block, Mentorship, MentorshipGroup, Report
from matching.services.mentorships import report_file
from mentorship.errors import DomainError
from notifications.models import Reminder
from notifications.reminders import reminder_schedule

EDITABLE_FOR = timedelta(minutes=15)
PER_MINUTE = 10  # messages one person may send in a minute


def _files_count(count: int) -> str:
    return ngettext("%(n)s file", "%(n)s files", count) % {"n": count}


# A notice's body when a message has only files: made in the recipient's language.
_files_count_lazy = lazy(_files_count, str)


def _require_in(thread: Thread, user: User) -> None:
    if user.pk not in {person.pk for person in thread.people}:
        raise DomainError(gettext("Only the people in this conversation can write in it."))


def _require_open(thread: Thread) -> None:
    if not thread.open:
        status = thread.mentorship.get_status_display().lower()
        raise DomainError(
            gettext(
                "This mentorship is %(status)s: its conversation stays here to read, and takes no "
                "new messages."
            )
            % {"status": status}
        )


def _checked_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise DomainError(gettext("Write something first."), field="text")
    if len(text) > Message.MAX_LENGTH:
        raise DomainError(
            gettext("A message holds at most %(most)s characters; this one has %(count)s.")
            % {
                "most": number_format(Message.MAX_LENGTH, force_grouping=True),
                "count": number_format(len(text), force_grouping=True),
            },
            field="text",
        )
    return text


def _attach(message: Message, checked: list[tuple[UploadedFile, Kind]]) -> None:
    """Store each file and its row. A failure removes the files stored so far, so no file is
    left that no row names (the rows go with the transaction)."""
    stored: list[tuple[Storage, str]] = []
    try:
        for upload, kind in checked:
            attachment = Attachment(
                message=message,
                name=safe_name(upload.name or "file", kind),
                content_type=kind.content_type,
                size=upload.size or 0,
            )
            attachment.file.save(attachment.name, upload, save=False)
            stored.append((attachment.file.storage, attachment.file.name or ""))
            attachment.save()
    except BaseException:
        _remove(stored)
        raise


def _unread_changes(thread: Thread) -> None:
    """Everyone's kept unread count in this conversation is forgotten."""
    for person in thread.people:
        unread_version(person.pk).change()


def _conversation_locked(thread: Thread) -> Conversation:
    """The thread's conversation, made on first use; the owner's row is locked first, so two
    first messages at once make one conversation."""
    if thread.circle is not None:
        MentorshipGroup.objects.select_for_update().filter(pk=thread.circle.pk).first()
        conversation, _ = Conversation.objects.get_or_create(group=thread.circle)
    else:
        Mentorship.objects.select_for_update().filter(pk=thread.mentorship.pk).first()
        conversation, _ = Conversation.objects.get_or_create(mentorship=thread.mentorship)
    thread.conversation = conversation
    return conversation


def _mark(conversation: Conversation, user: User, up_to: int) -> None:
    seen, _ = Seen.objects.select_for_update().get_or_create(conversation=conversation, user=user)
    if up_to > seen.last_seen:
        seen.last_seen = up_to
        seen.save(update_fields=["last_seen", "updated_at"])


def _checked_files(files: Sequence[UploadedFile]) -> list[tuple[UploadedFile, Kind]]:
    """Each file with its kind, told by content; a refusal names the file and the limit."""
    if len(files) > MAX_PER_MESSAGE:
        raise DomainError(
            gettext("A message takes at most %(most)s files; these are %(count)s.")
            % {"most": MAX_PER_MESSAGE, "count": len(files)},
            field="attachments",
        )
    checked = []
    for upload in files:
        name = upload.name or "file"
        if (upload.size or 0) > MAX_SIZE:
            raise DomainError(
                gettext("%(name)s is %(size)s; a file can be at most %(most)s.")
                % {
                    "name": name,
                    "size": size_words(upload.size or 0),
                    "most": size_words(MAX_SIZE),
                },
                field="attachments",
            )
        kind = kind_of(upload)
        if kind is None:
            raise DomainError(
                gettext("%(name)s is not %(allowed)s (told by its content, not its name).")
                % {"name": name, "allowed": ALLOWED_WORDS},
                field="attachments",
            )
        checked.append((upload, named_kind(kind, name)))
    return checked


@transaction.atomic
def message_send(
    *,
    thread: Thread,
    author: User,
    text: str,
    files: Sequence[UploadedFile] = (),
    now: datetime | None = None,
) -> Message:
    """Post a message (text, files or both); each other person is told through the ledger,
    when their boundaries allow and only if it is still unread then."""
    now = now or timezone.now()
    _require_in(thread, author)
    _require_open(thread)
    blocked_by = Block.objects.filter(
        person__in=thread.people, other=author, kind=Block.Kind.BLOCK
    ).select_related("person")
    if thread.circle is None and (block := blocked_by.first()) is not None:
        raise DomainError(
            gettext("%(name)s does not take messages from you.")
            % {"name": block.person.get_full_name()}
        )
    checked = _checked_files(files)
    text = _checked_text(text) if text.strip() or not checked else ""
    recent = Message.objects.filter(author=author, created_at__gt=now - timedelta(minutes=1))
    if recent.count() >= PER_MINUTE:
        raise DomainError(
            gettext(
                "You sent %(count)s messages in the last minute, the most a minute takes: "
                "wait a moment and send again."
            )
            % {"count": PER_MINUTE},
            field="text",
        )
    conversation = _conversation_locked(thread)
    _unread_changes(thread)
    message = Message.objects.create(conversation=conversation, author=author, text=text)
    _attach(message, checked)
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now, updated_at=now)
    _mark(conversation, author, message.pk)
    mentor_hears = telling_for(thread, now=now, viewer=author)
    mentor = thread.people[0] if thread.circle is not None else thread.mentorship.mentor.user
    link = reverse("conversations:conversation", kwargs={"pk": thread.mentorship.pk})
    title = (
        format_lazy(
            gettext_lazy("{name} wrote to you in {circle}"),
            name=author.get_full_name(),
            circle=str(thread.circle),
        )
        if thread.circle is not None
        else format_lazy(gettext_lazy("{name} wrote to you"), name=author.get_full_name())
    )
    muted = set(
        Block.objects.filter(person__in=thread.people, other=author).values_list(
            "person_id", flat=True
        )
    )
    for person in thread.people:
        if person.pk == author.pk or person.pk in muted:
            continue
        at = (
            mentor_hears.at if mentor_hears and person.pk == mentor.pk else now + STILL_UNREAD_AFTER
        )
        # One notice per stretch of unread: later messages fall under the same key until the
        # person reads, and the notice is dropped at delivery if they read meanwhile.
        reminder_schedule(
            recipient=person,
            kind=Reminder.MESSAGE,
            subject_key=f"conversation:{conversation.pk}",
            period_key=str(last_seen_of(thread, person)),
            title=title,
            body=(text[:300] + ("…" if len(text) > 300 else "")) or _files_count_lazy(len(checked)),
            link=_own_link(thread, person) or link,
            due_at=at,
        )
    return message


def _own_link(thread: Thread, person: User) -> str:
    """A circle member's link goes through their own membership."""
    if thread.circle is None:
        return ""
    pk = (
        Mentorship.objects.filter(group=thread.circle, mentee__user=person)
        .values_list("pk", flat=True)
        .first()
    )
    return reverse("conversations:conversation", kwargs={"pk": pk}) if pk else ""


def _require_own_live(message: Message, actor: User, not_theirs: str) -> None:
    """``not_theirs``: the refusal for someone who did not write it."""
    if message.author_id != actor.pk:
        raise DomainError(not_theirs)
    if message.deleted_at is not None:
        raise DomainError(gettext("This message was deleted."))


@transaction.atomic
def message_edit(
    *, thread: Thread, message: Message, actor: User, text: str, now: datetime | None = None
) -> Message:
    """Its author corrects a message within 15 minutes; it shows as edited."""
    now = now or timezone.now()
    _require_in(thread, actor)
    _require_open(thread)
    message = Message.objects.select_for_update().get(pk=message.pk)
    _require_own_live(message, actor, gettext("Only whoever wrote a message can edit it."))
    if now - message.created_at > EDITABLE_FOR:
        minutes = int(EDITABLE_FOR.total_seconds() // 60)
        raise DomainError(
            gettext("A message can be edited for %(minutes)s minutes after sending.")
            % {"minutes": minutes}
        )
    message.text = _checked_text(text)
    message.edited_at = now
    message.save(update_fields=["text", "edited_at", "updated_at"])
    return message


@transaction.atomic
def message_delete(
    *, thread: Thread, message: Message, actor: User, now: datetime | None = None
) -> Message:
    """Its author deletes a message: it keeps its place as "message deleted", without text."""
    _require_in(thread, actor)
    message = Message.objects.select_for_update().get(pk=message.pk)
    _require_own_live(message, actor, gettext("Only whoever wrote a message can delete it."))
    _unread_changes(thread)
    message.text = ""
    message.deleted_at = now or timezone.now()
    message.save(update_fields=["text", "deleted_at", "updated_at"])
    # Its files go with it: the rows now, the stored files once that is committed.
    attachments = list(message.attachments.all())
    files = [(a.file.storage, a.file.name or "") for a in attachments]
    Attachment.objects.filter(message=message).delete()
    transaction.on_commit(lambda: _remove(files))
    return message


def _remove(files: list[tuple[Storage, str]]) -> None:
    for storage, name in files:
        storage.delete(name)


@transaction.atomic
def conversation_mark_seen(*, thread: Thread, user: User, up_to: int) -> int:
    """The person has read up to message ``up_to`` (never past the last one, never back)."""
    _require_in(thread, user)
    if thread.conversation is None:
        return 0
    last = Message.objects.filter(conversation=thread.conversation).aggregate(m=Max("pk"))["m"]
    up_to = min(up_to, last or 0)
    if up_to > 0:
        _mark(thread.conversation, user, up_to)
        unread_version(user.pk).change()
    return up_to


def _the_other(thread: Thread, actor: User, in_circle: str) -> User:
    """The other person of a pair's conversation; a circle has no one "other" to block
    (``in_circle``: the refusal then)."""
    _require_in(thread, actor)
    if thread.circle is not None:
        raise DomainError(in_circle)
    return next(person for person in thread.people if person.pk != actor.pk)


@transaction.atomic
def person_mute(*, thread: Thread, actor: User) -> Block:
    """Their messages still arrive, without a notice."""
    other = _the_other(
        thread, actor, gettext("In a circle you cannot mute one person; speak to its mentor.")
    )
    block, _ = Block.objects.get_or_create(
        person=actor, other=other, defaults={"kind": Block.Kind.MUTE}
    )
    if block.kind == Block.Kind.BLOCK:
        raise DomainError(
            gettext("%(name)s is blocked already; lift it first to mute.")
            % {"name": other.get_full_name()}
        )
    return block


@transaction.atomic
def person_block(*, thread: Thread, actor: User, reason: str) -> Block:
    """No more messages or requests from them, and the program's admins are told why."""
    other = _the_other(
        thread, actor, gettext("In a circle you cannot block one person; speak to its mentor.")
    )
    reason = reason.strip()
    if not reason:
        raise DomainError(gettext("Say briefly why: the program's admins read it."), field="reason")
    if Block.objects.filter(person=actor, other=other, kind=Block.Kind.BLOCK).exists():
        raise DomainError(gettext("%(name)s is blocked already.") % {"name": other.get_full_name()})
    block, _ = Block.objects.update_or_create(
        person=actor, other=other, defaults={"kind": Block.Kind.BLOCK}
    )
    # A report is written once for all the program's admins: in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        said = gettext("%(actor)s blocked messages and requests from %(other)s: %(reason)s") % {
            "actor": actor.get_full_name(),
            "other": other.get_full_name(),
            "reason": reason,
        }
    report_file(reporter=actor, kind=Report.Kind.OTHER, text=said, mentorship=thread.mentorship)
    return block


@transaction.atomic
def person_unblock(*, thread: Thread, actor: User) -> int:
    """Undo a mute or a block of the other person."""
    other = _the_other(
        thread, actor, gettext("In a circle you cannot unblock one person; speak to its mentor.")
    )
    deleted, _ = Block.objects.filter(person=actor, other=other).delete()
    return deleted


@transaction.atomic
def message_report(
    *, thread: Thread, message: Message, actor: User, kind: str, text: str, consent: bool
) -> Report:
    """Send a message to the program's admins, quoted, with the reporter's consent."""
    _require_in(thread, actor)
    if message.author_id == actor.pk:
        raise DomainError(
            gettext("You can delete your own message; reports are for others' messages.")
        )
    if message.deleted_at is not None:
        raise DomainError(
            gettext("This message was deleted: describe it in a report on the mentorship.")
        )
    if not consent:
        raise DomainError(
            gettext("The admins can only read the message if you agree to show it to them."),
            field="consent",
        )
    quoted = "\n".join(f"> {line}" for line in message.text.splitlines())
    # A report is written once for all the program's admins: in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        author = (
            message.author.get_full_name()
            if message.author
            # Translators: in place of a name in "The message, from %(author)s on %(date)s…".
            else pgettext("message author", "someone")
        )
        shown = gettext(
            "The message, from %(author)s on %(date)s UTC, shown with %(actor)s's consent:"
        ) % {
            "author": author,
            # The moment as stored (UTC), with the month's name in the site's language.
            "date": dateformat.format(message.created_at, "d M Y H:i"),
            "actor": actor.get_full_name(),
        }
    return report_file(
        reporter=actor,
        kind=kind,
        text=f"{text.strip()}\n\n{shown}\n{quoted}",
        mentorship=_reported_membership(thread, message, actor),
    )


def _reported_membership(thread: Thread, message: Message, actor: User) -> Mentorship:
    """What a report on a message is about: the pair's mentorship. In a circle, the reporter's
    own membership, except for its mentor, whose report concerns the author's membership (the
    thread a mentor opens goes through any one of them)."""
    if thread.circle is None or thread.circle.mentor.user_id != actor.pk or not message.author_id:
        return thread.mentorship
    authors = Mentorship.objects.filter(group=thread.circle, mentee__user_id=message.author_id)
    return authors.order_by("-pk").first() or thread.mentorship

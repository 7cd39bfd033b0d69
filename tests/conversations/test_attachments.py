"""Files in a conversation: told by content, within the limits, stored through the storage API,
served to the conversation's people only, and gone with their message."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conversations import files
from conversations.access import get_thread_for_user
from conversations.models import Attachment, Message
from conversations.services import message_delete, message_send
from matching.models import Mentorship
from mentorship.errors import DomainError

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODS = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b""})


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (PDF, "notes.pdf", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 16, "x.png", "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\0" * 16, "x.jpg", "image/jpeg"),
        (b"GIF89a" + b"\0" * 16, "x.gif", "image/gif"),
        (b"RIFF\0\0\0\0WEBPVP8 ", "x.webp", "image/webp"),
        (
            DOCX,
            "plan.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (ODS, "sheet.ods", "application/vnd.oasis.opendocument.spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16, "old.xls", "application/vnd.ms-excel"),
    ],
)
def test_a_files_kind_is_told_by_its_content(data, name, expected):
    kind = files.kind_of(io.BytesIO(data))
    assert kind is not None and files.named_kind(kind, name).content_type == expected


@pytest.mark.parametrize(
    "data",
    [
        b"<html><script>alert(1)</script></html>",  # a page named .pdf
        b"MZ\x90\x00",  # a Windows program
        _zip({"evil.exe": b"MZ"}),  # a zip that is no office document
        b"PK\x03\x04 not really a zip",
        b"",
    ],
)
def test_anything_else_is_refused_whatever_its_name(data):
    assert files.kind_of(io.BytesIO(data)) is None


def test_a_name_keeps_its_words_and_gets_the_kinds_extension():
    assert files.safe_name("C:\\Users\\me\\My plan.exe", files.PDF) == "My plan.pdf"
    assert files.safe_name('bad"<name>.pdf', files.PDF) == "badname.pdf"


@pytest.mark.django_db
def test_a_file_downloads_for_the_pair_and_is_404_for_anyone_else(
    client, mentorship: Mentorship, mentor, mentee, outsider, admin_user
):
    client.force_login(mentee)
    url = reverse("conversations:conversation", args=[mentorship.pk])
    upload = SimpleUploadedFile("notes.pdf", PDF, content_type="text/html")  # the name lies too
    assert client.post(url, {"text": "", "attachments": [upload]}).status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf" and attachment.size == len(PDF)
    assert default_storage.exists(attachment.file.name)
    download = reverse("conversations:attachment", args=[attachment.pk])
    for person in (mentor, mentee):
        client.force_login(person)
        response = client.get(download)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="notes.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
    for person in (outsider, admin_user):
        client.force_login(person)
        assert client.get(download).status_code == 404


@pytest.mark.django_db
def test_a_file_of_the_wrong_kind_or_size_is_refused_next_to_the_field(
    client, mentorship: Mentorship, mentee, settings
):
    client.force_login(mentee)
    url = reverse("conversations:conversation", args=[mentorship.pk])
    page = client.post(
        url, {"text": "See attached", "attachments": [SimpleUploadedFile("cv.pdf", b"MZ\x90")]}
    ).content.decode()
    assert 'id="attachments-error">cv.pdf is not a PDF, an image' in page
    big = SimpleUploadedFile("big.pdf", PDF + b"\0" * files.MAX_SIZE)
    page = client.post(url, {"text": "", "attachments": [big]}).content.decode()
    assert "big.pdf is 10.0 MB; a file can be at most 10.0 MB." in page
    many = [SimpleUploadedFile(f"{n}.pdf", PDF) for n in range(files.MAX_PER_MESSAGE + 1)]
    page = client.post(url, {"text": "", "attachments": many}).content.decode()
    assert "A message takes at most 5 files; these are 6." in page
    assert not Message.objects.exists() and not Attachment.objects.exists()


@pytest.mark.django_db
def test_deleting_the_message_deletes_its_files(
    mentorship: Mentorship, mentee, django_capture_on_commit_callbacks
):
    thread = get_thread_for_user(mentee, mentorship.pk)
    message = message_send(
        thread=thread, author=mentee, text="", files=[SimpleUploadedFile("a.pdf", PDF)]
    )
    stored = Attachment.objects.get().file.name
    with django_capture_on_commit_callbacks(execute=True):
        message_delete(thread=thread, message=message, actor=mentee)
    assert not Attachment.objects.exists()
    assert not default_storage.exists(stored)


@pytest.mark.django_db
def test_a_message_needs_text_or_a_file(mentorship: Mentorship, mentee):
    with pytest.raises(DomainError, match="Write something first"):
        message_send(thread=get_thread_for_user(mentee, mentorship.pk), author=mentee, text=" ")

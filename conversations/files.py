"""What an attachment is, told by its content, never by its name: PDF, images (PNG, JPEG, GIF,
WebP), and office documents (Word, Excel and PowerPoint, old and new, and OpenDocument). Pure:
bytes in, a kind out."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_SIZE = 10 * 1024 * 1024
MAX_PER_MESSAGE = 5


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str
    label: StrOrPromise  # lazy text, for the labels that are words


PDF = Kind("application/pdf", "pdf", "PDF")
PNG = Kind("image/png", "png", _("PNG image"))
JPEG = Kind("image/jpeg", "jpg", _("JPEG image"))
GIF = Kind("image/gif", "gif", _("GIF image"))
WEBP = Kind("image/webp", "webp", _("WebP image"))
# An OLE2 file's own bytes do not say which program wrote it; its name's extension does, among
# these three (any other name is taken as a Word document).
OLD_OFFICE = Kind("application/msword", "doc", "Word (97–2003)")
OLD_OFFICE_BY_EXTENSION = {
    "doc": OLD_OFFICE,
    "xls": Kind("application/vnd.ms-excel", "xls", "Excel (97–2003)"),
    "ppt": Kind("application/vnd.ms-powerpoint", "ppt", "PowerPoint (97–2003)"),
}
# The parts that make an Office Open XML file a Word, Excel or PowerPoint document.
OOXML = {
    "word/": Kind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "Word"
    ),
    "xl/": Kind(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "Excel"
    ),
    "ppt/": Kind(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
        "PowerPoint",
    ),
}
ODF = {
    "application/vnd.oasis.opendocument.text": Kind(
        "application/vnd.oasis.opendocument.text", "odt", _("OpenDocument text")
    ),
    "application/vnd.oasis.opendocument.spreadsheet": Kind(
        "application/vnd.oasis.opendocument.spreadsheet", "ods", _("OpenDocument spreadsheet")
    ),
    "application/vnd.oasis.opendocument.presentation": Kind(
        "application/vnd.oasis.opendocument.presentation", "odp", _("OpenDocument presentation")
    ),
}
ALLOWED_WORDS = _("a PDF, an image (PNG, JPEG, GIF, WebP) or an office document")


def kind_of(stream: IO[bytes]) -> Kind | None:
    """The file's kind from its first bytes (and, for a zip, its parts); None when it is not
    one Twoway takes. The stream is left at its start."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2: .doc, .xls, .ppt
        return OLD_OFFICE
    if head.startswith(b"PK\x03\x04"):
        return _zipped_kind(stream)
    return None


def _zipped_kind(stream: IO[bytes]) -> Kind | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                found = ODF.get(archive.read("mimetype").decode("ascii", "replace").strip())
                return found
            if "[Content_Types].xml" in names:
                for prefix, kind in OOXML.items():
                    if any(name.startswith(prefix) for name in names):
                        return kind
            return None
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        stream.seek(0)


def named_kind(kind: Kind, name: str) -> Kind:
    """An old Office file's kind, by its name's extension; any other kind as it is."""
    if kind is not OLD_OFFICE:
        return kind
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return OLD_OFFICE_BY_EXTENSION.get(extension, OLD_OFFICE)


def safe_name(name: str, kind: Kind) -> str:
    """The name as people gave it, cut to a sane length, with the extension its kind has."""
    stem = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = "".join(ch for ch in stem if ch.isprintable() and ch not in '"<>:|?*').strip() or "file"
    return f"{stem[:100]}.{kind.extension}"


def size_words(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"

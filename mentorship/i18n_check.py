"""Is every user-facing string translated? The checks CI runs (``manage.py i18n_check``).

- A template's text outside ``{% translate %}`` / ``{% blocktranslate %}`` that a person reads
  (text between tags, and the ``title``, ``alt``, ``placeholder``, ``aria-label`` and
  ``aria-description`` attributes) is reported, apart from words in ``UNTRANSLATED_WORDS``.
- A catalogue (``locale/<lang>/LC_MESSAGES/django.po``) with an untranslated or fuzzy entry, or
  one whose translation is the English text itself (apart from ``UNTRANSLATED_WORDS``), fails.
- Each compiled ``django.mo`` must say what its ``.po`` says: compiling needs GNU gettext, which
  ``make run`` does not, so the compiled files are committed and this checks they are current.

Pure reading: it changes nothing. polib reads both files without GNU gettext.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.base import Lexer, TokenType

# Names and brand words that read the same in every language, and text that is no language.
UNTRANSLATED_WORDS = frozenset(
    {
        "Twoway",
        "Jitsi",
        "CalDAV",
        "iCloud",
        "Fastmail",
        "Nextcloud",
        "Google",
        "Microsoft",
        "Outlook",
        "Teams",
        "Zoom",
        "OpenID Connect",
        "OIDC",
        "SAML",
        "SAML 2.0",
        "SCIM",
        "SCIM 2.0",
        "API",
        "OAuth",
        "URL",
        "CSV",
        "JSON",
        "PDF",
        "iCalendar",
        ".ics",
        "TOTP",
        "MFA",
        "Webhook",
        "Webhooks",
        "Deutsch",
        "Español",
        "English",
    }
)

# Words that a translation may leave as they are (German and Spanish borrow them), on top of
# the names above. Only the catalogue check allows them: a template must still mark them.
SAME_IN_TRANSLATION = UNTRANSLATED_WORDS | frozenset(
    {
        "OK",
        "Check-in",
        "Check-ins",
        "Person",
        "Name",
        "E-Mail",
        "Email",
        "Status",
        "Details",
        "Feedback",
        "Mentor",
        "Mentoring",
        "Mentee",
        "Mentorship",
        "Mentors",
        "Mentees",
        "Chat",
        "Online",
        "Team",
        "Start",
        "Client ID",
        "Client secret",
        "Token",
        "Tokens",
        "Dashboard",
        "Home",
    }
)

# Attributes whose values are read to people (by eye or by a screen reader).
READ_ATTRIBUTES = ("title", "alt", "placeholder", "aria-label", "aria-description")
_ATTRIBUTE = re.compile(
    r"\b(" + "|".join(READ_ATTRIBUTES) + r""")\s*=\s*("([^"]*)"|'([^']*)')""", re.IGNORECASE
)
_TAG = re.compile(r"<[^>]*>|<[^>]*$|^[^<]*>", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ENTITY = re.compile(r"&[#a-zA-Z0-9]+;")
_WORDS = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
# Blocks whose content is not read as text (or is translated as a whole).
_SKIPPED_BLOCKS = {
    "translate": None,
    "trans": None,
    "blocktranslate": "endblocktranslate",
    "blocktrans": "endblocktrans",
    "comment": "endcomment",
    "verbatim": "endverbatim",
    "setvar": "endsetvar",  # allauth's: a value (class names, ids), not shown as text
}


@dataclass(frozen=True)
class Finding:
    where: str
    text: str

    def __str__(self) -> str:
        return f"{self.where}: {self.text!r}"


def _readable(text: str) -> bool:
    """Does this text have a word a person reads that is not a name or brand word?"""
    text = _ENTITY.sub(" ", text).strip()
    if not _WORDS.search(text):
        return False
    if text in UNTRANSLATED_WORDS:
        return False
    remaining = text
    for word in sorted(UNTRANSLATED_WORDS, key=len, reverse=True):
        remaining = remaining.replace(word, " ")
    return bool(_WORDS.search(remaining))


# What stands for a template tag or variable in the text the checks read: no letters, and no
# "<" or ">", so a tag split by a template tag ({% if %} inside <a …>) is still one tag.
_HOLE = "\x00"


def _text_outside_tags(text: str) -> Iterator[tuple[int, str]]:
    """What a template shows (its template tags and variables replaced by holes): the attribute
    values people read, then the text between tags; each with its offset."""
    text = _COMMENT.sub(lambda m: " " * len(m.group()), text)
    for match in _ATTRIBUTE.finditer(text):
        value = match.group(3) if match.group(3) is not None else match.group(4)
        yield match.start(), value
    skipping = False
    position = 0
    for piece in re.split(r"(<[^>]*>)", text):
        offset = position
        position += len(piece)
        lowered = piece.lower()
        # Code (a header's name, a command) reads the same in every language.
        if lowered.startswith(("<script", "<style", "<code", "<kbd", "<pre")):
            skipping = not lowered.endswith("/>")
            continue
        if lowered.startswith(("</script", "</style", "</code", "</kbd", "</pre")):
            skipping = False
            continue
        if skipping or piece.startswith("<"):
            continue
        yield offset, piece


def template_findings(path: Path, root: Path) -> list[Finding]:
    """Text in one template that a person reads and that is not marked for translation."""
    source = path.read_text(encoding="utf-8")
    shown: list[str] = []
    lines: list[tuple[int, int]] = []  # (offset in the shown text, line in the template)
    length = 0
    closing: str | None = None
    for token in Lexer(source).tokenize():
        if closing is not None:
            if token.token_type == TokenType.BLOCK and token.contents.split()[0] == closing:
                closing = None
            continue
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if name in _SKIPPED_BLOCKS:
                closing = _SKIPPED_BLOCKS[name]
        if token.token_type == TokenType.TEXT:
            piece = token.contents
        elif token.token_type == TokenType.COMMENT:
            piece = ""
        else:
            piece = _HOLE
        lines.append((length, token.lineno or 0))
        shown.append(piece)
        length += len(piece)
    text = "".join(shown)
    findings: list[Finding] = []
    for offset, found in _text_outside_tags(text):
        found = found.replace(_HOLE, " ")
        if _readable(found):
            line = max((n for start, n in lines if start <= offset), default=1)
            where = f"{path.relative_to(root)}:{line}"
            findings.append(Finding(where, " ".join(found.split())[:80]))
    return findings


def template_paths() -> list[Path]:
    """Every template of the project (not the installed packages', not the tests')."""
    root = Path(settings.BASE_DIR)
    # Only the project's own folders: no virtualenv (.venv, .venv-py313…), no hidden folder.
    tops = [
        top
        for top in root.iterdir()
        if top.is_dir() and not top.name.startswith(".") and top.name not in {"tests", "var"}
    ]
    paths = [
        path
        for top in tops
        for path in (top.rglob("*") if top.name == "templates" else top.rglob("templates/**/*"))
        if path.suffix in {".html", ".txt"} and path.is_file()
    ]
    return sorted(paths)


def untranslated_templates() -> list[Finding]:
    root = Path(settings.BASE_DIR)
    return [finding for path in template_paths() for finding in template_findings(path, root)]


def catalogue_paths() -> list[Path]:
    return sorted(
        Path(directory) / code / "LC_MESSAGES" / "django.po"
        for directory in settings.LOCALE_PATHS
        for code, _name in settings.LANGUAGES
        if code != settings.LANGUAGE_CODE.split("-")[0]
    )


def _same_as_english(msgid: str, msgstr: str) -> bool:
    """Is the translation the English text, in a way no translator would leave it?"""
    if msgstr.strip() != msgid.strip():
        return False
    remaining = _ENTITY.sub(" ", msgid)
    remaining = re.sub(r"%\(\w+\)[sd]|\{\w*\}|%[sd]", " ", remaining)
    for word in sorted(SAME_IN_TRANSLATION, key=len, reverse=True):
        remaining = re.sub(re.escape(word), " ", remaining, flags=re.IGNORECASE)
    return bool(_WORDS.search(remaining))


def catalogue_findings(path: Path) -> list[Finding]:
    """Untranslated, fuzzy, English-as-translation, and stale-compiled entries of one catalogue."""
    import polib  # a development tool: the running site reads the .mo files through gettext

    where = str(path.relative_to(settings.BASE_DIR))
    if not path.exists():
        return [Finding(where, "missing catalogue")]
    catalogue = polib.pofile(str(path))
    findings: list[Finding] = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            findings.append(Finding(where, f"fuzzy: {entry.msgid[:60]}"))
        elif entry.msgid_plural:
            forms = [entry.msgstr_plural.get(i, "") for i in sorted(entry.msgstr_plural)]
            if not forms or not all(forms):
                findings.append(Finding(where, f"untranslated: {entry.msgid[:60]}"))
            elif _same_as_english(entry.msgid_plural, forms[-1]):
                findings.append(Finding(where, f"English as translation: {entry.msgid[:60]}"))
        elif not entry.msgstr:
            findings.append(Finding(where, f"untranslated: {entry.msgid[:60]}"))
        elif _same_as_english(entry.msgid, entry.msgstr):
            findings.append(Finding(where, f"English as translation: {entry.msgid[:60]}"))
    compiled = path.with_suffix(".mo")
    if not compiled.exists():
        findings.append(Finding(where, "not compiled: run `make messages`"))
    else:
        wanted = {
            (entry.msgctxt, entry.msgid): entry.msgstr or dict(entry.msgstr_plural)
            for entry in catalogue.translated_entries()
        }
        have = {
            (entry.msgctxt, entry.msgid): entry.msgstr or dict(entry.msgstr_plural)
            for entry in polib.mofile(str(compiled))
            if entry.msgid
        }
        if {key: _plain(value) for key, value in wanted.items()} != {
            key: _plain(value) for key, value in have.items()
        }:
            findings.append(Finding(where, "compiled file is stale: run `make messages`"))
    return findings


def _plain(value: str | dict[int, str]) -> str | tuple[str, ...]:
    if isinstance(value, dict):
        return tuple(value[key] for key in sorted(value, key=int))
    return value


def all_findings() -> list[Finding]:
    return untranslated_templates() + [
        finding for path in catalogue_paths() for finding in catalogue_findings(path)
    ]

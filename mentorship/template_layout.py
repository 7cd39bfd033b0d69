"""Template lines a reader can see whole: at most LIMIT characters, broken where a line break
changes nothing that is rendered or translated. In .html: at a space between an HTML tag's
attributes (outside quotes), or in text between tags (outside <pre> and <textarea>, and outside
a blocktranslate that is not trimmed, whose text is its msgid); in .txt only inside a trimmed
blocktranslate (a plain-text email's line is its paragraph). Never inside {% %}, {{ }} or {# #}:
a Django tag cannot span lines, so a line made long by one tag stays as it is.

``manage.py wrap_templates`` applies it; tests/mentorship/test_layout.py fails on a long line
that could be broken.
"""

from __future__ import annotations

import re

LIMIT = 120


def safe_points(text: str, is_html: bool) -> list[bool]:
    """For each character of the whole file: may a space here become a line break?"""
    n = len(text)
    safe = [False] * n
    i = 0
    in_tag = False
    quote = ""
    raw = 0  # inside <pre> or <textarea>
    block = ""  # "trimmed" / "raw" when inside a blocktranslate
    while i < n:
        if text.startswith("{%", i) or text.startswith("{{", i) or text.startswith("{#", i):
            end = text.find({"{%": "%}", "{{": "}}", "{#": "#}"}[text[i : i + 2]], i)
            end = n if end < 0 else end + 2
            tag = text[i:end]
            m = re.match(r"\{%\s*(\w+)", tag)
            if m:
                name = m.group(1)
                if name in ("blocktranslate", "blocktrans"):
                    block = "trimmed" if re.search(r"\btrimmed\b", tag) else "raw"
                elif name in ("endblocktranslate", "endblocktrans"):
                    block = ""
            i = end
            continue
        c = text[i]
        if is_html:
            if in_tag:
                if quote:
                    if c == quote:
                        quote = ""
                elif c in "\"'":
                    quote = c
                elif c == ">":
                    in_tag = False
                elif c == " ":
                    safe[i] = True
            else:
                if c == "<" and re.match(r"</?[a-zA-Z!]", text[i : i + 2]):
                    lowered = text[i : i + 10].lower()
                    if lowered.startswith(("<pre", "<textarea")):
                        raw += 1
                    elif lowered.startswith(("</pre", "</textarea")):
                        raw = max(0, raw - 1)
                    in_tag = True
                elif c == " " and not raw and block != "raw":
                    safe[i] = True
        else:
            if c == " " and block == "trimmed":
                safe[i] = True
        i += 1
    return safe


def wrap_text(text: str, is_html: bool) -> tuple[str, int]:
    """The template with every long line broken where a break changes nothing; how many."""
    changed = 0
    for _round in range(20):
        safe = safe_points(text, is_html)
        lines = text.split("\n")
        offset = 0
        out = []
        did = False
        for line in lines:
            if len(line) > LIMIT:
                indent = len(line) - len(line.lstrip(" "))
                candidates = _candidates(line, offset, safe)
                if candidates:
                    k = candidates[-1]
                    out.append(line[:k].rstrip(" "))
                    out.append(" " * (indent + 2) + line[k + 1 :].lstrip(" "))
                    did = True
                    changed += 1
                    offset += len(line) + 1
                    continue
            out.append(line)
            offset += len(line) + 1
        text = "\n".join(out)
        if not did:
            break
    return text, changed


def _candidates(line: str, offset: int, safe: list[bool]) -> list[int]:
    indent = len(line) - len(line.lstrip(" "))
    return [
        k
        for k in range(indent + 1, min(len(line), LIMIT + 1))
        if line[k] == " " and safe[offset + k] and line[:k].strip()
    ]


def wrappable_long_lines(text: str, is_html: bool) -> list[int]:
    """Numbers (from 1) of the lines over LIMIT that could be broken without a change."""
    safe = safe_points(text, is_html)
    found = []
    offset = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > LIMIT and _candidates(line, offset, safe):
            found.append(number)
        offset += len(line) + 1
    return found

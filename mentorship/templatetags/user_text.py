"""What people typed, shown safely: escaped, line breaks kept, and web addresses clickable."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# http and https only: no javascript:, data: or mailto: links made from someone's text.
_ADDRESS = re.compile(r"\bhttps?://[^\s<>\"']+", re.IGNORECASE)
# Punctuation that ends a sentence more often than an address.
_TRAILING = ".,;:!?)]}'\""


def _link(address: str) -> str:
    shown = escape(address)
    return f'<a href="{shown}" rel="nofollow noopener noreferrer">{shown}</a>'


@register.filter(is_safe=True)
def user_text(value: object) -> SafeString:
    """Escape ``value``, make its http(s) addresses links (rel="nofollow noopener"), and keep
    its line breaks."""
    text = "" if value is None else str(value)
    out: list[str] = []
    position = 0
    for match in _ADDRESS.finditer(text):
        address = match.group(0)
        kept = address.rstrip(_TRAILING)
        # A closing bracket belongs to the address when it opened one: (see https://x.org/a_(b)).
        while address[len(kept) : len(kept) + 1] == ")" and kept.count("(") > kept.count(")"):
            kept += ")"
        out.append(escape(text[position : match.start()]))
        out.append(_link(kept))
        position = match.start() + len(kept)
    out.append(escape(text[position:]))
    joined = "".join(out).replace("\r\n", "\n").replace("\r", "\n")
    return mark_safe(joined.replace("\n", "<br>"))  # noqa: S308 (every part is escaped above)


@register.filter(is_safe=True)
def sentence(value: object) -> SafeString:
    """``user_text`` ending with one full stop: "Helped a lot." stays as it is, never ".."."""
    text = "" if value is None else str(value).strip()
    if text and not text.endswith((".", "!", "?", "…")):
        text += "."
    return user_text(text)

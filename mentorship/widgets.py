"""Form widgets shared by the apps."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.safestring import SafeString, mark_safe


class QuickSelect(forms.Select):
    """A ``<select>`` whose options are written in Python.

    Django renders every ``<option>`` through a template, about 0.1 ms each: a choice among a
    program's mentors (thousands of them) made that the page's whole cost. The markup is what
    Django's own widget writes, less the blank lines.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        chosen = set(self.format_value(value))
        written = _attributes(self.build_attrs(self.attrs, attrs))
        parts: list[str] = [f'<select name="{html.escape(name)}"{written}>']
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):  # a group: (its name, its choices)
                parts.append(f'<optgroup label="{html.escape(str(option_value))}">')
                parts.extend(_options(label, chosen))
                parts.append("</optgroup>")
            else:
                parts.extend(_options([(option_value, label)], chosen))
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every part is escaped)


def _options(choices: Iterable[tuple[Any, Any]], chosen: set[str]) -> Iterable[str]:
    # The standard library's escape (the same five characters as Django's), without Django's
    # lazy-text check and safe-string wrapper on each of thousands of calls.
    for value, label in choices:
        text = "" if value is None else str(value)
        selected = " selected" if text in chosen else ""
        yield f'<option value="{html.escape(text)}"{selected}>{html.escape(str(label))}</option>'


def _attributes(attrs: dict[str, Any]) -> str:
    """As Django's attrs.html writes them, in their order: True as the bare name, False left
    out."""
    return "".join(
        f" {name}" if value is True else f' {name}="{html.escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )

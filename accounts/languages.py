"""The languages a person can say they speak ("languages I speak"): every language Django
knows by name, each shown in its own name ("Deutsch", "español")."""

from __future__ import annotations

from functools import cache

from django.conf.locale import LANG_INFO
from django.utils.translation import get_language_info


@cache
def spoken_language_choices() -> list[tuple[str, str]]:
    codes = sorted(
        code for code, info in LANG_INFO.items() if "-" not in code and "name_local" in info
    )
    return sorted(
        ((code, LANG_INFO[code]["name_local"]) for code in codes), key=lambda c: c[1].casefold()
    )


def language_name(code: str) -> str:
    """The language's name in the reader's language ("German" in English, "Deutsch" in
    German); the code itself for one Django does not know."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code

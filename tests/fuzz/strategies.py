"""Hypothesis strategies for bad input, and form data drawn from a form's own fields.

``form_data`` reads a Django form's fields (and the raw keys a view reads itself) and draws one
of: every field plausible (the success path runs too); plausible but for one field, which is
hostile for its type, missing or doubled (the bugs hiding behind an otherwise valid form); or
every field missing, plausible, hostile or doubled, with junk keys beside them.
"""

from __future__ import annotations

import copy
import os
import string
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Model
from django.forms.models import InlineForeignKeyField
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

Data = dict[str, list[str]]

IN_CI = os.environ.get("CI", "").lower() == "true"

# CI replays the same examples on every run (a red build is a finding, never chance); a local
# run explores new ones. Nothing is stored between runs.
FUZZ = settings(
    # Examples per test: FUZZ_EXAMPLES=200 explores further (the directory takes about two
    # minutes on SQLite at 25).
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
    deadline=None,
    derandomize=IN_CI,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# Text that has broken web applications before: control and format characters, right-to-left
# overrides, zero-width and combining marks, astral characters (surrogate pairs in UTF-16),
# markup, SQL, format strings, spreadsheet formulas, and blanks.
NASTY_STRINGS = [
    "",
    " ",
    "\t\n\r\u00a0\u2003",
    "\x00",
    "before\x00after",
    "\x01\x02\x1b[31m",
    "\u202egnp.exe",
    "\u200f\u200e\u2066\u2069",
    "\ufeff",
    "\u200b\u200c\u200d",
    "Z\u0351\u0364\u0301\u0317a\u0344\u0346lgo",
    "🙂👩🏽‍💻🇩🇪",
    "𝕿𝖜𝖔𝖜𝖆𝖞 𐍈 \U0010fffd",
    "\ud7ff\ue000\uffff",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%s%n%x{0}{}",
    "=cmd()",
    "+1+1",
    "@SUM(A1)",
    "../../etc/passwd",
    "null",
    "None",
    "NaN",
    "true",
    "0",
    "-1",
    "ｆｕｌｌｗｉｄｔｈ",
    "ǅ İ ß ﬁ",
    "مرحبا بالعالم",
    "\r\n\r\nHeader-Injection: yes",
]

NUMBERS = [
    "-1",
    "0",
    "-0",
    "1.5",
    "1e309",
    "-1e309",
    "nan",
    "inf",
    "-inf",
    "9" * 30,
    "-" + "9" * 30,
    "2147483648",
    "32768",
    "65536",
    "9223372036854775808",
    "0x10",
    "١٢",
    "１２",
    " 5 ",
    "5abc",
    "1_000",
]

DATES = [
    "2026-02-30",
    "0000-00-00",
    "2026-13-01",
    "2026-00-10",
    "2025-02-29",
    "9999-12-31",
    "0001-01-01",
    "10000-01-01",
    "-2026-01-01",
    "31/12/2026",
    "12/31/2026",
    "2026-1-1",
    "2026-02-30T25:00",
    "yesterday",
]

TIMES = ["25:00", "24:00", "23:59:60", "-1:00", "12:60", "99:99", "noon", "12:00:00.9999999", "T"]

TIME_ZONES = [
    "Mars/Olympus_Mons",
    "Europe/Berlin ",
    "europe/berlin",
    "UTC+25",
    "Etc/GMT+14",
    "posix/Europe/Berlin",
    "right/UTC",
    "Factory",
    "localtime",
    "America/Argentina/ComodRivadavia",
    "../../../../etc/localtime",
    "Europe/Kyiv\x00",
]

IDS = ["0", "-1", "9" * 30, "1.0", "abc", "1,2", "[1]", "𝟏"]

EMAILS = [
    "a" * 250 + "@example.org",  # valid, and longer than the 254 an EmailField column holds
    "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + ".org",
    "a@",
    "@b.org",
    "a@b",
    "a" * 300 + "@example.org",
    "ä@ü.de",
    "a@[127.0.0.1]",
    "a@b.org\x00",
    "a@b.org\r\nBcc: c@d.org",
    '"a b"@example.org',
]

WORDS = [
    "Leadership",
    "A specific, small first step we could take.",
    "Ask for the stretch project and report back.",
    "Meet monthly over video",
    "Public speaking",
    "Ada Lovelace",
]


def long_text() -> SearchStrategy[str]:
    """10,000 to 100,000 characters of one kind (wide characters too)."""
    return st.builds(
        lambda piece, size: (piece * size)[:size],
        st.sampled_from(["a", "é", "🙂", " ", "\u202e", "ab\n", "=cmd()"]),
        st.integers(10_000, 100_000),
    )


def nasty_text() -> SearchStrategy[str]:
    """Hostile text: a known troublemaker, random Unicode that UTF-8 can carry, or a lot of it."""
    return st.one_of(
        st.sampled_from(NASTY_STRINGS),
        st.sampled_from(NASTY_STRINGS),
        # NUL gets its own share: PostgreSQL refuses it in text, SQLite stores it.
        st.sampled_from(WORDS).map(lambda word: word[:3] + "\x00" + word[3:]),
        st.text(st.characters(codec="utf-8"), max_size=40),
        long_text(),
    )


def _limits(field: forms.Field) -> tuple[float | None, float | None]:
    low = getattr(field, "min_value", None)
    high = getattr(field, "max_value", None)
    for validator in field.validators:
        if isinstance(validator, MinValueValidator):
            low = validator.limit_value if low is None else max(low, validator.limit_value)
        if isinstance(validator, MaxValueValidator):
            high = validator.limit_value if high is None else min(high, validator.limit_value)
    return low, high


def _choice_keys(field: forms.ChoiceField) -> list[str]:
    keys: list[str] = []
    for key, label in field.choices:
        if isinstance(label, list | tuple):  # an option group
            keys.extend(str(inner) for inner, _ in label)
        else:
            keys.append(str(key))
    return keys


def _pks(rows: Iterable[Model]) -> list[str]:
    return [str(row.pk) for row in rows]


def _days_for(name: str) -> tuple[int, int]:
    """Days from today a date field named ``name`` plausibly takes: ends and dues lie ahead."""
    if any(word in name for word in ("end", "until", "due", "target")):
        return 10, 120
    if "start" in name:
        return -30, 0
    return -60, 120


def plausible(field: forms.Field, name: str = "") -> SearchStrategy[str]:
    """A value this field would take, as a browser would send it."""
    today = timezone.localdate()
    if isinstance(field, forms.BooleanField):
        return st.just("on")
    if isinstance(field, forms.ModelMultipleChoiceField | forms.ModelChoiceField):
        pks = _pks(field.queryset[:20])
        return st.sampled_from(pks) if pks else st.just("")
    if isinstance(field, forms.ChoiceField):
        keys = [key for key in _choice_keys(field) if key] or [""]
        return st.sampled_from(keys[:500])
    if isinstance(field, forms.DateField):
        low, high = _days_for(name)
        return st.integers(low, high).map(lambda days: (today + timedelta(days=days)).isoformat())
    if isinstance(field, forms.TimeField):
        return st.builds(
            lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.sampled_from([0, 30])
        )
    if isinstance(field, forms.IntegerField | forms.FloatField):
        low, high = _limits(field)
        low = 0 if low is None else low
        high = low + 100 if high is None else high
        return st.integers(int(low), int(high)).map(str)
    if isinstance(field, forms.EmailField):
        return st.integers(0, 10**6).map(lambda n: f"someone{n}@example.org")
    if isinstance(field, forms.SlugField):
        return st.from_regex(r"\A[a-z][a-z0-9-]{2,20}\Z")
    if isinstance(field, forms.CharField):
        top = field.max_length or 200
        return st.one_of(
            st.sampled_from(WORDS).map(lambda text: text[:top]),
            st.text(string.ascii_letters + " .,", min_size=1, max_size=min(top, 60)),
            # As long as the form allows: the column behind it must hold that much too.
            st.sampled_from(["x", "é", "🙂"]).map(lambda char: char * (field.max_length or 5000)),
        )
    return st.sampled_from(WORDS)


def hostile(field: forms.Field, foreign_ids: list[str]) -> SearchStrategy[str]:
    """A value of the field's kind that it should refuse (or take and survive)."""
    typed: list[str] = []
    if isinstance(field, forms.IntegerField | forms.FloatField | forms.TypedChoiceField):
        typed = NUMBERS
    elif isinstance(field, forms.DateField):
        typed = DATES
    elif isinstance(field, forms.TimeField):
        typed = TIMES
    elif isinstance(field, forms.EmailField):
        typed = EMAILS
    elif isinstance(field, forms.ModelChoiceField | forms.ModelMultipleChoiceField):
        typed = IDS + foreign_ids
    elif isinstance(field, forms.ChoiceField) and any("/" in key for key in _choice_keys(field)):
        typed = TIME_ZONES
    elif isinstance(field, forms.ChoiceField):
        typed = IDS + foreign_ids
    if typed:
        return st.one_of(st.sampled_from(typed), st.sampled_from(typed), nasty_text())
    return nasty_text()


def _foreign_ids(field: forms.Field) -> list[str]:
    """Ids of rows this field's queryset does not offer: other people's objects."""
    queryset = getattr(field, "queryset", None)
    if queryset is None:
        return []
    return _pks(queryset.model._default_manager.exclude(pk__in=queryset.values("pk"))[:10])


def field_values(
    field: forms.Field, key: str, *, foreign_ids: list[str]
) -> SearchStrategy[list[str]]:
    """Nothing, one value, or the field doubled; plausible twice as often as hostile."""
    one = st.one_of(plausible(field, key), plausible(field, key), hostile(field, foreign_ids))
    many = isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
    return st.one_of(
        st.just([]),
        one.map(lambda value: [value]),
        st.lists(one, min_size=2, max_size=4 if many else 2),
    )


def fields_of(form: forms.BaseForm | Any) -> dict[str, forms.Field]:
    """The POST keys of a form (its prefix applied), or of every form of a formset.

    A model form's fields get the model field's validators too (the model checks them when
    the form validates), so that plausible numbers respect, say, a minimum of 1.
    """
    if isinstance(form, forms.BaseFormSet):
        found = fields_of(form.management_form)
        for member in [*form.forms, form.empty_form][:3]:
            found.update(fields_of(member))
        return found
    model = getattr(getattr(form, "_meta", None), "model", None)
    found = {}
    for name, field in form.fields.items():
        if model is not None:
            try:
                model_field = model._meta.get_field(name)
            except FieldDoesNotExist:
                pass
            else:
                field = copy.copy(field)
                field.validators = [*field.validators, *getattr(model_field, "validators", [])]
        found[form.add_prefix(name)] = field
    return found


@dataclass(frozen=True)
class RawKey:
    """A POST key the view reads itself (not through a form): the values it expects (``""``
    leaves the key out) and some it should refuse."""

    values: tuple[str, ...]
    hostile: tuple[str, ...] = ()

    def plausible(self) -> SearchStrategy[list[str]]:
        return st.sampled_from(self.values).map(lambda value: [value] if value else [])

    def hostile_value(self) -> SearchStrategy[str]:
        typed = self.hostile or self.values
        return st.one_of(st.sampled_from(typed), st.sampled_from(NUMBERS + IDS), nasty_text())

    def fuzzed(self) -> SearchStrategy[list[str]]:
        one = st.one_of(
            st.sampled_from(self.values), st.sampled_from(self.values), self.hostile_value()
        )
        return st.one_of(
            st.just([]), one.map(lambda value: [value]), st.lists(one, min_size=2, max_size=2)
        )


def raw(*values: str, hostile: Iterable[str] = ()) -> RawKey:
    return RawKey(tuple(values), tuple(hostile))


def _fuzz_only(key: str, field: forms.Field) -> bool:
    """A formset row's own id and delete box: fuzzed (other people's rows), never guessed."""
    return key.endswith(("-id", "-DELETE")) or isinstance(field, InlineForeignKeyField)


def _fields(forms_: Iterable[Any]) -> dict[str, forms.Field]:
    found: dict[str, forms.Field] = {}
    for form in forms_:
        found.update(fields_of(form))
    return found


def plausible_data(*forms_: Any, raw_keys: dict[str, RawKey] | None = None) -> SearchStrategy[Data]:
    """Every field of these forms, and every raw key, with a value it would take."""
    return st.fixed_dictionaries(
        {
            **{
                key: plausible(f, key).map(lambda value: [value])
                for key, f in _fields(forms_).items()
                if not _fuzz_only(key, f)
            },
            **{key: raw_key.plausible() for key, raw_key in (raw_keys or {}).items()},
        }
    )


def fuzzed_data(*forms_: Any, raw_keys: dict[str, RawKey] | None = None) -> SearchStrategy[Data]:
    """Each field and raw key missing, plausible, hostile or doubled; a junk key or two."""
    junk_keys = st.dictionaries(
        st.sampled_from(["", "x", "pk", "id", "user", "program", "\x00", "a" * 300]),
        st.lists(nasty_text(), max_size=2),
        max_size=2,
    )
    fields = st.fixed_dictionaries(
        {
            **{
                key: field_values(f, key, foreign_ids=_foreign_ids(f))
                for key, f in _fields(forms_).items()
            },
            **{key: raw_key.fuzzed() for key, raw_key in (raw_keys or {}).items()},
        }
    )
    return st.builds(lambda junk, data: {**junk, **data}, junk_keys, fields)


def _fault(bad: SearchStrategy[str], good: SearchStrategy[str]) -> SearchStrategy[list[str]]:
    """A hostile value (usually), nothing, or the key doubled."""
    return st.one_of(
        bad.map(lambda value: [value]),
        bad.map(lambda value: [value]),
        st.just([]),
        st.lists(st.one_of(good, bad), min_size=2, max_size=3),
    )


def one_fault(*forms_: Any, raw_keys: dict[str, RawKey] | None = None) -> SearchStrategy[Data]:
    """Plausible data with one field (or raw key) hostile, missing or doubled: the bugs that
    hide behind an otherwise valid form."""
    fields = _fields(forms_)
    faults = {
        key: _fault(hostile(f, _foreign_ids(f)), plausible(f, key)) for key, f in fields.items()
    } | {
        key: _fault(raw_key.hostile_value(), st.sampled_from(raw_key.values))
        for key, raw_key in (raw_keys or {}).items()
    }
    if not faults:
        return plausible_data(*forms_, raw_keys=raw_keys)
    return st.sampled_from(sorted(faults)).flatmap(
        lambda key: st.builds(
            lambda data, fault: {**data, key: fault},
            plausible_data(*forms_, raw_keys=raw_keys),
            faults[key],
        )
    )


def form_data(*forms_: Any, raw_keys: dict[str, RawKey] | None = None) -> SearchStrategy[Data]:
    """Wholly plausible data (the success path), one field at fault, or everything fuzzed."""
    return st.one_of(
        plausible_data(*forms_, raw_keys=raw_keys),
        one_fault(*forms_, raw_keys=raw_keys),
        one_fault(*forms_, raw_keys=raw_keys),
        fuzzed_data(*forms_, raw_keys=raw_keys),
    ).map(lambda data: {key: values for key, values in data.items() if values})

"""Fields and lookups of our own.

A set of choices in one text column: "|coach|sponsor|". Filtering by one member is a plain
``__contains="|coach|"`` that PostgreSQL and SQLite both run (a JSON list cannot be searched
on SQLite), and the value reads well in the database.

An ``__in`` on an integer column that leaves out the integers the column cannot hold.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.lookups import In
from django.db.models.sql.compiler import SQLCompiler
from django.utils.text import capfirst
from django.utils.translation import gettext


@lru_cache(maxsize=4096)
def _stored_codes(value: str) -> tuple[str, ...]:
    """A stored set's codes, sorted: read once per distinct value (a page reading thousands of
    rows meets the same few sets again and again)."""
    return tuple(sorted(code for code in value.split("|") if code))


def choice_set_lookup(code: str) -> str:
    """The ``__contains`` argument that finds rows whose set holds ``code``."""
    return f"|{code}|"


class ChoiceSetField(models.CharField):
    """Stores a set of codes from ``choices``; Python sees a sorted list of codes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 200:
            del kwargs["max_length"]
        kwargs.pop("blank", None)
        if kwargs.get("default") is list:
            del kwargs["default"]
        return name, path, args, kwargs

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> list[str]:
        if isinstance(value, str) and value:
            # A list of its own for each row (callers may change it); the parsing is shared.
            return list(_stored_codes(value))
        return self.to_python(value)

    def to_python(self, value: Any) -> list[str]:
        if value is None or value == "":
            return []
        if isinstance(value, str):
            return sorted(code for code in value.split("|") if code)
        return sorted(set(value))

    def get_prep_value(self, value: Any) -> str:
        codes = self.to_python(value)
        return f"|{'|'.join(codes)}|" if codes else ""

    def validate(self, value: Any, model_instance: Any) -> None:
        allowed = {str(code) for code, _ in self.flatchoices}
        unknown = [code for code in self.to_python(value) if code not in allowed]
        if unknown:
            raise ValidationError(
                gettext("%(codes)s is not one of the choices."),
                params={"codes": ", ".join(unknown)},
            )
        if not self.blank and not value:
            raise ValidationError(self.error_messages["blank"], code="blank")

    def value_to_string(self, obj: Any) -> str:
        return self.get_prep_value(self.value_from_object(obj))

    def formfield(self, **kwargs: Any) -> forms.Field:
        return forms.MultipleChoiceField(
            choices=self.choices or [],
            required=not self.blank,
            # capfirst, as Django's own fields: it keeps a lazy verbose_name lazy (a form class
            # is built at import time, before anyone's language is known), and it leaves the
            # rest of a translation's capitals alone (German nouns).
            label=kwargs.get("label", capfirst(self.verbose_name)),
            help_text=self.help_text,
            widget=kwargs.get("widget") or forms.CheckboxSelectMultiple,
        )

    def get_choices_display(self, codes: Iterable[str]) -> list[str]:
        labels = dict(self.flatchoices)
        return [str(labels.get(code, code)) for code in codes]


@models.IntegerField.register_lookup
class IntegerFieldIn(In):
    """``__in`` without the integers the column cannot hold: they match no row anyway.

    Django leaves them out of ``exact``, ``gt`` and the other integer lookups
    (``IntegerFieldOverflow``) but not out of ``in``, and SQLite cannot even bind an integer
    above 2**63 - 1 (OverflowError). An id a request sends reaches ``pk__in`` as it is, from
    every ModelMultipleChoiceField and from the admin's changelist actions, so the guard is
    here, once, rather than in each of them. Registered when this module is imported, which
    ``matching.models`` does while the apps load.
    """

    def process_rhs(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> Any:
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            held = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or low <= value) and (high is None or value <= high))
            ]
            if len(held) < len(self.rhs):
                # A copy: the same lookup may be compiled again, for another connection.
                lookup = copy.copy(self)
                lookup.rhs = held
                return super(IntegerFieldIn, lookup).process_rhs(compiler, connection)
        return super().process_rhs(compiler, connection)

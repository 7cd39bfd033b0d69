"""The personal-data registry cannot go stale: every field of every installed model (the
third-party apps' included) is classified, and a field it does not know fails the test."""

from __future__ import annotations

from dataclasses import replace

import pytest

from privacy import registry


def test_every_field_of_every_model_is_classified():
    assert registry.unclassified() == []


def test_a_field_left_out_is_reported(monkeypatch):
    goal = registry.BY_LABEL["goals.Goal"]
    narrowed = replace(goal, xe="title")  # "why" no longer classified
    monkeypatch.setitem(registry.BY_LABEL, "goals.Goal", narrowed)
    assert registry.unclassified() == ["goals.Goal.why"]


def test_a_field_that_does_not_exist_is_reported(monkeypatch):
    goal = registry.BY_LABEL["goals.Goal"]
    monkeypatch.setitem(registry.BY_LABEL, "goals.Goal", replace(goal, xe="title why mood"))
    assert registry.unclassified() == ["goals.Goal.mood (no such field)"]


def test_a_field_classified_twice_is_refused():
    with pytest.raises(ValueError, match="classified twice"):
        registry.Entry("goals.Goal", x="title", xe="title")


def test_models_without_personal_data_hold_no_text_about_a_person():
    """A model said to hold no personal data has no free-text column tied to a person: the
    only links to people it may have are who made it (created_by, updated_by, user)."""
    from django.apps import apps

    for label in registry.NOT_PERSONAL:
        model = apps.get_model(label)
        people = [
            f.name
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model._meta.label == "accounts.User"
        ]
        assert set(people) <= {"created_by", "updated_by", "user"}, label

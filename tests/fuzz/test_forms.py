"""Every form and POST endpoint, fed generated bad input: never a server error, and a refused
submission writes nothing (see ``submission.py`` for both properties, ``conftest.py`` for the
savepoint per example)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from tests.fuzz.endpoints import ALLAUTH, ENDPOINTS, Endpoint, url_for, url_variants
from tests.fuzz.strategies import FUZZ, form_data
from tests.fuzz.submission import assert_safe, submit
from tests.fuzz.world import World

pytestmark = pytest.mark.django_db


def _strategy(endpoint: Endpoint, world: World) -> SearchStrategy[Any]:
    forms = endpoint.forms(world.home)
    return st.tuples(
        url_variants(endpoint, world),
        form_data(*forms, raw_keys=endpoint.raw_keys(world)),
        st.booleans() if endpoint.htmx else st.just(False),
    )


def _check(endpoint: Endpoint, world: World, data: st.DataObject) -> None:
    # The strategy reads the world's querysets: build it once per test, not per example.
    cache = world.__dict__.setdefault("strategies", {})
    if endpoint.id not in cache:
        cache[endpoint.id] = _strategy(endpoint, world)
    (kwargs, foreign), body, htmx = data.draw(cache[endpoint.id], label="request")
    user = getattr(world.home, endpoint.user) if endpoint.user else None
    submission = submit(url_for(endpoint.name, kwargs), body, user=user, htmx=htmx)
    event(f"{submission.status} {'refused' if submission.refused else 'accepted'}")
    assert_safe(submission, must_refuse=foreign)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.id)
@FUZZ
@given(data=st.data())
def test_post_endpoint_survives_bad_input(world: World, endpoint: Endpoint, data: st.DataObject):
    _check(endpoint, world, data)


@pytest.mark.parametrize("endpoint", ALLAUTH, ids=lambda e: e.id)
@FUZZ
@given(data=st.data())
def test_account_endpoint_survives_bad_input(world: World, endpoint: Endpoint, data: st.DataObject):
    _check(endpoint, world, data)

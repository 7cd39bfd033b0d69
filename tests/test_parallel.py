"""The parallel run (make test, pytest-xdist): what goes to one process together."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import ONE_PROCESS_MODULES, ModulesTogether

ROOT = Path(__file__).resolve().parents[1]


def _unit(nodeid: str) -> str:
    return ModulesTogether._split_scope(None, nodeid)  # type: ignore[arg-type]


def test_a_listed_module_is_one_unit_and_other_tests_are_units_alone():
    budget = "tests/proof/test_query_budget.py"
    assert budget in ONE_PROCESS_MODULES
    first = _unit(f"{budget}::test_queries_do_not_grow_with_data[home-owner]")
    second = _unit(f"{budget}::test_every_get_page_is_measured")
    assert first == second == budget
    matrix = "tests/proof/test_authorization_matrix.py::test_access[home-get-anon]"
    other = "tests/proof/test_authorization_matrix.py::test_access[home-get-owner]"
    assert _unit(matrix) == matrix and _unit(other) == other and _unit(matrix) != _unit(other)


def test_every_listed_module_exists():
    for module in ONE_PROCESS_MODULES:
        assert (ROOT / module).is_file(), module

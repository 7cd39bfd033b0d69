"""Where the tests' shared code lives: factories in each app's ``factories.py``, shared fixtures
in a ``conftest.py``, and no test module importing another (STYLE.md, "Where a module lives")."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

TESTS = Path(__file__).resolve().parent

# Where the pair's fixtures may be defined: once in tests/conftest.py, plus the modules whose pair
# differs on purpose (each override says how in its docstring).
AGREED = {
    "mentor_p": {
        "conftest.py",
        "meetings/test_admin_actions.py",  # capacity 3
    },
    "mentor_participant": {"conftest.py"},
    "mentee_p": {"conftest.py"},
    "mentorship": {
        "conftest.py",
        "matching/test_admin_actions.py",  # in the career role
        "meetings/test_admin_actions.py",  # started at T0
        "meetings/test_calendar.py",  # with contact windows, on a frozen clock
        "meetings/test_checkins.py",  # started BEFORE
        "meetings/test_scheduling.py",  # with contact windows, on a frozen clock
    },
}
# A dotted name that ends in a test module (an import, or a string Django imports, such as a
# cache backend's path).
TEST_MODULE = re.compile(r"^tests(\.\w+)*\.test_\w+(\.|$)")


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(TESTS.rglob("*.py")):
        yield path.relative_to(TESTS).as_posix(), ast.parse(path.read_text(), filename=str(path))


def _imported(tree: ast.Module) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def _is_fixture(node: ast.FunctionDef) -> bool:
    return any("fixture" in ast.unparse(decorator) for decorator in node.decorator_list)


def _fixture_name(node: ast.FunctionDef) -> str:
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Call):
            for keyword in decorator.keywords:
                if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                    return str(keyword.value.value)
    return node.name


def _is_factory(node: ast.ClassDef) -> bool:
    return node.name.endswith("Factory") or any(
        "factory" in ast.unparse(base).lower() for base in node.bases
    )


def test_no_module_imports_a_test_module() -> None:
    found = [
        f"{path} uses {name}"
        for path, tree in _modules()
        if path != Path(__file__).name  # its own examples below
        for name in _imported(tree)
        if TEST_MODULE.match(name)
    ]
    assert found == [], "move what they share to a conftest.py, helpers.py or factories.py"


def test_factories_are_defined_only_in_factories_modules() -> None:
    found = [
        f"{path}: {node.name}"
        for path, tree in _modules()
        if not path.endswith("/factories.py")
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef) and _is_factory(node)
    ]
    assert found == [], "a factory belongs in tests/<app>/factories.py"


def test_factories_modules_sit_in_an_app_folder() -> None:
    misplaced = [
        path for path, _ in _modules() if path.endswith("factories.py") and path.count("/") != 1
    ]
    assert misplaced == [], "factories live in tests/<app>/factories.py"


def test_the_pairs_fixtures_are_defined_only_in_the_agreed_places() -> None:
    defined: dict[str, set[str]] = {name: set() for name in AGREED}
    for path, tree in _modules():
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and _is_fixture(node):
                name = _fixture_name(node)
                if name in defined:
                    defined[name].add(path)
    assert defined == AGREED


def test_this_test_sees_a_test_module_import() -> None:
    """The checks above are not vacuous: the pattern catches the forms it is meant to catch."""
    tree = ast.parse(
        "from tests.meetings.test_directory import make_mentor\n"
        "import tests.proof.test_authorization_matrix\n"
        "CACHES = {'default': {'BACKEND': 'tests.meetings.test_directory_cache.Down'}}\n"
        "from tests.matching.helpers import directory_url\n"
    )
    caught = sorted({name for name in _imported(tree) if TEST_MODULE.match(name)})
    assert caught == [
        "tests.meetings.test_directory",
        "tests.meetings.test_directory.make_mentor",
        "tests.meetings.test_directory_cache.Down",
        "tests.proof.test_authorization_matrix",
    ]

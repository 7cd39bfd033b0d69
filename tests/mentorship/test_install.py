"""One install everywhere: make install, CI and the Dockerfile all install what uv.lock pins.

The Dockerfile cannot be built here (no Docker engine), so it is kept right by reading it, as
docker-compose.yml is; the install itself is proven by `.ci/run`, which builds a new
environment from the lock on Python 3.11 and on 3.13 every run.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]


def _lock() -> dict:
    return tomllib.loads((ROOT / "uv.lock").read_text())


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _locked(name: str) -> dict:
    found = [p for p in _lock()["package"] if p["name"] == name]
    assert len(found) == 1, f"uv.lock pins {name} {len(found)} times"
    return found[0]


def _locked_versions(name: str) -> set[str]:
    """A universal lock may pin a package twice, for Pythons or platforms told apart by markers."""
    return {p["version"] for p in _lock()["package"] if p["name"] == name}


def _requirements(specs: list[str]) -> set[tuple[str, str, frozenset[str]]]:
    found = set()
    for spec in specs:
        req = Requirement(spec)
        name = re.sub(r"[-_.]+", "-", req.name).lower()
        found.add((name, str(req.specifier), frozenset(req.extras)))
    return found


def test_the_lock_was_made_from_this_pyproject():
    """uv sync --locked refuses a stale lock; this says which file to fix, without a network."""
    project = _pyproject()["project"]
    root = _locked("twoway")
    metadata = root["metadata"]
    locked_main = [
        d["name"]
        + (f"[{','.join(d['extras'])}]" if d.get("extras") else "")
        + d.get("specifier", "")
        for d in metadata["requires-dist"]
        if d.get("marker") is None
    ]
    locked_dev = [
        d["name"]
        + (f"[{','.join(d['extras'])}]" if d.get("extras") else "")
        + d.get("specifier", "")
        for d in metadata["requires-dist"]
        if d.get("marker") == "extra == 'dev'"
    ]
    assert _requirements(locked_main) == _requirements(project["dependencies"]), "run make lock"
    assert _requirements(locked_dev) == _requirements(project["optional-dependencies"]["dev"]), (
        "run make lock"
    )
    assert _lock()["requires-python"] == project["requires-python"]


def test_every_locked_package_has_an_exact_version_and_hashes():
    packages = [p for p in _lock()["package"] if p["name"] != "twoway"]
    assert len(packages) > 50
    for package in packages:
        assert re.fullmatch(r"\d+(\.\d+)*\S*", package["version"]), package["name"]
        files = [package.get("sdist", {}), *package.get("wheels", [])]
        hashed = [f for f in files if f.get("hash", "").startswith("sha256:")]
        assert hashed, f"{package['name']} has no hashed file in uv.lock"


def test_the_lock_pins_what_is_installed_here():
    """The environment the tests run in is the lock's (make install), not a hand-made one."""
    from importlib.metadata import version

    for name in ("django", "django-allauth", "celery", "ortools", "numpy", "uv"):
        assert version(name) in _locked_versions(name), name


def test_make_install_syncs_exactly_the_lock():
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("$(STAMP):", 1)[1].split("\ninstall:", 1)[0]
    assert "uv.lock" in recipe.splitlines()[0], "the stamp must depend on uv.lock"
    assert "uv sync --locked --extra dev" in recipe
    assert "pip install -e" not in makefile and "pip install ." not in makefile
    assert re.search(r"^lock: .*\n\t\$\(BIN\)/uv lock --upgrade", makefile, re.M)


def test_make_bootstraps_the_uv_version_the_lock_pins():
    makefile = (ROOT / "Makefile").read_text()
    line = next(line for line in makefile.splitlines() if line.startswith("UV_VERSION ="))
    program = re.search(r'-c "(.*)"\)$', line).group(1)
    printed = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert printed == _locked("uv")["version"]


def test_the_dockerfile_installs_from_the_lock_without_dev_tools():
    dockerfile = (ROOT / "Dockerfile").read_text()
    copy = next(line for line in dockerfile.splitlines() if line.startswith("COPY pyproject.toml"))
    assert "uv.lock" in copy.split()
    run = dockerfile.split(copy, 1)[1].split("\nCOPY . .", 1)[0]
    assert "uv sync --locked" in run
    assert "--extra dev" not in run and "--all-extras" not in run
    assert "pip install ." not in dockerfile and "pip install -r" not in dockerfile
    assert "UV_PROJECT_ENVIRONMENT=/app/.venv" in dockerfile
    assert re.search(r"PATH=/app/\.venv/bin:\$PATH", dockerfile)
    # The uv it installs is the lock's: the same expression Make uses, run here.
    program = re.search(r'uv==\$\(python -c "(.*?)"\)', run).group(1)
    printed = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert printed == _locked("uv")["version"]
    # The image's Python is one the lock was made for.
    base = re.search(r"^FROM python:(\d+)\.(\d+)", dockerfile, re.M)
    assert (int(base.group(1)), int(base.group(2))) >= (3, 11)


def test_ci_builds_a_new_environment_from_the_lock_on_two_pythons():
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^rm -rf \.venv\nmake install$", ci, re.M)
    assert "make install VENV=.venv-py313" in ci
    assert re.search(r"^rm -rf \.venv-py313$", ci, re.M)
    assert "make test VENV=.venv-py313" in ci

"""The layout rule holds in every app: forms in forms.py, the live mentorship states named once
(Mentorship.LIVE_STATUSES), templates comparing against named states in lines a reader can
see whole, and axe-core kept with the tests, not shipped as a static file."""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps
from django.contrib.staticfiles import finders

from mentorship.template_layout import LIMIT, wrap_text, wrappable_long_lines
from reports.dashboard import AT_RISK, HEALTHY, STALLED

ROOT = Path(__file__).resolve().parents[2]
APP_PACKAGES = [
    "accounts",
    "goals",
    "matching",
    "meetings",
    "mentorship",
    "notifications",
    "programs",
    "reports",
]
TEMPLATES = ROOT / "templates"
MAX_TEMPLATE_LINE = 120

MOVING_MODULES: set[str] = set()
MOVING_TEMPLATES: set[str] = set()

LIVE_TUPLE = re.compile(
    r"""(?ix)
    status\.active \s*,\s* (\w+\.)* status\.paused
    | status\.paused \s*,\s* (\w+\.)* status\.active
    | ["']active["'] \s*,\s* ["']paused["']
    | ["']paused["'] \s*,\s* ["']active["']
    | ^LIVE\w* \s* = (?!=)
    """,
    re.MULTILINE,
)
FORM_CLASS = re.compile(r"^\s*class \w+\([^)]*\bforms\.(Model)?Form\)", re.MULTILINE)


def _app_modules() -> list[tuple[str, str]]:
    found = []
    for package in APP_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if "/migrations/" in name or name in MOVING_MODULES:
                continue
            found.append((name, path.read_text(encoding="utf-8")))
    return found


def _templates() -> list[tuple[str, str]]:
    found = []
    for path in sorted(TEMPLATES.rglob("*")):
        name = path.relative_to(TEMPLATES).as_posix()
        if path.is_file() and not any(name.startswith(moving) for moving in MOVING_TEMPLATES):
            found.append((name, path.read_text(encoding="utf-8")))
    return found


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def test_the_live_mentorship_states_are_spelled_out_only_on_the_model():
    spelled = [
        f"{name}:{_line_of(text, m.start())}: {m.group(0)!r}"
        for name, text in _app_modules()
        if name != "matching/models.py"
        for m in LIVE_TUPLE.finditer(text)
    ]
    assert spelled == [], "use Mentorship.LIVE_STATUSES:\n" + "\n".join(spelled)


def test_form_classes_live_in_forms_modules():
    misplaced = [
        f"{name}:{_line_of(text, m.start())}: {m.group(0).strip()}"
        for name, text in _app_modules()
        if not (name.endswith("/forms.py") or "/forms/" in name)
        for m in FORM_CLASS.finditer(text)
    ]
    assert misplaced == [], "move these to the app's forms.py:\n" + "\n".join(misplaced)


def _state_literals() -> set[str]:
    """Every value a model's `status` or `state` field can take, and the dashboard's health."""
    values = {HEALTHY, AT_RISK, STALLED}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.name in ("status", "state") and getattr(field, "choices", None):
                values |= {str(value) for value, _ in field.choices}
    return values


def test_templates_compare_against_named_states():
    literals = "|".join(re.escape(value) for value in sorted(_state_literals(), key=len)[::-1])
    compared = re.compile(rf"""(==|!=)\s*(["'])({literals})\2|\.(status|state)\s*(==|!=)\s*["']""")
    found = [
        f"{name}:{_line_of(text, m.start())}: {m.group(0)}"
        for name, text in _templates()
        for m in compared.finditer(text)
    ]
    assert found == [], (
        "compare with the model's choices (obj.Status.ACTIVE) or a named property:\n"
        + "\n".join(found)
    )


def test_template_lines_fit_in_120_characters():
    """A line longer than 120 characters fails when it could be broken without changing what
    it renders or what it gives translators (mentorship/template_layout.py; `manage.py
    wrap_templates` breaks them). A Django tag cannot span lines, and a plain-text email's line
    is its paragraph: a line long only because of those stays."""
    assert MAX_TEMPLATE_LINE == LIMIT
    long_lines = [
        f"{name}:{number}"
        for name, text in _templates()
        for number in wrappable_long_lines(text, name.endswith(".html"))
    ]
    assert long_lines == [], "wrap these template lines:\n" + "\n".join(long_lines)


def test_a_long_line_that_could_break_is_caught_and_one_tag_is_not():
    words = "<p>" + " ".join(["word"] * 40) + "</p>"
    assert wrappable_long_lines(words, is_html=True) == [1]
    wrapped, changed = wrap_text(words, is_html=True)
    assert changed and all(len(line) <= LIMIT for line in wrapped.splitlines())
    assert " ".join(wrapped.split()) == " ".join(words.split())
    one_tag = "{% blocktranslate trimmed with " + " ".join(f"a{n}=b{n}" for n in range(30)) + " %}"
    assert wrappable_long_lines(one_tag, is_html=True) == []
    email = " ".join(["word"] * 40)  # a plain-text paragraph
    assert wrappable_long_lines(email, is_html=False) == []
    raw = "{% blocktranslate %}" + " ".join(["word"] * 40) + "{% endblocktranslate %}"
    assert wrappable_long_lines(raw, is_html=True) == []  # its text is its msgid


def test_axe_core_is_a_test_file_and_not_a_static_one():
    assert (ROOT / "tests/e2e/vendor/axe-core/axe.min.js").is_file()
    assert finders.find("vendor/axe-core/axe.min.js") is None
    assert not [path for path in (ROOT / "static").rglob("*") if "axe" in path.name.lower()]


def test_no_template_is_suspiciously_large():
    """A template is a page's outline (the largest is about 10 KB): one grown to hundreds of KB
    was an edit gone wrong (a text inserted between every character), and pages served it."""
    large = [f"{name}: {len(text)} characters" for name, text in _templates() if len(text) > 30_000]
    assert large == [], "\n".join(large)

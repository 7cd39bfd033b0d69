"""The translation check CI runs (`manage.py i18n_check`) finds what it is meant to: template
text not marked for translation (also inside a tag split by template tags, and in attributes
people read), and catalogues with untranslated, fuzzy, English-as-translation or stale
compiled entries; and it passes what is right."""

from __future__ import annotations

from pathlib import Path

import polib

from mentorship.i18n_check import catalogue_findings, template_findings


def _template(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "templates" / "page.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return [finding.text for finding in template_findings(path, tmp_path)]


def test_unmarked_template_text_is_found_and_marked_text_is_not(tmp_path):
    found = _template(
        tmp_path,
        "{% load i18n %}<p>Hello there</p>\n"
        '<a class="nav{% if a %} active{% endif %}" href="{% url \'x\' %}" title="Open it">'
        "{% translate 'Fine' %}</a>\n"
        "{% if x %}Plain words{% endif %}\n"
        "{% blocktranslate trimmed %}Also fine {{ x }}{% endblocktranslate %}\n"
        "<code>webhook-id</code> <span>Twoway</span> · —\n",
    )
    assert found == ["Open it", "Hello there", "Plain words"]


def _catalogue(tmp_path: Path, entries: list[polib.POEntry], compile_it: bool = True) -> Path:
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for entry in entries:
        po.append(entry)
    path = tmp_path / "django.po"
    po.save(str(path))
    if compile_it:
        po.save_as_mofile(str(path.with_suffix(".mo")))
    return path


def test_a_complete_current_catalogue_passes(tmp_path, settings):
    settings.BASE_DIR = tmp_path
    path = _catalogue(
        tmp_path,
        [
            polib.POEntry(msgid="Save", msgstr="Speichern"),
            polib.POEntry(msgid="Status", msgstr="Status"),  # the same word in German
        ],
    )
    assert catalogue_findings(path) == []


def test_untranslated_fuzzy_english_and_stale_entries_fail(tmp_path, settings):
    settings.BASE_DIR = tmp_path
    fuzzy = polib.POEntry(msgid="Send", msgstr="Senden", flags=["fuzzy"])
    path = _catalogue(
        tmp_path,
        [
            polib.POEntry(msgid="Save", msgstr=""),
            fuzzy,
            polib.POEntry(msgid="Your goals", msgstr="Your goals"),
        ],
    )
    found = [finding.text for finding in catalogue_findings(path)]
    assert found == [
        "untranslated: Save",
        "fuzzy: Send",
        "English as translation: Your goals",
    ]
    po = polib.pofile(str(path))
    po.append(polib.POEntry(msgid="Goals", msgstr="Ziele"))
    po.save(str(path))  # the catalogue changed, its compiled file did not
    assert "compiled file is stale: run `make messages`" in [
        finding.text for finding in catalogue_findings(path)
    ]

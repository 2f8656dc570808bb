"""The committed message catalogues are complete: every message translated, none fuzzy."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from babel.dates import format_date
from babel.messages.pofile import read_po

ROOT = Path(__file__).parents[1]
TRANSLATIONS = ROOT / "translations"
LANGUAGES = ["en", "ur", "ru", "ky"]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def catalogue(lang: str, path: Path | None = None):
    path = path or TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        return read_po(f, locale=lang)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The messages the code and templates use now, extracted afresh (not the committed .pot)."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "--no-location",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as f:
        return read_po(f)


def problems(lang: str, path: Path | None = None) -> list[str]:
    found = []
    messages = catalogue(lang, path)
    for message in messages:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if message.fuzzy:
            found.append(f"fuzzy: {ids[0]!r}")
        if not all(strings):
            found.append(f"untranslated: {ids[0]!r}")
        wanted = set(PLACEHOLDER.findall(" ".join(ids)))
        for string in strings:
            if set(PLACEHOLDER.findall(string)) - wanted:
                found.append(f"unknown placeholder in {ids[0]!r}: {string!r}")
        if lang != "en" and any(s == ids[0] for s in strings) and re.search(r"[a-z]{4}", ids[0]):
            found.append(f"copied from English: {ids[0]!r}")
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_is_complete(lang):
    assert problems(lang) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_has_every_message_in_use(lang, extracted):
    wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in extracted if m.id}
    present = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue(lang) if m.id}
    assert wanted - present == set()


def test_problems_finds_untranslated_fuzzy_and_copied(tmp_path):
    """The check above can fail: gaps, fuzzy entries and English copies are reported."""
    po = tmp_path / "messages.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Sectors"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Economic zones"\nmsgstr "Зоны"\n\n'
        'msgid "Opportunities"\nmsgstr "Opportunities"\n',
        encoding="utf-8",
    )
    found = problems("ru", po)
    assert found == [
        "untranslated: 'Sectors'",
        "fuzzy: 'Economic zones'",
        "copied from English: 'Opportunities'",
    ]


#: a placeholder that a formatted date fills
DATE_PLACEHOLDER = re.compile(r"%\(\w*date\w*\)s")
#: the formats of the ``day`` filter the templates use
FORMATS = ["medium", "long"]
#: two full stops in a row, but not an ellipsis
DOUBLE_STOP = re.compile(r"(?<![.…])\.\.(?!\.)")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_sentence_puts_a_second_full_stop_after_a_date(lang):
    """Russian and Kyrgyz dates can end in a full stop ("7 декабря 2026 г.", "2026-ж., 7-дек."): a sentence
    that ends with one takes no second stop ("…не позднее 7 декабря 2026 г..")."""
    dates = [format_date(date(2026, month, 7), fmt, locale=lang) for month in range(1, 13) for fmt in FORMATS]
    found = []
    for message in catalogue(lang):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            for day in dates if DATE_PLACEHOLDER.search(string) else ():
                text = DATE_PLACEHOLDER.sub(day, string)
                if DOUBLE_STOP.search(text):
                    found.append(text)
                    break
    assert found == []

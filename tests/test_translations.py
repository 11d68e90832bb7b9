"""The Dutch and German catalogues are complete: every msgid translated, none fuzzy.

Reads the .po files in git (the compiled .mo files are built at install time), so
a string added without its translations fails here, in CI, before anyone sees
English in a Dutch workshop.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib
import pytest
from django.conf import settings

LANGUAGES = ["nl", "de"]
LOCALE = Path(settings.BASE_DIR) / "locale"
PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[sdifr]|\{[a-z_]*\}")


def _catalogue(language: str) -> polib.POFile:
    path = LOCALE / language / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{path} is missing: run `make translations`"
    return polib.pofile(str(path))


def _problems(entry: polib.POEntry) -> list[str]:
    if entry.obsolete:
        return []
    if "fuzzy" in entry.flags:
        return ["fuzzy"]
    if entry.msgid_plural:
        forms = [entry.msgstr_plural.get(i, "") for i in range(2)]
        return ["empty plural form"] if not all(f.strip() for f in forms) else []
    return ["empty"] if not entry.msgstr.strip() else []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated_and_none_is_fuzzy(language):
    catalogue = _catalogue(language)
    missing = [f"{entry.msgid!r}: {', '.join(p)}" for entry in catalogue if (p := _problems(entry))]
    assert not missing, f"{len(missing)} untranslated in {language}:\n" + "\n".join(missing[:40])


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language):
    wrong = []
    for entry in _catalogue(language):
        if entry.obsolete or not entry.msgstr:
            continue
        if sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(PLACEHOLDER.findall(entry.msgstr)):
            wrong.append(f"{entry.msgid!r} → {entry.msgstr!r}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_holds_every_marked_string_of_the_code(language):
    # A catalogue that was not brought up to date after new strings were marked
    # would pass the checks above: compare with a fresh extraction's msgids.
    catalogue = {e.msgid for e in _catalogue(language) if not e.obsolete}
    fresh = _fresh_msgids()
    absent = sorted(fresh - catalogue)
    assert not absent, "not in the catalogue (run `make translations`):\n" + "\n".join(absent[:40])


_FRESH: set[str] = set()


def _fresh_msgids() -> set[str]:
    """The msgids that `makemessages` finds in the code now (extracted once per run)."""
    if _FRESH:
        return _FRESH
    if shutil.which("xgettext") is None:
        pytest.skip("GNU gettext is not installed (make messages installs it)")
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "repo"
        shutil.copytree(
            settings.BASE_DIR,
            target,
            ignore=shutil.ignore_patterns(".venv", ".git", "node_modules", "*.sqlite3", "*.mo"),
        )
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-l", "nl", "--no-obsolete",
             "--ignore=tests", "--ignore=staticfiles", "--ignore=docs", "-v", "0"],
            cwd=target, check=True,
        )  # fmt: skip
        fresh = polib.pofile(str(target / "locale" / "nl" / "LC_MESSAGES" / "django.po"))
    _FRESH.update(e.msgid for e in fresh if not e.obsolete)
    return _FRESH

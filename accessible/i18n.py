"""Translate product text into the home's languages (English and Welsh) from gettext catalogs.

Catalogs are plain ``.po`` files in ``accessible/locale/<lang>/<domain>.po``, read at run time
(no compile step), one domain per area: ``web``, ``print``, ``speech``. English is the source
language; a third language is a new folder of catalogs, not new code.
"""

from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
SOURCE_LANGUAGE = "en"


def languages():
    """Return the language codes the product speaks, the source language first."""
    found = sorted(p.name for p in LOCALE_DIR.iterdir() if p.is_dir())
    return [SOURCE_LANGUAGE, *found]


@cache
def _catalog(lang, domain):
    path = LOCALE_DIR / lang / f"{domain}.po"
    if not path.exists():
        return {}
    with path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}


def gettext(lang, domain, message):
    """Return *message* in *lang*, or the English text where no translation exists."""
    if lang == SOURCE_LANGUAGE or not lang:
        return message
    return _catalog(lang, domain).get(message, message)


def translator(lang, domain):
    """Return a one-argument ``_`` function for *lang* and *domain*, as templates expect."""
    return lambda message, **values: gettext(lang, domain, message) % values if values else gettext(
        lang, domain, message
    )

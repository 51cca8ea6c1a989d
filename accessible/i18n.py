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


class Message(str):
    """A message for a person to read, built from catalogue words and values: it reads as English text, and
    keeps its catalogue words (``msgid``) and values so a page or command can show it in its reader's language.

    ``Message("%(name)s is not asked about this topic.", name="Iolo Rees")`` is the text "Iolo Rees is not
    asked about this topic.", and in Welsh the catalogue's words for "%(name)s is not asked …" with the name.
    A value that is itself a Message (a stage's name) is translated too, and a tuple of values is listed with
    commas ("the question, the option “Curry”").
    """

    def __new__(cls, msgid, **values):
        made = super().__new__(cls, msgid % _filled(values, str) if values else msgid)
        made.msgid, made.values = msgid, values
        return made

    def __str__(self):
        return self  # str(an error) keeps the message, so it can still be translated

    def __getnewargs_ex__(self):
        return (self.msgid,), self.values


def _filled(values, say):
    """Return a Message's *values* as its text takes them: each Message and each of a tuple's said by *say*."""
    def one(value):
        return say(value) if isinstance(value, Message) else value

    return {key: ", ".join(map(str, map(one, value))) if isinstance(value, tuple) else one(value)
            for key, value in values.items()}


@cache
def _catalog(lang, domain):
    path = LOCALE_DIR / lang / f"{domain}.po"
    if not path.exists():
        return {}
    with path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}


def gettext(lang, domain, message):
    """Return *message* (text or a :class:`Message`) in *lang*, or the English text where no translation exists."""
    if lang == SOURCE_LANGUAGE or not lang:
        return str.__str__(message)
    if isinstance(message, Message):
        text = _catalog(lang, domain).get(message.msgid, message.msgid)
        return text % _filled(message.values, lambda value: gettext(lang, domain, value)) if message.values else text
    return _catalog(lang, domain).get(message, message)


def translator(lang, domain):
    """Return a one-argument ``_`` function for *lang* and *domain*, as templates expect."""
    return lambda message, **values: gettext(lang, domain, message) % values if values else gettext(
        lang, domain, message
    )

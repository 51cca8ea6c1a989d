"""Prepare text for speaking: refuse what cannot be read aloud, and write out money, times and titles."""

import re
import unicodedata

from accessible.i18n import Message

MAX_CHARACTERS = 600


class BadSpeechText(ValueError):
    """Text that cannot be read aloud; the message says why, for a person to read."""


_MARKUP = re.compile(r"<[^>]*>|&[a-zA-Z]+;|&#\d+;")
_MONEY = re.compile(r"£\s?(\d+)(?:\.(\d{2}))?")
_PENCE = re.compile(r"\b(\d+)p\b")
_TIME = re.compile(r"\b(\d{1,2})(?:[:.](\d{2}))?\s?(am|pm|a\.m\.|p\.m\.)(?=\W|$)", re.IGNORECASE)
_TITLES = {
    "en": {"Mrs": "Missus", "Mr": "Mister", "Ms": "Miz", "Dr": "Doctor"},
    "cy": {"Mrs": "Missus", "Mr": "Mister", "Dr": "Doctor"},
}
_WORDS = {
    "en": {"pounds": "pounds", "pound": "pound", "pence": "pence", "am": "a m", "pm": "p m", "and": "and"},
    "cy": {"pounds": "punt", "pound": "punt", "pence": "ceiniog", "am": "y bore", "pm": "y prynhawn", "and": "a"},
}


def check(text):
    """Return *text* stripped, or raise BadSpeechText saying why it cannot be spoken."""
    if text is None or not str(text).strip():
        raise BadSpeechText(Message("There is nothing to say: the text is empty."))
    text = str(text).strip()
    if len(text) > MAX_CHARACTERS:
        raise BadSpeechText(Message("That is too long to read aloud in one go (%(n)s characters; %(most)s at "
                                    "most). Split it into shorter sentences.", n=len(text), most=MAX_CHARACTERS))
    if any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in text):
        raise BadSpeechText(Message("The text has control characters in it; only plain words can be spoken."))
    if _MARKUP.search(text):
        raise BadSpeechText(Message("Speech takes plain words, not markup such as <b> or &amp;."))
    return text


def normalise(text, lang="en"):
    """Return *text* written out the way a person would read it aloud in *lang* ("en" or "cy")."""
    text = check(text)
    words = _WORDS.get(lang, _WORDS["en"])

    def money(m):
        pounds, pence = int(m.group(1)), m.group(2)
        said = f"{pounds} {words['pound'] if pounds == 1 else words['pounds']}"
        return f"{said} {int(pence)}" if pence and int(pence) else said

    def clock(m):
        hour, minutes, half = m.group(1), m.group(2), m.group(3).lower().replace(".", "")
        said = hour if not minutes or minutes == "00" else f"{hour} {int(minutes):02d}" if int(minutes) < 10 \
            else f"{hour} {minutes}"
        return f"{said} {words[half]}"

    text = _MONEY.sub(money, text)
    text = _PENCE.sub(lambda m: f"{m.group(1)} {words['pence']}", text)
    text = _TIME.sub(clock, text)
    for short, long in _TITLES.get(lang, {}).items():
        text = re.sub(rf"\b{short}\.?(?=\s+[A-Z])", long, text)
    text = text.replace("&", f" {words['and']} ")
    return " ".join(text.split())

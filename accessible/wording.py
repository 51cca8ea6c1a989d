"""A topic's words in each person's language: one topic, one tally, written in English, Welsh or both.

A topic's own columns (title, question, each option's label, spoken words and other words, the decision
and why) are in ``topic.language``. The same words in the other language are kept beside them in a
``translations`` column, ``{"cy": {"question": "Beth hoffech chi i ginio?", …}}``. Everybody reads,
hears and prints the topic in their own language where it has been written in it, and in the topic's own
language where it has not; the answers count together either way, because they are answers to the same
options.

Each piece of text comes back with the language it is really in (:class:`Words`), so a page marks it
with ``lang`` and speech reads it with the right voice even when the rest of the screen is in another.
"""

from dataclasses import dataclass

from accessible import audit
from accessible.errors import Invalid
from accessible.models import LANGUAGES

#: The words of each kind of record that can be written in a second language; the first must be there
#: for the record to count as written in that language.
FIELDS = {
    "Topic": ("question", "title"),
    "Option": ("label", "spoken_text", "synonyms"),
    "Outcome": ("decision", "reason"),
}
LIMITS = {"title": 200, "label": 200, "spoken_text": 300}
LANGUAGE_NAMES = {"en": "English", "cy": "Welsh"}
#: How :func:`missing` names what is still to translate; a page in another language passes its own words.
PHRASES = {"question": "the question", "option": "the option “%(label)s”", "decision": "the decision"}


@dataclass(frozen=True)
class Words:
    """The words of one topic, option or decision as one person gets them, and the language they are in."""

    lang: str
    texts: dict

    @property
    def synonym_list(self):
        """Return the other words a resident may say for an option, one a line, as a list."""
        return [line.strip() for line in (self.texts.get("synonyms") or "").splitlines() if line.strip()]

    def __getattr__(self, name):
        try:
            return self.texts[name]
        except KeyError:
            raise AttributeError(name) from None


def _own_language(record):
    topic = getattr(record, "topic", None) or record
    return topic.language


def _written(record, lang):
    """Return the record's words in *lang* as a dict, or None where it is not written in it."""
    kind = type(record).__name__
    if lang == _own_language(record):
        return {field: getattr(record, field) for field in FIELDS[kind]}
    given = (record.translations or {}).get(lang) or {}
    if not given.get(FIELDS[kind][0]):
        return None
    written = {field: given.get(field) for field in FIELDS[kind]}
    if kind == "Topic" and not written["title"]:
        written["title"] = written["question"]  # a short title is not required: the question names it
    return written


def words(record, lang):
    """Return the Words of a topic, option or outcome in *lang*, or in its topic's own language where it has
    not been written in *lang*."""
    written = _written(record, lang)
    if written is None:
        lang = _own_language(record)
        written = _written(record, lang)
    return Words(lang, written)


def has(record, lang):
    """Say whether a topic, option or outcome is written in *lang*."""
    return _written(record, lang) is not None


def other_language(topic):
    """Return the language a topic can be translated into (the home's two languages, less its own)."""
    return next(lang for lang in LANGUAGES if lang != topic.language)


def languages(topic):
    """Return the languages a topic is wholly written in: its own, and the other one once the question,
    every option people choose between and the decision (if any) are translated."""
    found = [topic.language]
    other = other_language(topic)
    records = [topic, *topic.accepted_options, *([topic.outcome] if topic.outcome else [])]
    if all(has(record, other) for record in records):
        found.append(other)
    return found


def missing(topic, lang=None, phrases=None):
    """Return what staff still need to translate for *topic* to be wholly in *lang* (its other language by
    default), as plain phrases: ["the question", "the option “Fish pie”", "the decision"] (or *phrases*'s
    words for them, as :data:`PHRASES`)."""
    phrases = phrases or PHRASES
    lang = lang or other_language(topic)
    if lang == topic.language:
        return []
    found = [] if has(topic, lang) else [phrases["question"]]
    found += [phrases["option"] % {"label": option.label} for option in topic.accepted_options
              if not has(option, lang)]
    if topic.outcome is not None and not has(topic.outcome, lang):
        found.append(phrases["decision"])
    return found


def translate(record, lang, **texts):
    """Set the words of a topic, option or outcome in *lang*, the language other than its topic's own.

    Blank words are left out; with the first (the question, the label, the decision) blank, the record is no
    longer written in *lang*.

    :raises Invalid: for a language the home does not speak, the topic's own language, or words too long.
    """
    kind = type(record).__name__
    if lang not in LANGUAGES:
        raise Invalid(f"Translations are into {' or '.join(LANGUAGE_NAMES[code] for code in LANGUAGES)}.")
    if lang == _own_language(record):
        raise Invalid(f"This is already written in {LANGUAGE_NAMES[lang]}; edit it where it is written.")
    unknown = set(texts) - set(FIELDS[kind])
    if unknown:
        raise ValueError(f"{kind} has no words called {', '.join(sorted(unknown))}")
    cleaned = {}
    for field, text in texts.items():
        text = "\n".join(line.strip() for line in (text or "").strip().splitlines() if line.strip())
        if field in LIMITS and len(text) > LIMITS[field]:
            raise Invalid(f"The {LANGUAGE_NAMES[lang]} {field.replace('_', ' ')} is too long "
                          f"({len(text)} characters; {LIMITS[field]} at most).")
        if text:
            cleaned[field] = text
    everything = dict(record.translations or {})
    if cleaned.get(FIELDS[kind][0]):
        everything[lang] = cleaned
    else:
        everything.pop(lang, None)
    # A new dict, so that the change is seen and saved (the column does not track changes made inside it).
    record.translations = everything or None


def wanted(topic, residents, home_language):
    """Say whether any of *residents* (those the topic asks) reads the topic's other language, so staff should
    write it: a resident's own language, else the home's."""
    other = other_language(topic)
    return any(((r.needs.language if r.needs else None) or home_language) == other for r in residents)


def translate_topic(session, topic, lang, texts, actor=None):
    """Set the words in *lang* of a topic and of its options and decision in one go.

    *texts* maps "topic", "option-<id>" (an option not hidden) and "outcome" to the words of each, as
    :func:`translate` takes them; records not named are left as they are.

    :raises Invalid: keyed by those names, for every record whose words cannot be used (the write is then
        rolled back whole, so nothing is half saved).
    """
    records = {"topic": topic, **{f"option-{o.id}": o for o in topic.options if o.status != "hidden"}}
    if topic.outcome is not None:
        records["outcome"] = topic.outcome
    problems = {}
    for key, given in texts.items():
        if key not in records:
            problems[key] = "That is not part of this topic now: look at the page again."
            continue
        try:
            translate(records[key], lang, **given)
        except Invalid as e:
            problems[key] = " ".join(e.problems.values())
    if problems:
        raise Invalid(problems)
    audit.record(session, actor, "update", topic, detail=f"words in {LANGUAGE_NAMES[lang]}")

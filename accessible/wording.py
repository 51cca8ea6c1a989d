"""A topic's words in each person's language: one topic, one tally, written in English, Welsh or both.

A topic's own columns (title, question, each option's label, spoken words, other words and the
descriptions of its pictures, the decision and why) are in ``topic.language``. The same words in the other
language are kept beside them in a ``translations`` column, ``{"cy": {"question": "Beth hoffech chi i ginio?",
…}}``. Everybody reads, hears and prints the topic in their own language where it has been written in it, and
in the topic's own language where it has not; the answers count together either way, because they are
answers to the same options.

Each piece of text comes back with the language it is really in (:class:`Words`), so a page marks it
with ``lang`` and speech reads it with the right voice even when the rest of the screen is in another.
"""

import hashlib
from dataclasses import dataclass

from accessible import audit, pictures
from accessible.errors import Invalid
from accessible.i18n import Message
from accessible.models import LANGUAGES

#: The words of each kind of record that can be written in a second language; the first must be there
#: for the record to count as written in that language.
FIELDS = {
    "Topic": ("question", "title"),
    "Option": ("label", "spoken_text", "synonyms", "picture_alt", "second_picture_alt"),
    "Outcome": ("decision", "reason"),
    "DecisionProposal": ("decision", "reason"),
}
#: The words of each kind of record whose translation goes stale when they change ("Fish pie" is now "Fish cakes"):
#: a fingerprint of each, as it was when its translation was written, is kept beside the translation under
#: :data:`SOURCE` ({"question": "3f2a…"}), so each translated word is checked against its own.
SOURCES = {"Topic": ("question", "title"), "Option": ("label", "spoken_text"), "Outcome": ("decision", "reason"),
           "DecisionProposal": ("decision", "reason")}
SOURCE = "source"
#: Words whose translation may be left out without the record's own showing in its place (a Welsh topic with no
#: Welsh title is named by its Welsh question): a change to them matters only where they were translated.
OPTIONAL = {"title"}
LIMITS = {"title": 200, "label": 200, "spoken_text": 300, "picture_alt": 300, "second_picture_alt": 300}
LANGUAGE_NAMES = {"en": "English", "cy": "Welsh"}
#: How a message names each piece of words (a Message, so a Welsh page says it in Welsh).
FIELD_NAMES = {"title": Message("title"), "label": Message("label"), "spoken_text": Message("spoken text"),
               "picture_alt": Message("picture's description"),
               "second_picture_alt": Message("other picture's description")}
#: How :func:`missing` names what is still to translate; a page in another language passes its own words.
PHRASES = {"question": "the question", "title": "the title", "option": "the option “%(label)s”",
           "picture": "what the picture of “%(label)s” shows", "decision": "the decision",
           "proposal": "the decision proposed to the co-owners"}


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


def missing(topic, lang=None, phrases=None, printed=False):
    """Return what staff still need to translate for *topic* to be wholly in *lang* (its other language by
    default), as plain phrases: ["the question", "the option “Fish pie”", "what the picture of “Cawl” shows",
    "the decision", "the decision proposed to the co-owners"], each a Message (or in *phrases*'s words for
    them, as :data:`PHRASES`).

    A picture counts once its option's words are written in *lang*, where staff described it in more than
    its label (:func:`pictures_described`). *printed*: only what a printout carries, so not a decision
    proposed to the co-owners (they are asked it on their kiosk)."""

    def phrase(key, **values):
        return phrases[key] % values if phrases else Message(PHRASES[key], **values)  # a Message: said in Welsh too

    lang = lang or other_language(topic)
    if lang == topic.language:
        return []
    found = [] if has(topic, lang) else [phrase("question")]
    for option in topic.accepted_options:
        if not has(option, lang):
            found.append(phrase("option", label=option.label))
        elif not pictures_described(option, lang):
            found.append(phrase("picture", label=option.label))
    if topic.outcome is not None and not has(topic.outcome, lang):
        found.append(phrase("decision"))
    if topic.proposal is not None and not printed and not has(topic.proposal, lang):
        found.append(phrase("proposal"))
    return found


def _fingerprint(record, field):
    """Return a short fingerprint of one of the record's own words that a translation of it says (:data:`SOURCES`)."""
    return hashlib.sha256((getattr(record, field) or "").encode()).hexdigest()[:16]


def _stale(record, lang):
    """Return the record's fields whose words in *lang* were written for other words of its own than it has now."""
    given = (record.translations or {}).get(lang) or {}
    source = given.get(SOURCE)
    if not given.get(FIELDS[type(record).__name__][0]) or not isinstance(source, dict):
        return []
    return [field for field in SOURCES[type(record).__name__]
            if field in source and source[field] != _fingerprint(record, field)
            and (given.get(field) or field not in OPTIONAL)]


def outdated(record, lang):
    """Say whether any of a record's words in *lang* was written for other words of its own than it has now
    (staff changed the English after the Welsh was written), so staff should check them."""
    return bool(_stale(record, lang))


def carry_outdated(source, record, lang):
    """Keep *record*'s words in *lang*, copied from *source*'s (a proposal's, now the decision), marked as written
    for older words where *source*'s were."""
    if outdated(source, lang) and (record.translations or {}).get(lang):
        record.translations = {**record.translations, lang: {**record.translations[lang],
                                                             SOURCE: source.translations[lang][SOURCE]}}


def to_check(topic, lang=None, phrases=None):
    """Return what is written in *lang* (the topic's other language by default) for older words of the topic's
    own, as :func:`missing` names it: ["the question", "the option “Fish pie”", …]."""

    def phrase(key, **values):
        return phrases[key] % values if phrases else Message(PHRASES[key], **values)

    lang = lang or other_language(topic)
    found = [phrase(field) for field in ("title", "question") if field in _stale(topic, lang)]
    found += [phrase("option", label=o.label) for o in topic.accepted_options if outdated(o, lang)]
    if topic.outcome is not None and outdated(topic.outcome, lang):
        found.append(phrase("decision"))
    if topic.proposal is not None and outdated(topic.proposal, lang):
        found.append(phrase("proposal"))
    return found


def _alt_key(option, picture):
    return "second_picture_alt" if picture != option.picture and picture == option.second_picture else "picture_alt"


def _said_by_label(option, picture, alt):
    """Say whether a picture's description says no more than the option's label: the label itself, or a symbol's
    own English name given to it automatically."""
    kind, _, ident = picture.partition(":")
    named = pictures.symbol(ident) if kind == "openmoji" else None
    return alt.casefold() in (option.label.casefold(), named.name.casefold() if named else None)


def pictures_described(option, lang):
    """Say whether each picture of *option* has its description in *lang*, where staff described it in more than
    its label (without one, the option's words in *lang* describe it)."""
    given = (option.translations or {}).get(lang) or {}
    return lang == option.topic.language or all(
        given.get(_alt_key(option, picture)) for picture, alt in
        ((option.picture, option.picture_alt), (option.second_picture, option.second_picture_alt))
        if picture and alt and not _said_by_label(option, picture, alt))


def described(option, picture, lang):
    """Return what *picture* (the option's picture or its second one) shows, as Words whose ``alt`` is in *lang*
    where staff described it in *lang*, else the option's words in *lang* (its label), else its own description.
    """
    said = words(option, lang)
    if said.lang == _own_language(option):
        return Words(said.lang, {"alt": getattr(option, _alt_key(option, picture)) or said.label})
    return Words(said.lang, {"alt": said.texts.get(_alt_key(option, picture)) or said.label})


def moved_to_second(option):
    """Carry the descriptions in other languages of an option's picture over to its second picture, as the
    picture itself is (staff gave it a picture of the other style); the new picture is not yet described."""
    everything = {}
    for lang, given in (option.translations or {}).items():
        given = dict(given)
        given.pop("second_picture_alt", None)
        if given.get("picture_alt"):
            given["second_picture_alt"] = given.pop("picture_alt")
        everything[lang] = given
    option.translations = everything or None


def picture_replaced(option, second=False):
    """Forget the descriptions in other languages of an option's picture (or second picture) that was replaced."""
    key = "second_picture_alt" if second else "picture_alt"
    everything = {lang: {k: v for k, v in given.items() if k != key}
                  for lang, given in (option.translations or {}).items()}
    option.translations = everything or None


def translate(record, lang, fits=False, **texts):
    """Set the words of a topic, option, outcome or proposal in *lang*, the language other than its topic's own.

    Blank words are left out; with the first (the question, the label, the decision) blank, the record is no
    longer written in *lang*. Words that change (or *fits*: staff say they still fit) are marked as written for
    the record's own words as they are now (:func:`outdated`); words saved again unchanged keep their mark.
    A proposed decision whose words already written in *lang* change asks its co-owners again; written there
    the first time, it says the same, and their answers stand.

    :raises Invalid: for a language the home does not speak, the topic's own language, or words too long.
    """
    kind = type(record).__name__
    if lang not in LANGUAGES:
        raise Invalid(Message("Translations are into English or Welsh."))
    if lang == _own_language(record):
        raise Invalid(Message("This is already written in %(language)s; edit it where it is written.",
                              language=Message(LANGUAGE_NAMES[lang])))
    previous = (record.translations or {}).get(lang) or {}
    if not texts:  # no words sent (only "still fits"): the words stay as they are
        if not (fits and previous):
            return
        texts = {field: previous.get(field) for field in FIELDS[kind]}
    unknown = set(texts) - set(FIELDS[kind])
    if unknown:
        raise ValueError(f"{kind} has no words called {', '.join(sorted(unknown))}")
    cleaned = {}
    for field, text in texts.items():
        text = "\n".join(line.strip() for line in (text or "").strip().splitlines() if line.strip())
        if field in LIMITS and len(text) > LIMITS[field]:
            raise Invalid(Message("The %(language)s %(words)s is too long (%(n)s characters; %(most)s at most).",
                                  language=Message(LANGUAGE_NAMES[lang]), words=FIELD_NAMES[field], n=len(text),
                                  most=LIMITS[field]))
        if text:
            cleaned[field] = text
    everything = dict(record.translations or {})
    before = previous.get(FIELDS[kind][0])
    if kind == "DecisionProposal" and before and before != cleaned.get(FIELDS[kind][0]):
        record.answers = []  # the co-owners agreed to other words: asked again (written the first time: the same)
    if cleaned.get(FIELDS[kind][0]):
        marks = previous.get(SOURCE) if isinstance(previous.get(SOURCE), dict) else {}
        # Each translated word keeps its mark while it is saved unchanged; written anew (or staff say it still
        # fits), it is marked as written for its own word as it is now.
        cleaned[SOURCE] = {field: marks[field] if field in marks and previous.get(field) == cleaned.get(field)
                           and not fits else _fingerprint(record, field) for field in SOURCES[kind]}
        everything[lang] = cleaned
    else:
        everything.pop(lang, None)
    # A new dict, so that the change is seen and saved (the column does not track changes made inside it).
    record.translations = everything or None


def translate_decision(record, decision=None, reason=None, fits=False):
    """Set a decision's (or a proposed decision's) words and why in its topic's other language, as staff write
    them beside its own; both blank: it is no longer written in that language.

    :raises Invalid: keyed "decision_other", for a why written without the decision it explains.
    """
    lang = other_language(record.topic)
    if (reason or "").strip() and not (decision or "").strip():
        raise Invalid({"decision_other": Message("%(language)s words: write what will happen as well as why, or "
                                                 "leave both blank.", language=Message(LANGUAGE_NAMES[lang]))})
    translate(record, lang, fits=fits, decision=decision, reason=reason)


def wanted(topic, residents, home_language):
    """Say whether any of *residents* (those the topic asks) reads the topic's other language, so staff should
    write it: a resident's own language, else the home's."""
    other = other_language(topic)
    return any(((r.needs.language if r.needs else None) or home_language) == other for r in residents)


def translate_topic(session, topic, lang, texts, actor=None):
    """Set the words in *lang* of a topic and of its options and decision in one go.

    *texts* maps "topic", "option-<id>" (an option not hidden), "outcome" and "proposal" (the decision proposed
    to the co-owners) to the words of each, as :func:`translate` takes them; records not named are left as they
    are.

    :raises Invalid: keyed by those names, for every record whose words cannot be used (the write is then
        rolled back whole, so nothing is half saved).
    """
    records = {"topic": topic, **{f"option-{o.id}": o for o in topic.options if o.status != "hidden"}}
    if topic.outcome is not None:
        records["outcome"] = topic.outcome
    if topic.proposal is not None:
        records["proposal"] = topic.proposal
    problems = {}
    for key, given in texts.items():
        if key not in records:
            problems[key] = Message("That is not part of this topic now: look at the page again.")
            continue
        try:
            given = dict(given)
            translate(records[key], lang, fits=bool(given.pop("fits", None)), **given)
        except Invalid as e:
            problems[key] = e.message
    if problems:
        raise Invalid(problems)
    audit.record(session, actor, "update", topic, detail=f"words in {LANGUAGE_NAMES[lang]}")

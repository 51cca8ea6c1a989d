"""Gather what a printout needs from the database, render it, and keep the identity of printed answer pages."""

import json

from PIL import Image
from sqlalchemy import select

from accessible import family_links, pictures, printing, responses, topics, wording
from accessible.errors import Invalid
from accessible.i18n import Message
from accessible.models import LANGUAGES, Home, PaperPage, Person

KINDS = ("cards", "menu", "form", "poster")
#: Printouts for the whole home, printed in both languages on one sheet (Welsh first) when the topic is in both.
FOR_THE_HOME = ("menu", "poster")
#: Both languages on one sheet: Welsh first, as Welsh public bodies print.
BOTH = ("cy", "en")
#: Who a blank form is for: its answers count for an anonymous person of this kind, one per sheet.
AUDIENCES = ("resident", "family")
#: Blank forms printed at once; each sheet has its own code, so a photocopy would count as the same sheet.
MAX_COPIES = 200


def _readable(path):
    try:
        with Image.open(path) as image:
            image.verify()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    return True


def _symbol_path(picture):
    kind, _, ident = (picture or "").partition(":")
    found = pictures.symbol(ident) if kind == "openmoji" else None
    return found.svg_path if found is not None else None


def _option(data_dir, option, style=None, lang="en"):
    """Return *option* as printed for a person whose language is *lang*: its label in it where it is written in
    it (else in the topic's own), with the picture their needs say, described in the same language."""
    picture = option.picture_for(style)[0] if style else option.picture
    said = wording.words(option, lang)
    label = said.label

    def printed(path, shown, openmoji=False):
        alt = wording.described(option, shown, lang).alt if shown else label
        return printing.PrintOption(option.id, label, path, alt, openmoji=openmoji, lang=said.lang)

    kind, _, ident = (picture or "").partition(":")
    if kind == "photo":
        try:
            path = pictures.photo(data_dir, ident).path
        except KeyError:
            path = None
        if path is not None and _readable(path):
            return printed(path, picture)
        # A photo that cannot be read (removed, or a backup restored without the photos folder): the option's
        # symbol instead, else the best symbol for its words, else the words alone.
        symbol = next((p for p in (option.picture, option.second_picture) if _symbol_path(p)), None)
        if symbol is not None:
            return printed(_symbol_path(symbol), symbol, openmoji=True)
        found = pictures.search(label, limit=1, lang=said.lang)
        if found:
            return printed(found[0].svg_path, None, openmoji=True)
        return printed(None, None)
    path = _symbol_path(picture)
    return printed(path, picture, openmoji=path is not None)


def print_topic_of(session, topic, data_dir, lang=None):
    """Return the topic as the printing library takes it, with each option's main picture.

    Its words are in *lang* (the topic's own language by default) where the topic is written in it; its
    `versions` hold it in each of the home's languages, for each person's copy and for sheets in both.
    """
    home = session.get(Home, topic.home_id)
    tally = responses.tally(session, topic, "choosing")
    versions = {code: _version(topic, data_dir, code, home, tally) for code in LANGUAGES}
    for version in versions.values():
        version.versions = versions
    return versions[lang or topic.language]


def _version(topic, data_dir, lang, home, tally):
    """Return the topic with its words in *lang*, or in its own language where they are not written in *lang*."""
    asked = wording.words(topic, lang)
    options = topic.accepted_options
    tallies = []
    for group in tally.groups:
        rows = [(label, counts["like"] if isinstance(counts, dict) else counts) for label, counts in group.rows]
        if topic.kind != "yesno" and len(rows) == len(options):  # one row an option, in the options' order
            rows = [(wording.words(option, lang).label, count)
                    for option, (_label, count) in zip(options, rows, strict=True)]
        tallies.append((group.name, rows))
    decided = wording.words(topic.outcome, lang) if topic.outcome else None
    return printing.PrintTopic(
        id=topic.id, question=asked.question, kind=topic.kind, stage=topic.stage,
        options=[_option(data_dir, o, lang=lang) for o in options],
        outcome=decided.decision if decided else None, outcome_reason=decided.reason if decided else None,
        outcome_lang=decided.lang if decided else None,
        tallies=tallies, lang=lang, title=asked.title, home=home.name, words_lang=asked.lang,
        decided_option=topic.outcome.option_id if topic.outcome else None,
        agreed_with=[p.name for p in topic.outcome.agreed_by] if topic.outcome else [],
    )


def languages_for(topic, what, lang=None):
    """Return the languages a printout for the whole home is printed in, Welsh first: both where *lang* is
    "both", or by default where the topic is wholly written in both; else None (one language).

    :raises Invalid: for both languages where the topic is not yet wholly written in both, or "both" for a
        person's own printout.
    """
    if lang not in (None, "both"):
        return None
    if what not in FOR_THE_HOME:
        if lang == "both":
            raise Invalid({"lang": "Forms and cards are printed in each person's own language: choose English or "
                                   "Welsh, or leave the language to each person."})
        return None
    written = wording.languages(topic)
    if len(written) > 1:
        return list(BOTH)
    if lang == "both":
        missing = wording.missing(topic, printed=True)
        raise Invalid({"lang": Message("To print in both languages, translate first: %(missing)s.",
                                       missing=tuple(missing))})
    return None


def _residents(session, topic, resident):
    if resident is not None:
        if not topics.is_asked(resident, topic):
            raise Invalid({"resident": Message("%(name)s is not asked about this topic.", name=resident.name)})
        return [resident]
    return topics.asked_people(session, topic)["resident"]


def _text_size(resident):
    return max(16, resident.needs.text_size if resident.needs else 16)


def render(session, topic, what, data_dir, base_url, resident=None, lang=None, sheet="a4-4up", size="a4",
           each_resident=False, progress=None, actor=None, copies=1, audience=None, replace_cards=False):
    """Render one printout of *topic* and return its PrintResult; form pages are recorded for reading back.

    Cards carry each family member's current link (printing again prints the same codes). With
    *replace_cards*, every link of that family member for that resident stops working first (the links
    belong to the person, so their cards for every topic), and the new cards carry a new link.

    Blank forms (no resident) come in *copies*, each sheet with its own code, for *audience* ("resident" or
    "family"; by default whoever the topic asks, residents first).
    """
    if what not in KINDS:
        raise Invalid({"what": Message("Print one of: %(kinds)s.", kinds=", ".join(KINDS))})
    if topic.kind != "yesno" and not topic.accepted_options and what != "poster":
        raise Invalid({"what": "This topic has no options to print yet."})
    if what == "poster" and topic.outcome is None:
        raise Invalid({"what": "A poster tells people what was decided: record the decision first."})
    languages = languages_for(topic, what, lang)
    lang = None if lang == "both" else lang
    if what == "cards":
        printable, people = cards_to_print(session, topic, data_dir, base_url, resident, lang, actor, replace_cards)
        return printing.render_cards(printable, people, base_url.rstrip("/"), sheet=sheet, progress=progress)
    # Each resident's pages show photos or symbols as their needs say; a blank form, the main pictures.
    printable = print_topic_of(session, topic, data_dir, lang)
    base_url = base_url.rstrip("/")
    if what == "menu":
        return printing.render_menu(printable, base_url, progress=progress, languages=languages)
    if what == "poster":
        return printing.render_poster(printable, size=size, languages=languages)
    chosen = _residents(session, topic, resident) if resident is not None or each_resident else []
    people = []
    for r in chosen:
        own = _own_lang(session, topic, lang, r)
        people.append(printing.PrintResident(r.id, r.name, r.room, _text_size(r), called=r.called, lang=own,
                                             options=_own_options(data_dir, topic, r, own or printable.lang)))
    if not chosen:
        if audience not in (None, *AUDIENCES):
            raise Invalid({"audience": "A blank form is for residents or for families."})
        if not 1 <= copies <= MAX_COPIES:
            raise Invalid({"copies": Message("Print between 1 and %(most)s blank forms at once.", most=MAX_COPIES)})
        audience = audience or ("family" if topic.ask_families and not topic.ask_residents else "resident")
        people = [None] * copies  # each copy its own sheet, with its own code
    result = printing.render_form(printable, people, base_url, progress=progress, audience=None if chosen else audience)
    for page in result.pages:
        session.add(PaperPage(code=page.page_id, topic_id=topic.id, resident_id=page.resident_id,
                              audience=None if page.resident_id else audience,
                              layout=json.dumps({"size_mm": page.size_mm, "boxes": page.boxes, "sheet": page.sheet})))
    session.flush()
    return result


def cards_to_print(session, topic, data_dir, base_url, resident=None, lang=None, actor=None, replace_cards=False):
    """Return (the topic, the card sets) that printing.render_cards takes: one set per family member of each
    resident asked (or of *resident*), each carrying the member's current link, made here if they have none,
    and each in its resident's language (or *lang*).

    With *replace_cards*, every link of that family member for that resident stops working first (see render).
    The work is quick; rendering the cards is slow, and is left to the caller, outside the transaction.
    """
    if topic.kind != "yesno" and not topic.accepted_options:
        raise Invalid({"what": "This topic has no options to print yet."})
    languages_for(topic, "cards", lang)  # refuses both languages: cards go by each person's
    printable = print_topic_of(session, topic, data_dir, lang)
    base_url = base_url.rstrip("/")
    people = []
    for r in _residents(session, topic, resident):
        family = [f for f in r.family if f.active]
        own = _own_lang(session, topic, lang, r)
        pictures_of_r = _own_options(data_dir, topic, r, own or printable.lang)  # the same on each member's cards
        for member in family:
            if replace_cards:
                family_links.revoke_live(session, member, r, actor=actor)
            link, token = family_links.card_link(session, member, r, data_dir, actor=actor)
            people.append(printing.PrintResident(r.id, r.name, r.room, _text_size(r), f"{base_url}/f/{token}",
                                                 member.called, options=pictures_of_r, called=r.called,
                                                 family_code=family_links.card_code(data_dir, link),
                                                 code_url=f"{base_url}/c", lang=own))
        if not family:
            people.append(printing.PrintResident(r.id, r.name, r.room, _text_size(r), options=pictures_of_r,
                                                 called=r.called, lang=own))
    return printable, people


def _own_lang(session, topic, lang, r):
    """Return the language of *r*'s own printouts: none where staff asked for one (*lang*); else theirs; without
    a language of their own, the home's, where the topic is written in it; None: the topic's."""
    if lang:
        return None
    if r.needs and r.needs.language:
        return r.needs.language
    home_lang = session.get(Home, topic.home_id).language
    return home_lang if home_lang in wording.languages(topic) else None


def _own_options(data_dir, topic, r, lang):
    """Return *r*'s own pictures of the topic's options, as their needs say (photos or symbols), with their words
    in *lang*; None: the topic's."""
    style = r.needs.picture_style if r.needs else None
    return [_option(data_dir, o, style, lang) for o in topic.accepted_options] if style else None


def paper_page(session, code):
    """Return the printed page with this code, or None."""
    return session.scalar(select(PaperPage).where(PaperPage.code == code))


def resident_of(session, resident_id, home_id):
    """Return a resident of the home by id, or raise Invalid."""
    person = session.get(Person, resident_id)
    if person is None or person.home_id != home_id or person.kind != "resident":
        raise Invalid({"resident": Message("There is no resident with id %(id)s.", id=resident_id)})
    return person

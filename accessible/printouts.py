"""Gather what a printout needs from the database, render it, and keep the identity of printed answer pages."""

import json

from PIL import Image
from sqlalchemy import select

from accessible import family_links, pictures, printing, responses, topics
from accessible.errors import Invalid
from accessible.models import Home, PaperPage, Person

KINDS = ("cards", "menu", "form", "poster")
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
    picture, alt = option.picture_for(style) if style else (option.picture, option.picture_alt)
    kind, _, ident = (picture or "").partition(":")
    if kind == "photo":
        try:
            path = pictures.photo(data_dir, ident).path
        except KeyError:
            path = None
        if path is not None and _readable(path):
            return printing.PrintOption(option.id, option.label, path, alt or option.label)
        # A photo that cannot be read (removed, or a backup restored without the photos folder): the option's
        # symbol instead, else the best symbol for its words, else the words alone.
        symbol = next((p for p in (option.picture, option.second_picture) if _symbol_path(p)), None)
        if symbol is not None:
            alt = option.second_picture_alt if symbol == option.second_picture else option.picture_alt
            return printing.PrintOption(option.id, option.label, _symbol_path(symbol), alt or option.label,
                                        openmoji=True)
        found = pictures.search(option.label, limit=1, lang=lang)
        if found:
            return printing.PrintOption(option.id, option.label, found[0].svg_path, option.label, openmoji=True)
        return printing.PrintOption(option.id, option.label, None, option.label)
    path = _symbol_path(picture)
    return printing.PrintOption(option.id, option.label, path, alt or option.label, openmoji=path is not None)


def print_topic_of(session, topic, data_dir, lang=None):
    """Return the topic as the printing library takes it, with each option's main picture."""
    home = session.get(Home, topic.home_id)
    tally = responses.tally(session, topic, "choosing")
    tallies = []
    for group in tally.groups:
        rows = [(label, counts["like"] if isinstance(counts, dict) else counts) for label, counts in group.rows]
        tallies.append((group.name, rows))
    return printing.PrintTopic(
        id=topic.id, question=topic.question, kind=topic.kind, stage=topic.stage,
        options=[_option(data_dir, o, lang=topic.language) for o in topic.accepted_options],
        outcome=topic.outcome.decision if topic.outcome else None,
        outcome_reason=topic.outcome.reason if topic.outcome else None,
        tallies=tallies, lang=lang or topic.language, title=topic.title, home=home.name, words_lang=topic.language,
        decided_option=topic.outcome.option_id if topic.outcome else None,
        agreed_with=[p.name for p in topic.outcome.agreed_by] if topic.outcome else [],
    )


def _residents(session, topic, resident):
    if resident is not None:
        if not topics.is_asked(resident, topic):
            raise Invalid({"resident": f"{resident.name} is not asked about this topic."})
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
        raise Invalid({"what": f"Print one of: {', '.join(KINDS)}."})
    if topic.kind != "yesno" and not topic.accepted_options and what != "poster":
        raise Invalid({"what": "This topic has no options to print yet."})
    # Each resident's pages show photos or symbols as their needs say; a blank form, the main pictures.
    printable = print_topic_of(session, topic, data_dir, lang)

    def own(r):
        style = r.needs.picture_style if r.needs else None
        return [_option(data_dir, o, style, topic.language) for o in topic.accepted_options] if style else None

    def own_lang(r):
        # A resident's own form speaks their language, unless staff asked for one; None: the topic's.
        return None if lang or not r.needs else r.needs.language

    base_url = base_url.rstrip("/")
    if what == "menu":
        return printing.render_menu(printable, base_url, progress=progress)
    if what == "poster":
        if topic.outcome is None:
            raise Invalid({"what": "A poster tells people what was decided: record the decision first."})
        return printing.render_poster(printable, size=size)
    if what == "cards":
        people = []
        for r in _residents(session, topic, resident):
            family = [f for f in r.family if f.active]
            pictures_of_r = own(r)  # the same for each of the resident's family members' cards
            for member in family:
                if replace_cards:
                    family_links.revoke_live(session, member, r, actor=actor)
                link, token = family_links.card_link(session, member, r, data_dir, actor=actor)
                people.append(printing.PrintResident(r.id, r.name, r.room, _text_size(r), f"{base_url}/f/{token}",
                                                     member.called, options=pictures_of_r, called=r.called,
                                                     family_code=family_links.card_code(data_dir, link),
                                                     code_url=f"{base_url}/c"))
            if not family:
                people.append(printing.PrintResident(r.id, r.name, r.room, _text_size(r), options=pictures_of_r,
                                                     called=r.called))
        return printing.render_cards(printable, people, base_url, sheet=sheet, progress=progress)
    chosen = _residents(session, topic, resident) if resident is not None or each_resident else []
    people = [printing.PrintResident(r.id, r.name, r.room, _text_size(r), options=own(r), called=r.called,
                                     lang=own_lang(r)) for r in chosen]
    if not chosen:
        if audience not in (None, *AUDIENCES):
            raise Invalid({"audience": "A blank form is for residents or for families."})
        if not 1 <= copies <= MAX_COPIES:
            raise Invalid({"copies": f"Print between 1 and {MAX_COPIES} blank forms at once."})
        audience = audience or ("family" if topic.ask_families and not topic.ask_residents else "resident")
        people = [None] * copies  # each copy its own sheet, with its own code
    result = printing.render_form(printable, people, base_url, progress=progress, audience=None if chosen else audience)
    for page in result.pages:
        session.add(PaperPage(code=page.page_id, topic_id=topic.id, resident_id=page.resident_id,
                              audience=None if page.resident_id else audience,
                              layout=json.dumps({"size_mm": page.size_mm, "boxes": page.boxes, "sheet": page.sheet})))
    session.flush()
    return result


def paper_page(session, code):
    """Return the printed page with this code, or None."""
    return session.scalar(select(PaperPage).where(PaperPage.code == code))


def resident_of(session, resident_id, home_id):
    """Return a resident of the home by id, or raise Invalid."""
    person = session.get(Person, resident_id)
    if person is None or person.home_id != home_id or person.kind != "resident":
        raise Invalid({"resident": f"There is no resident with id {resident_id}."})
    return person

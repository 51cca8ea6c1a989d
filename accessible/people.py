"""Keep the people of a home: residents and their communication needs, families, staff accounts."""

import re
from datetime import date

import zxcvbn
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from accessible import audit
from accessible.errors import Invalid, NotFound
from accessible.i18n import Message
from accessible.models import (
    CONTRASTS,
    INPUT_MODES,
    LANGUAGES,
    PICTURE_STYLES,
    STAFF_ROLES,
    CommunicationNeeds,
    Home,
    Person,
)

#: A voice as the speech engine finds it: a language tag ("en-gb", "cy", "en-gb-x-rp").
_VOICE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{1,8})*", re.IGNORECASE)

# argon2id with the library's defaults (RFC 9106 low-memory profile).
_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
#: zxcvbn's score (0-4): 2 means about a million guesses or more, far beyond what slowed sign-in lets anyone try.
MIN_PASSWORD_SCORE = 2
#: What the anonymous people made for blank paper forms are called (accessible.paper.answers.ANONYMOUS).
ANONYMOUS_NAMES = ("Anonymous resident", "Anonymous family member")


def create_home(session, name, language="en"):
    """Create a home."""
    name = (name or "").strip()
    if not name:
        raise Invalid({"name": "Give the home a name."})
    if language not in LANGUAGES:
        raise Invalid({"language": "The home's language must be English (en) or Welsh (cy)."})
    home = Home(name=name, language=language)
    session.add(home)
    session.flush()
    return home


def get_person(session, home_id, person_id, kind=None):
    """Return one person of a home, or raise NotFound."""
    person = session.get(Person, person_id)
    if person is None or person.home_id != home_id or (kind and person.kind != kind):
        raise NotFound(kind or "person", person_id)
    return person


def people(session, home_id, kind, with_inactive=False):
    """Return the active people of one kind in a home, by name (*with_inactive*: those who left too).

    The anonymous people blank paper forms count for are never listed: nobody can be asked about them.
    """
    query = select(Person).where(Person.home_id == home_id, Person.kind == kind)
    query = query.where(Person.active) if not with_inactive else query.where(Person.name.not_in(ANONYMOUS_NAMES))
    # Lists show each person's needs and family: load them in a few queries, not one or two per person.
    query = query.options(selectinload(Person.needs), selectinload(Person.family), selectinload(Person.residents))
    return session.scalars(query.order_by(Person.name)).all()


def _clean_name(name):
    name = " ".join((name or "").split())
    if not name:
        raise Invalid({"name": "Write the person's name."})
    if len(name) > 200:
        raise Invalid({"name": "That name is too long (200 characters at most)."})
    return name


def add_resident(session, home, name, room=None, preferred_name=None, actor=None, **needs):
    """Add a resident with their communication needs (defaults where none are given)."""
    resident = Person(
        home_id=home.id,
        kind="resident",
        name=_clean_name(name),
        room=(room or "").strip() or None,
        preferred_name=(preferred_name or "").strip() or None,
    )
    resident.needs = CommunicationNeeds()
    set_needs(resident.needs, **needs)
    session.add(resident)
    session.flush()
    audit.record(session, actor, "create", resident, resident=resident)
    return resident


def update_resident(session, resident, name, room=None, preferred_name=None, actor=None, **needs):
    """Change a resident's details and communication needs together."""
    resident.name = _clean_name(name)
    resident.room = (room or "").strip() or None
    resident.preferred_name = (preferred_name or "").strip() or None
    if resident.needs is None:
        resident.needs = CommunicationNeeds()
    set_needs(resident.needs, **needs)
    audit.record(session, actor, "update", resident, resident=resident)
    return resident


def _int_in(value, low, high, field, message):
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Invalid({field: message}) from None
    if not low <= number <= high:
        raise Invalid({field: message})
    return number


def _scan_seconds(value):
    message = "Switch scanning pace must be 0.5 to 20 seconds, for example 2.5, or left empty."
    if value == "":
        return None
    try:
        seconds = round(float(str(value).replace(",", ".")), 1)
    except ValueError:
        raise Invalid({"scan_seconds": message}) from None
    if not 0.5 <= seconds <= 20:
        raise Invalid({"scan_seconds": message})
    return seconds


def set_needs(needs, text_size=None, contrast=None, picture_style=None, options_per_screen=None,
              speech_rate=None, voice=None, language=None, input_modes=None, notes=None, review_date=None,
              scan_seconds=None):
    """Validate and apply communication needs; an argument left as None keeps its value.

    *scan_seconds* "" clears the switch-scanning pace, so that it follows the speech rate again.
    """
    problems = {}

    def check(field, fn):
        try:
            fn()
        except Invalid as e:
            problems.update(e.problems)

    if text_size not in (None, ""):
        check("text_size", lambda: setattr(needs, "text_size", _int_in(
            text_size, 16, 40, "text_size", "Text size must be a number of points from 16 to 40.")))
    if contrast:
        if contrast not in CONTRASTS:
            problems["contrast"] = "Contrast must be standard or high."
        else:
            needs.contrast = contrast
    if picture_style:
        if picture_style not in PICTURE_STYLES:
            problems["picture_style"] = "Pictures must be symbols or photos."
        else:
            needs.picture_style = picture_style
    if options_per_screen not in (None, ""):
        check("options_per_screen", lambda: setattr(needs, "options_per_screen", _int_in(
            options_per_screen, 1, 4, "options_per_screen", "Options per screen must be 1, 2, 3 or 4.")))
    if speech_rate not in (None, ""):
        check("speech_rate", lambda: setattr(needs, "speech_rate", _int_in(
            speech_rate, 80, 300, "speech_rate", "Speech rate must be 80 to 300 words a minute.")))
    if scan_seconds is not None:
        check("scan_seconds", lambda: setattr(needs, "scan_seconds", _scan_seconds(scan_seconds)))
    if voice is not None:
        if voice.strip() and not _VOICE.fullmatch(voice.strip()):
            problems["voice"] = ("Write the voice as its language code, for example en-gb or cy, or leave it "
                                 "empty for the usual voice.")
        else:
            needs.voice = voice.strip().lower() or None
    if language is not None:
        if language not in ("", *LANGUAGES):
            problems["language"] = "Language must be English (en) or Welsh (cy)."
        else:
            needs.language = language or None
    if input_modes is not None:
        modes = input_modes.split() if isinstance(input_modes, str) else list(input_modes)
        unknown = [m for m in modes if m not in INPUT_MODES]
        if unknown:
            problems["input_modes"] = "Ways to answer are touch, voice and switch."
        elif not modes:
            problems["input_modes"] = "Choose at least one way to answer: touch, voice or switch."
        else:
            needs.input_modes = " ".join(m for m in INPUT_MODES if m in modes)
    if notes is not None:
        needs.notes = notes.strip() or None
    if review_date is not None:
        if isinstance(review_date, date) or review_date == "":
            needs.review_date = review_date or None
        else:
            try:
                needs.review_date = date.fromisoformat(review_date)
            except ValueError:
                problems["review_date"] = "Write the review date as a date, for example 2027-03-01."
    if problems:
        raise Invalid(problems)
    return needs


def add_family(session, home, name, relation=None, residents=(), actor=None):
    """Add a family member (or friend) linked to one or more residents."""
    person = Person(
        home_id=home.id, kind="family", name=_clean_name(name), relation=(relation or "").strip() or None
    )
    session.add(person)
    for resident in residents:
        link_family(person, resident)
    session.flush()
    audit.record(session, actor, "create", person)
    return person


def link_family(family, resident):
    """Link a family member to a resident of the same home."""
    if resident.kind != "resident" or family.kind != "family" or resident.home_id != family.home_id:
        raise Invalid({"resident": "A family member can only be linked to a resident of the same home."})
    if resident not in family.residents:
        family.residents.append(resident)


#: zxcvbn's suggestions that say no more than the advice every refusal gives ("three or four ordinary words").
_ADVICE_GIVEN = {"Add another word or two. Uncommon words are better.", "Use a few words, avoid common phrases."}


def password_problem(password, *about):
    """Return why *password* will not do (too short, common, repeated, or made of the account's own words), or None.

    ASVS 6.2.4: checked against zxcvbn's lists of the most used passwords, words and names, and its patterns
    (repeats such as "aaaaaaaaaa", sequences such as "1234567890", keyboard runs, dates).
    """
    if len(password or "") < MIN_PASSWORD_LENGTH:
        return f"A password needs at least {MIN_PASSWORD_LENGTH} characters."
    found = zxcvbn.zxcvbn(password[:100], user_inputs=[word for word in about if word])
    if found["score"] >= MIN_PASSWORD_SCORE:
        return None
    # zxcvbn's own warning is English: a Message, so that one the catalogue knows is said in Welsh too.
    why = Message((found["feedback"]["warning"] or "It is made of common words, names or patterns").rstrip("."))
    for tip in found["feedback"]["suggestions"]:
        if tip not in _ADVICE_GIVEN:  # its particular advice ("Avoid sequences"), each a Message said in Welsh too
            why = Message("%(said)s. %(more)s", said=why, more=Message(tip.rstrip(".")))
    return Message("That password is too easy to guess. %(why)s. Three or four ordinary words that do not belong "
                   "together make a good one, for example \u201cteapot garden violin\u201d.", why=why)


def add_staff(session, home, username, password, name=None, role="staff", actor=None):
    """Create a named staff account with an argon2id password hash."""
    username = (username or "").strip().lower()
    problems = {}
    if not username or not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
        problems["username"] = "A username is letters and numbers (dots, dashes and underscores allowed)."
    elif session.scalar(select(func.count()).where(Person.username == username)):
        problems["username"] = Message("The username %(username)s is taken already.", username=username)
    weak = password_problem(password, username, name, home.name)
    if weak:
        problems["password"] = weak
    if role not in STAFF_ROLES:
        problems["role"] = "A role is staff or manager."
    if problems:
        raise Invalid(problems)
    person = Person(
        home_id=home.id,
        kind="staff",
        name=_clean_name(name or username),
        username=username,
        password_hash=_hasher.hash(password),
        role=role,
    )
    session.add(person)
    session.flush()
    audit.record(session, actor, "create", person)
    return person


def set_password(session, staff, password, actor=None):
    """Change a staff password and end every session of that account."""
    weak = password_problem(password, staff.username, staff.name)
    if weak:
        raise Invalid({"password": weak})
    staff.password_hash = _hasher.hash(password)
    staff.session_version += 1
    audit.record(session, actor, "update", staff, detail="password changed")


def set_active(session, person, active, actor=None):
    """Mark a resident as having left the home (or back again), or a staff account as disabled (or enabled).

    A resident who has left is asked nothing more and their family's card links stop opening while they are
    away (the links are kept, not revoked, so "back in the home" makes the same cards work again); their
    answers stay in the record. A disabled account's sessions end at once and it cannot sign in.
    """
    if person.kind == "staff" and not active and actor is not None and getattr(actor, "id", None) == person.id:
        raise Invalid({"active": "You cannot disable your own account: ask another manager."})
    if person.active == active:
        return
    person.active = active
    if person.kind == "staff" and not active:
        person.session_version += 1
    detail = {("resident", False): "left the home", ("resident", True): "back in the home",
              ("staff", False): "account disabled", ("staff", True): "account enabled"}.get((person.kind, active))
    audit.record(session, actor, "update", person, resident=person if person.kind == "resident" else None,
                 detail=detail)


def by_username(session, username):
    """Return the staff account with this username (any home), or None."""
    return session.scalar(select(Person).where(Person.username == (username or "").strip().lower(),
                                               Person.kind == "staff"))


def authenticate(session, username, password):
    """Return the active staff member with this username and password, or None."""
    staff = session.scalar(
        select(Person).where(Person.username == (username or "").strip().lower(), Person.kind == "staff")
    )
    if staff is None or not staff.active or not staff.password_hash:
        # Spend the same time as a real check, so a wrong username is not told apart by timing.
        try:
            _hasher.verify(_DUMMY_HASH, password or "")
        except VerificationError:
            pass
        return None
    try:
        _hasher.verify(staff.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(staff.password_hash):
        staff.password_hash = _hasher.hash(password)
    return staff


_DUMMY_HASH = _hasher.hash("not a real password, only spends the time")

"""Record people's answers and count them by group, side by side, so no voice is drowned out."""

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import or_, select

from accessible import audit
from accessible.errors import Invalid
from accessible.i18n import Message
from accessible.models import CHANNELS, PHASES, Comment, PaperScan, Person, Response, Topic
from accessible.scales import RATING_NAMES, RATINGS, YESNO, YESNO_NAMES
from accessible.topics import is_asked

#: The groups results are shown in, in this order, with what staff read.
GROUPS = {
    "resident": "Residents, in their own voice",
    "supported": "Residents, assisted or by proxy",
    "family": "Families",
    "staff": "Staff",
}
#: Each channel as staff say it ("3 on paper"), never the computer's name for it.
CHANNEL_NAMES = {
    "touch": "by touch on the kiosk",
    "voice": "by voice on the kiosk",
    "switch": "with a switch on the kiosk",
    "paper": "on paper",
    "family-web": "on a relative's phone",
    "staff-entry": "written in by staff",
}


def phase_of(topic):
    """Return the phase answers are collected in now: "choosing", or "review" for the follow-up (How is it going?)."""
    return {"choosing": "choosing", "reviewed": "review"}.get(topic.stage)


def record(session, topic, person, channel, option=None, value=None, on_behalf_of=None, assisted_by=None,
           confidence=None, recorded_by=None):
    """Record one answer of *person* to *topic*; the person's latest answer is the one that counts.

    A family member's guess of what a resident would choose is given with *on_behalf_of* and counts as a
    proxy, never as the resident's own voice. Staff helping a resident answer are *assisted_by*; staff who
    only typed in or scanned what the person wrote (a paper form) are *recorded_by*, for the audit trail.
    """
    phase = phase_of(topic)
    problems = {}
    if phase is None:
        raise Invalid({"topic": "This topic is not asking for answers at the moment."})
    if channel not in CHANNELS:
        problems["channel"] = Message("Unknown channel %(channel)s.", channel=channel)
    if on_behalf_of is not None:
        if person.kind != "family" or on_behalf_of not in person.residents:
            problems["on_behalf_of"] = "Only a resident's own family can say what they think the resident would choose."
        elif not on_behalf_of.active:
            problems["on_behalf_of"] = "This resident has left the home."
        elif not is_asked(on_behalf_of, topic):
            problems["on_behalf_of"] = "Residents are not asked about this topic."
    elif not is_asked(person, topic):
        problems["person"] = Message("%(name)s is not asked about this topic.", name=person.name)
    if assisted_by is not None and (assisted_by.kind != "staff" or assisted_by.home_id != topic.home_id):
        problems["assisted_by"] = "Only staff of this home can help a resident answer."
    if confidence is not None and not 0.0 <= confidence <= 1.0:
        problems["confidence"] = "Confidence is between 0 and 1."
    if option is not None and (option.topic_id != topic.id or option.status != "accepted"):
        problems["option"] = "That is not one of this topic's options."
    if phase == "review":
        # "How is it going?" is asked once for the whole decision, on the three-point scale.
        if value not in RATINGS:
            problems["value"] = "Say how it is going: like, not sure or don't like."
        option = None
    elif topic.kind == "choose":
        if option is None:
            problems.setdefault("option", "Choose one of the options.")
        value = None
    elif topic.kind == "rate":
        if option is None:
            problems.setdefault("option", "Say which option this rating is for.")
        if value not in RATINGS:
            problems["value"] = "Rate it like, not sure or don't like."
    elif topic.kind == "yesno":
        if value not in YESNO:
            problems["value"] = "Answer yes or no."
        option = None
    if problems:
        raise Invalid(problems)
    response = Response(
        topic_id=topic.id, person_id=person.id, option_id=option.id if option else None, value=value,
        phase=phase, channel=channel, on_behalf_of_id=on_behalf_of.id if on_behalf_of else None,
        assisted_by_id=assisted_by.id if assisted_by else None, confidence=confidence,
    )
    session.add(response)
    session.flush()
    resident = on_behalf_of or (person if person.kind == "resident" else None)
    audit.record(session, assisted_by or recorded_by or person, "create", response, resident=resident,
                 detail=channel)
    return response


def record_answer(session, topic, person, channel, option_id=None, value=None, ratings=None, **kwargs):
    """Record a person's whole answer as one form gives it; return the responses recorded.

    The option chosen is named by *option_id*; a yes/no or a "How is it going?" is *value*. A `rate` topic,
    while choosing, rates every option at once: *ratings* maps option ids (as text) to values, one response per
    option rated, and options left unrated are skipped. Other keyword arguments are those of `record`.
    """
    if topic.kind == "rate" and phase_of(topic) == "choosing":
        ratings = ratings or {}
        rated = [(o, ratings.get(str(o.id))) for o in topic.accepted_options if ratings.get(str(o.id))]
        if not rated:
            raise Invalid({"value": "Choose like, not sure or don't like for at least one option."})
        return [record(session, topic, person, channel, option=o, value=v, **kwargs) for o, v in rated]
    option = next((o for o in topic.accepted_options if str(o.id) == str(option_id)), None)
    return [record(session, topic, person, channel, option=option, value=value, **kwargs)]


def group_of(response):
    """Return the results group a response counts in."""
    if response.on_behalf_of_id is not None:
        return "supported"
    kind = response.person.kind
    if kind == "resident":
        return "supported" if response.assisted_by_id is not None else "resident"
    return kind


def latest(session, topic, phase="choosing"):
    """Return the answers that count: each person's latest (per option, for `rate` topics)."""
    query = (
        select(Response)
        .where(Response.topic_id == topic.id, Response.phase == phase)
        .order_by(Response.created_at, Response.id)
    )
    counted = {}
    for response in session.scalars(query):
        per_option = response.option_id if topic.kind == "rate" and phase == "choosing" else None
        counted[(response.person_id, response.on_behalf_of_id, per_option)] = response
    return list(counted.values())


@dataclass
class GroupTally:
    key: str
    name: str
    #: (label, count) rows in a fixed order; for `rate`: label → {like, unsure, dislike}.
    rows: list = field(default_factory=list)
    people: int = 0


@dataclass
class Tally:
    topic_id: int
    phase: str
    groups: list
    channels: Counter
    total_people: int

    def group(self, key):
        return next(g for g in self.groups if g.key == key)

    def as_dict(self):
        """Return the tally as plain data (for JSON and templates)."""
        return {
            "topic": self.topic_id,
            "phase": self.phase,
            "groups": [{"group": g.key, "name": g.name, "people": g.people, "rows": g.rows} for g in self.groups],
            "channels": dict(self.channels),
            "people": self.total_people,
        }


def tally(session, topic, phase=None):
    """Count the latest answers of a topic by group, side by side."""
    phase = phase or ("review" if topic.stage == "reviewed" else "choosing")
    answers = latest(session, topic, phase)
    if phase == "review":
        keys = [(r, RATING_NAMES[r]) for r in RATINGS]
    elif topic.kind == "yesno":
        keys = [(v, YESNO_NAMES[v]) for v in YESNO]
    else:
        keys = [(o.id, o.label) for o in topic.accepted_options]
    groups = []
    for key, name in GROUPS.items():
        mine = [r for r in answers if group_of(r) == key]
        people = {(r.person_id, r.on_behalf_of_id) for r in mine}
        if phase == "review":
            counts = Counter(r.value for r in mine)
            rows = [(label, counts[k]) for k, label in keys]
        elif topic.kind == "rate":
            per = {k: Counter() for k, _ in keys}
            for r in mine:
                if r.option_id in per:
                    per[r.option_id][r.value] += 1
            rows = [(label, {v: per[k][v] for v in RATINGS}) for k, label in keys]
        elif topic.kind == "yesno":
            counts = Counter(r.value for r in mine)
            rows = [(label, counts[k]) for k, label in keys]
        else:
            counts = Counter(r.option_id for r in mine)
            rows = [(label, counts[k]) for k, label in keys]
        groups.append(GroupTally(key=key, name=name, rows=rows, people=len(people)))
    return Tally(
        topic_id=topic.id,
        phase=phase,
        groups=groups,
        channels=Counter(r.channel for r in answers),
        total_people=len({(r.person_id, r.on_behalf_of_id) for r in answers}),
    )


def answer_in_words(topic, answers):
    """Return a person's answers that count (from latest()) as staff read them: "Fish pie", "Gardening: Like"."""
    words = []
    for r in answers:
        if r.phase == "review":
            words.append(RATING_NAMES.get(r.value, r.value))
        elif topic.kind == "yesno":
            words.append(YESNO_NAMES.get(r.value, r.value))
        elif topic.kind == "rate":
            words.append(f"{r.option.label}: {RATING_NAMES.get(r.value, r.value)}")
        else:
            words.append(r.option.label if r.option else "")
    return "; ".join(w for w in words if w)


def answer_now(session, topic, person):
    """Return *person*'s own answers that count now (not guesses made for someone else), in words; "" if none."""
    phase = phase_of(topic) or "choosing"
    mine = [r for r in latest(session, topic, phase) if r.person_id == person.id and r.on_behalf_of_id is None]
    return answer_in_words(topic, mine)


def not_yet_heard(session, topic, residents):
    """Return the residents asked who have not had a say yet (in their own voice or assisted)."""
    phase = phase_of(topic) or "choosing"
    heard = {r.person_id for r in latest(session, topic, phase) if r.on_behalf_of_id is None}
    return [r for r in residents if r.id not in heard]


@dataclass
class Said:
    """What one resident said about one topic: their own answers first, then their family's guesses."""

    topic: Topic
    own: list
    guesses: list


def said_by(session, resident):
    """Return what *resident* has said, topic by topic (newest first): the answers that count now, in each phase."""
    query = select(Response).where(or_(Response.person_id == resident.id, Response.on_behalf_of_id == resident.id))
    topic_ids = {r.topic_id for r in session.scalars(query)}
    found = []
    for topic in sorted((session.get(Topic, i) for i in topic_ids), key=lambda t: t.created_at, reverse=True):
        counted = [r for phase in PHASES for r in latest(session, topic, phase)]
        found.append(Said(topic, own=[r for r in counted if r.person_id == resident.id and r.on_behalf_of_id is None],
                          guesses=[r for r in counted if r.on_behalf_of_id == resident.id]))
    return found


def waiting_residents(session, open_topics, asked=None):
    """Return [(resident, [topics they have not had a say on yet]), …] over *open_topics*, by resident name.

    *asked* may give the residents each topic asks, by topic id, where the caller has them already.
    """
    from accessible.topics import asked_people

    waiting = {}
    for topic in open_topics:
        if phase_of(topic) is None or not topic.ask_residents:
            continue
        residents = asked[topic.id] if asked is not None else asked_people(session, topic)["resident"]
        for resident in not_yet_heard(session, topic, residents):
            waiting.setdefault(resident, []).append(topic)
    return sorted(waiting.items(), key=lambda item: item[0].name)


@dataclass
class FamiliesTakingPart:
    """The family members of a home who have taken part: named ones each, blank paper forms counted together."""

    #: [(family member, how many topics they answered or commented on), …] by name.
    named: list = field(default_factory=list)
    #: How many anonymous family members answered on blank paper forms (one for each sheet read back).
    on_blank_forms: int = 0

    def __bool__(self):
        return bool(self.named or self.on_blank_forms)


def families_taking_part(session, home_id):
    """Return the family members of a home who have answered or commented, with how many topics each."""
    answered = select(Response.person_id, Response.topic_id).join(Topic, Response.topic_id == Topic.id).where(
        Topic.home_id == home_id)
    commented = select(Comment.person_id, Comment.topic_id).join(Topic, Comment.topic_id == Topic.id).where(
        Topic.home_id == home_id)
    topics_of = {}
    for person_id, topic_id in [*session.execute(answered), *session.execute(commented)]:
        topics_of.setdefault(person_id, set()).add(topic_id)
    family = session.scalars(select(Person).where(Person.id.in_(topics_of), Person.kind == "family")
                             .order_by(Person.name)).all()
    # A blank form read back from paper counts for an anonymous person made for that one sheet.
    anonymous = set(session.scalars(select(PaperScan.respondent_id).where(
        PaperScan.respondent_id.in_([p.id for p in family]))))
    return FamiliesTakingPart(named=[(p, len(topics_of[p.id])) for p in family if p.id not in anonymous],
                              on_blank_forms=len(anonymous))

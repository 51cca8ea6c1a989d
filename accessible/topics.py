"""Run a topic from first ideas to the review: options, who proposed them, stages and the outcome."""

from datetime import date

from sqlalchemy import or_, select

from accessible import audit, pictures, wording
from accessible.errors import Invalid, NotFound
from accessible.i18n import Message
from accessible.models import LANGUAGES, STAGES, TOPIC_KINDS, Option, Outcome, Person, Topic, utcnow
from accessible.topic_templates import template

#: Where a topic may go from each stage. Choosing can go back to ideas when people want more options.
NEXT_STAGES = {
    "draft": ("ideas", "choosing"),
    "ideas": ("choosing",),
    "choosing": ("ideas", "decided"),
    "decided": ("reviewed",),
    "reviewed": (),
}
STAGE_NAMES = {
    "draft": "Draft",
    "ideas": "Collecting ideas",
    "choosing": "Choosing",
    "decided": "Decided",
    "reviewed": "How is it going?",
}
#: Stages before the decision, while the options may still change (added, edited, merged, hidden).
UNDECIDED_STAGES = ("draft", "ideas", "choosing")
#: Stages after the decision: the options are part of the record and no longer change.
DECIDED_STAGES = ("decided", "reviewed")
#: Stages with a closing date that can pass: people are still giving ideas or choosing.
COLLECTING_STAGES = ("ideas", "choosing")
#: Stages in which the decision may be written down (or written again).
DECIDING_STAGES = ("choosing", "decided")
#: Stages families see a topic in: every one but the draft.
FAMILY_STAGES = ("ideas", "choosing", "decided", "reviewed")
#: Stages in which a printed form asks something (ideas: the write-in space; reviewed: "How is it going?").
PRINTABLE_STAGES = ("ideas", "choosing", "reviewed")


def get_topic(session, home_id, topic_id):
    """Return one topic of a home, or raise NotFound."""
    topic = session.get(Topic, topic_id)
    if topic is None or topic.home_id != home_id:
        raise NotFound("topic", topic_id)
    return topic


def topics(session, home_id, viewer=None, archived=False):
    """Return the topics of a home that *viewer* may see, newest first (archived ones only when asked).

    A personal topic (a care-plan goal) is seen only by that resident, their linked family and staff.
    """
    query = select(Topic).where(Topic.home_id == home_id)
    if not archived:
        query = query.where(Topic.archived_at.is_(None))
    if viewer is not None and viewer.kind != "staff":
        allowed = [viewer.id] if viewer.kind == "resident" else [r.id for r in viewer.residents]
        query = query.where(or_(Topic.resident_id.is_(None), Topic.resident_id.in_(allowed)))
    return session.scalars(query.order_by(Topic.created_at.desc(), Topic.id.desc())).all()


def can_see(person, topic):
    """Return True when *person* may see *topic*."""
    if person.home_id != topic.home_id:
        return False
    if topic.resident_id is None or person.kind == "staff":
        return True
    if person.kind == "resident":
        return person.id == topic.resident_id
    return any(r.id == topic.resident_id for r in person.residents)


def is_asked(person, topic):
    """Return True when *person*'s group is asked this topic."""
    if not can_see(person, topic):
        return False
    return {"resident": topic.ask_residents, "family": topic.ask_families, "staff": topic.ask_staff}[person.kind]


def _check_words(title, question, kind, ask_residents, ask_families, ask_staff):
    """Return the tidied title and question, and what is wrong with the topic's words and audience."""
    problems = {}
    title = " ".join((title or "").split())
    question = " ".join((question or "").split())
    if not title:
        problems["title"] = "Give the topic a short title."
    elif len(title) > 200:
        problems["title"] = "The title is too long (200 characters at most)."
    if not question:
        problems["question"] = "Write the question people will be asked, in plain words."
    if kind not in TOPIC_KINDS:
        problems["kind"] = "A topic is choose one, rate each, or yes/no."
    if not (ask_residents or ask_families or ask_staff):
        problems["ask"] = "Ask at least one group: residents, families or staff."
    return title, question, problems


def _closing_date(value, problems):
    """Return the closing date given as a date or "YYYY-MM-DD" ("" or None: no date), noting what is wrong."""
    if value is None or value == "" or isinstance(value, date):
        return value or None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        problems["closes_on"] = "Give the closing date as a date, for example 2027-01-31."
        return None


def create_topic(session, home, title, question, kind="choose", options=(), resident=None,
                 ask_residents=True, ask_families=True, ask_staff=True, language=None, actor=None,
                 template_key=None, closes_on=None):
    """Create a topic in the draft stage, with options given as labels or (label, picture, alt) tuples."""
    title, question, problems = _check_words(title, question, kind, ask_residents, ask_families, ask_staff)
    closes_on = _closing_date(closes_on, problems)
    language = language or home.language
    if language not in LANGUAGES:
        problems["language"] = "Language must be English (en) or Welsh (cy)."
    if resident is not None and (resident.kind != "resident" or resident.home_id != home.id):
        problems["resident"] = "A personal topic belongs to a resident of this home."
    if problems:
        raise Invalid(problems)
    topic = Topic(
        home_id=home.id, title=title, question=question, kind=kind, stage="draft",
        ask_residents=ask_residents, ask_families=ask_families, ask_staff=ask_staff,
        resident_id=resident.id if resident else None, language=language,
        created_by_id=getattr(actor, "id", None), template=template_key, closes_on=closes_on,
    )
    session.add(topic)
    session.flush()
    for item in options:
        label, picture, alt = (item, None, None) if isinstance(item, str) else item
        add_option(session, topic, label, picture=picture, picture_alt=alt, proposed_by=actor)
    audit.record(session, actor, "create", topic, resident=resident)
    return topic


def update_topic(session, topic, title, question, ask_residents=True, ask_families=True, ask_staff=True,
                 actor=None, closes_on=None):
    """Change a topic's words, who is asked and its closing date (staff start from a template and change it)."""
    title, question, problems = _check_words(title, question, topic.kind, ask_residents, ask_families, ask_staff)
    closes_on = _closing_date(closes_on, problems)
    if problems:
        raise Invalid(problems)
    topic.title, topic.question, topic.closes_on = title, question, closes_on
    topic.ask_residents, topic.ask_families, topic.ask_staff = ask_residents, ask_families, ask_staff
    audit.record(session, actor, "update", topic, resident=topic.resident_id)
    return topic


def create_from_template(session, home, key, resident=None, language=None, actor=None, closes_on=None):
    """Create a topic from a ready-made template, in the home's language (or *language*)."""
    tpl = template(key)
    if tpl is None:
        raise Invalid({"template": Message("There is no template called %(key)s.", key=key)})
    if tpl.personal and resident is None:
        raise Invalid({"resident": "Choose the resident whose care plan this is."})
    lang = language or home.language
    options = [(*o.text(lang)[:1], f"openmoji:{o.symbol}", o.text(lang)[1]) for o in tpl.options]
    topic = create_topic(
        session, home, tpl.title.get(lang, tpl.title["en"]), tpl.question.get(lang, tpl.question["en"]),
        kind=tpl.kind, options=options, resident=resident if tpl.personal else None,
        ask_residents=tpl.ask_residents, ask_families=tpl.ask_families, ask_staff=tpl.ask_staff,
        language=lang, actor=actor, template_key=key, closes_on=closes_on,
    )
    return topic


def question_of_template(home, key, language=None):
    """Return the question a topic made from template *key* would ask, or None when there is no such template."""
    tpl = template(key)
    if tpl is None:
        return None
    lang = language or home.language
    return tpl.question.get(lang, tpl.question["en"])


def open_with_same_question(session, home_id, question, resident=None):
    """Return the topics not yet decided (nor archived) that already ask *question*, for the same people."""
    words = " ".join((question or "").split()).casefold().rstrip("?")
    found = topics(session, home_id)
    return [t for t in found if t.stage in UNDECIDED_STAGES
            and " ".join(t.question.split()).casefold().rstrip("?") == words
            and t.resident_id == getattr(resident, "id", None)]


def overdue(topic, today=None):
    """Return True when *topic* is still open past its closing date."""
    return (topic.closes_on is not None and topic.stage in COLLECTING_STAGES
            and topic.closes_on < (today or date.today()))


def _clean_label(label):
    label = " ".join((label or "").split())
    if not label:
        raise Invalid({"label": "Write the option's words."})
    if len(label) > 200:
        raise Invalid({"label": "That option is too long (200 characters at most)."})
    return label


def add_option(session, topic, label, picture=None, picture_alt=None, spoken_text=None, synonyms=None,
               proposed_by=None, recorded_by=None, status="accepted"):
    """Add an option to a topic, keeping who proposed it (and who wrote it down for them)."""
    label = _clean_label(label)
    if topic.kind == "yesno":
        raise Invalid({"label": "A yes/no topic has no options to add: people answer yes or no."})
    if topic.stage in DECIDED_STAGES:
        raise Invalid({"label": "This topic has been decided; options can no longer change."})
    if any(o.label.casefold() == label.casefold() and o.status != "hidden" for o in topic.options):
        raise Invalid({"label": Message("%(label)s is an option already.", label=label)})
    if picture is None:
        # A picture straight away: the best symbol for the words; staff can change it for a photo.
        best = pictures.best(label, lang=topic.language, food=topic.template == "menu")
        if best is not None:
            # The symbol's own name is English: a topic in Welsh describes it by its own words.
            picture, picture_alt = f"openmoji:{best.id}", best.name.capitalize() if topic.language == "en" else label
    if picture and not picture_alt:
        picture_alt = label
    option = Option(
        label=label, picture=picture or None, picture_alt=(picture_alt or "").strip() or None,
        spoken_text=(spoken_text or "").strip() or None, synonyms=(synonyms or "").strip() or None,
        position=len(topic.options), status=status,
        proposed_by_id=getattr(proposed_by, "id", None), recorded_by_id=getattr(recorded_by, "id", None),
    )
    topic.options.append(option)
    session.flush()
    audit.record(session, recorded_by or proposed_by, "create", option)
    return option


def set_picture(session, option, picture, picture_alt, actor=None):
    """Give an option a picture ("openmoji:<id>" or "photo:<id>") with its alternative text."""
    kind, _, ident = (picture or "").partition(":")
    if kind not in ("openmoji", "photo") or not ident:
        raise Invalid({"picture": "Choose a symbol or upload a photo."})
    if kind == "openmoji" and pictures.symbol(ident) is None:
        raise Invalid({"picture": "That symbol is not in the library."})
    alt = " ".join((picture_alt or "").split())
    if not alt:
        raise Invalid({"picture_alt": "Describe the picture in a few words, for people who cannot see it."})
    old_kind = (option.picture or "").partition(":")[0]
    if option.picture and old_kind != kind:
        # A photo beside a symbol (or the other way round): both are kept, and each resident sees the style
        # their communication needs say. The newest is what everyone else sees.
        option.second_picture, option.second_picture_alt = option.picture, option.picture_alt
        wording.moved_to_second(option)
    else:
        if (option.second_picture or "").startswith(f"{kind}:"):
            option.second_picture = option.second_picture_alt = None
            wording.picture_replaced(option, second=True)
        wording.picture_replaced(option)  # its description in the other language was of the old picture
    option.picture, option.picture_alt = picture, alt
    audit.record(session, actor, "update", option, detail="picture")
    return option


def update_option(session, option, label, picture=None, picture_alt=None, spoken_text=None, synonyms=None,
                  actor=None):
    """Change an option's words, picture and speech."""
    label = _clean_label(label)
    if any(o.id != option.id and o.label.casefold() == label.casefold() for o in option.topic.options):
        raise Invalid({"label": Message("%(label)s is an option already.", label=label)})
    option.label = label
    option.picture = picture or None
    option.picture_alt = (picture_alt or "").strip() or (label if picture else None)
    option.spoken_text = (spoken_text or "").strip() or None
    option.synonyms = (synonyms or "").strip() or None
    audit.record(session, actor, "update", option)
    return option


def propose_idea(session, topic, label, proposer, recorded_by=None):
    """Propose an option while the topic collects ideas.

    Staff may record a resident's idea on their behalf (*recorded_by*). A family member's idea waits for
    staff review before people choose between it.
    """
    if topic.stage != "ideas":
        raise Invalid({"label": "Ideas are collected before choosing starts; this topic is not collecting ideas."})
    if not is_asked(proposer, topic):
        raise Invalid({"proposer": Message("%(name)s is not asked about this topic.", name=proposer.name)})
    status = "pending" if proposer.kind == "family" and recorded_by is None else "accepted"
    words = " ".join((label or "").split()).casefold()
    waiting = [o for o in topic.options if o.status == "pending" and o.label.casefold() == words]
    if status == "pending" and waiting:
        # Not "an option already": nobody can choose it yet, and staff have still to look at it.
        raise Invalid({"label": Message("You have suggested this already; staff will look at it.") if any(
            o.proposed_by_id == proposer.id for o in waiting) else
            Message("Someone has suggested this already; staff will look at it.")})
    return add_option(session, topic, label, proposed_by=proposer, recorded_by=recorded_by, status=status)


def moderate_idea(session, option, accept, actor=None):
    """Moderate an idea: accept it as an option or hide it (a hidden idea can be shown again)."""
    option.status = "accepted" if accept else "hidden"
    audit.record(session, actor, "update", option, detail="accepted" if accept else "hidden")


def show_again(session, option, actor=None):
    """Undo hiding an option (or merging it into another): it is one of the options again."""
    if option.status != "hidden":
        raise Invalid({"option": Message("%(label)s is not hidden.", label=option.label)})
    if any(o.id != option.id and o.status != "hidden" and o.label.casefold() == option.label.casefold()
           for o in option.topic.options):
        raise Invalid({"option": Message("%(label)s is an option already.", label=option.label)})
    if option.topic.stage in DECIDED_STAGES:
        raise Invalid({"option": "This topic has been decided; options can no longer change."})
    option.status, option.merged_into_id = "accepted", None
    audit.record(session, actor, "update", option, detail="shown again")


def merge_option(session, option, into, answers=0, actor=None):
    """Hide *option* as the same idea as *into*, which stands for both from now on (undone by show_again).

    *answers* is how many answers chose *option*: an option people have answered is not merged, so that
    nobody's answer moves to words they did not choose.
    """
    if into.id == option.id or into.topic_id != option.topic_id or into.status == "hidden":
        raise Invalid({"merge": "Choose another of this topic's options."})
    if answers:
        raise Invalid({"merge": Message(
            "%(n)s answers chose %(label)s: it cannot be merged now. Hide it instead, or keep both." if answers != 1
            else "1 answer chose %(label)s: it cannot be merged now. Hide it instead, or keep both.",
            n=answers, label=option.label)})
    if option.topic.stage in DECIDED_STAGES:
        raise Invalid({"merge": "This topic has been decided; options can no longer change."})
    option.status, option.merged_into_id = "hidden", into.id
    audit.record(session, actor, "update", option, detail=f"merged into option {into.id}")


def set_co_owners(session, topic, owners, actor=None):
    """Name the people on the topic's committee: residents, family members and staff."""
    for person in owners:
        if person.home_id != topic.home_id:
            raise Invalid({"co_owners": "Co-owners must belong to this home."})
    topic.co_owners = list(owners)
    audit.record(session, actor, "update", topic, detail="co-owners")


def move_to(session, topic, stage, actor=None):
    """Move a topic to its next stage, checking it is ready."""
    if stage not in STAGES:
        raise Invalid({"stage": Message("There is no stage called %(stage)s.", stage=stage)})
    if stage not in NEXT_STAGES[topic.stage]:
        raise Invalid({"stage": Message("A topic at “%(now)s” cannot move on to “%(next)s”.",
                                        now=Message(STAGE_NAMES[topic.stage]), next=Message(STAGE_NAMES[stage]))})
    if stage == "choosing":
        needed = {"choose": 2, "rate": 1, "yesno": 0}[topic.kind]
        if len(topic.accepted_options) < needed:
            raise Invalid({"stage": Message("Add at least %(n)s options before choosing starts." if needed > 1 else
                                            "Add at least 1 option before choosing starts.", n=needed)})
    if stage == "decided" and topic.outcome is None:
        raise Invalid({"stage": "Write down what was decided first."})
    topic.previous_stage, topic.stage = topic.stage, stage
    topic.stage_changed_at = utcnow()
    audit.record(session, actor, "update", topic, detail=f"stage {stage}")
    return topic


def undo_move(session, topic, actor=None):
    """Move a topic back to the stage it was in before its last move (a decision written down is kept)."""
    if topic.previous_stage is None:
        raise Invalid({"stage": "There is no move to undo."})
    topic.stage, topic.previous_stage = topic.previous_stage, None
    topic.stage_changed_at = utcnow()
    audit.record(session, actor, "update", topic, detail=f"stage {topic.stage} (move undone)")
    return topic


def archive(session, topic, archived=True, actor=None):
    """Put a topic away (it leaves every list and is asked no more; its record stays), or bring it back."""
    topic.archived_at = utcnow() if archived else None
    audit.record(session, actor, "update", topic, detail="archived" if archived else "brought back")
    return topic


def decide(session, topic, decision, reason=None, option=None, actor=None, agreed=(), other=None):
    """Record what was decided and why ("You said, we did"), and mark the topic decided.

    *agreed*: the co-owners who agreed to it when it was proposed (accessible.committee); none when staff decide
    without asking them. *other*: the decision and why in the topic's other language, {"decision": …,
    "reason": …} (blank: not written in it); None leaves its words in that language as they are.
    """
    decision = " ".join((decision or "").split())
    if not decision:
        raise Invalid({"decision": "Write what will happen, in plain words."})
    if topic.stage not in DECIDING_STAGES:
        raise Invalid({"decision": "A topic is decided after people have had their say."})
    if option is not None and option.topic_id != topic.id:
        raise Invalid({"option": "That option belongs to another topic."})
    if topic.outcome is None:
        topic.outcome = Outcome(decision=decision)
    topic.outcome.decision = decision
    topic.outcome.reason = " ".join((reason or "").split()) or None
    topic.outcome.option_id = option.id if option else None
    topic.outcome.decided_by_id = getattr(actor, "id", None)
    topic.outcome.decided_at = utcnow()
    topic.outcome.agreed_by = list(agreed)
    if other is not None:
        wording.translate_decision(topic.outcome, **other)
    if topic.stage == "choosing":
        move_to(session, topic, "decided", actor=actor)
    audit.record(session, actor, "update", topic.outcome)
    return topic.outcome


def asked_people(session, topic):
    """Return the people asked about *topic*, by kind: {"resident": [...], "family": [...], "staff": [...]}."""
    result = {"resident": [], "family": [], "staff": []}
    query = select(Person).where(Person.home_id == topic.home_id, Person.active).order_by(Person.name)
    for person in session.scalars(query):
        if is_asked(person, topic):
            result[person.kind].append(person)
    return result

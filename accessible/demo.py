"""Fill an empty data folder with a realistic demo home: residents, families, staff, topics, answers."""

from sqlalchemy import func, select

from accessible import ideas, people, responses, topics, wording
from accessible.models import Home
from accessible.topic_templates import template

DEMO_USERNAME = "manager"
DEMO_PASSWORD = "tea-and-biscuits"
HOME_NAME = "Tŷ Glas Care Home"

# name, preferred name, room, needs: a dozen residents with the range of needs a home really has.
RESIDENTS = [
    ("Margaret Evans", "Peggy", "1", dict(text_size=24, contrast="high", speech_rate=120, input_modes="touch voice")),
    ("Dafydd Jones", None, "2", dict(language="cy", picture_style="photos", options_per_screen=2,
                                     notes="Welsh is his first language; answers best in Welsh.")),
    ("Eileen O'Neill", None, "3", dict(options_per_screen=2, speech_rate=110, input_modes="touch",
                                       notes="Dementia: one question at a time, photos help.",
                                       picture_style="photos")),
    ("Harold Price", "Harry", "4", dict(input_modes="switch", options_per_screen=2,
                                        notes="Uses a single switch on his wheelchair tray.")),
    ("Siân Williams", None, "5", dict(language="cy", text_size=20)),
    ("Arthur Thomas", None, "6", dict(text_size=32, contrast="high", input_modes="voice touch",
                                      notes="Registered blind: relies on speech.")),
    ("Joan Davies", None, "7", dict(options_per_screen=3)),
    ("Kenneth Morgan", "Ken", "8", dict(speech_rate=130, input_modes="voice")),
    ("Gwen Roberts", None, "9", dict(options_per_screen=1, picture_style="photos",
                                     notes="Later-stage dementia: one picture at a time, give plenty of time.")),
    ("Frank Hughes", None, "10", dict(text_size=20)),
    ("Betty Lewis", None, "11", dict(contrast="high", text_size=22, review_date="2026-12-01")),
    ("Iolo Rees", None, "12", dict(language="cy", input_modes="touch voice switch")),
]
FAMILY = [
    ("Carys Evans", "daughter", ["Margaret Evans"]),
    ("Rhodri Jones", "son", ["Dafydd Jones"]),
    ("Brian O'Neill", "husband", ["Eileen O'Neill"]),
    ("Susan Price", "daughter", ["Harold Price"]),
    ("Mererid Williams", "niece", ["Siân Williams"]),
    ("Paul Thomas", "son", ["Arthur Thomas"]),
    ("Helen Davies", "daughter", ["Joan Davies", "Frank Hughes"]),
    ("Tom Roberts", "grandson", ["Gwen Roberts"]),
]
STAFF = [
    (DEMO_USERNAME, "Sam Patel", "manager"),
    ("priya", "Priya Shah", "staff"),
    ("gareth", "Gareth Lloyd", "staff"),
]


# The topics written in Welsh too, in plain everyday Welsh: title, question, then each option's label and the
# other words a resident may say for it (in order), then the decision and why where there is one.
WELSH = {
    "menu": ("Bwydlen yr wythnos nesaf", "Beth hoffech chi i ginio dydd Gwener nesaf?",
             [("Pastai bysgod", "pysgod"), ("Pastai'r bugail", "pastai bugail"), ("Cyw iâr rhost", "cyw iâr"),
              ("Cyri llysiau", "cyri")]),
    "activities": ("Rhaglen weithgareddau'r gwanwyn", "Pa weithgareddau hoffech chi eu gwneud y gwanwyn hwn?",
                   [("Garddio", "gardd"), ("Canu", "côr"), ("Pobi", "pobi cacennau"), ("Ymweliadau cŵn", "cŵn")]),
    "visiting": ("Oriau ymweld", "A ddylai ymwelwyr gael croeso ar unrhyw adeg o'r dydd?", [],
                 ("Mae croeso i ymwelwyr ar unrhyw adeg. Rydyn ni'n gofyn iddyn nhw gadw'r lolfa'n dawel ar ôl "
                  "8 y nos.", "Dywedodd y rhan fwyaf o'r preswylwyr a'r teuluoedd ie; gofynnodd Joan am "
                  "nosweithiau tawel.")),
    "pets": ("Anifail anwes i'r cartref", "A ddylen ni gael cath i fyw yn y cartref?", []),
}


def _in_welsh(topic, key):
    """Write the demo topic made from the template *key* in Welsh as well."""
    title, question, options, *decided = WELSH[key]
    wording.translate(topic, "cy", title=title, question=question)
    # The template's Welsh description of each picture, where an option still has the template's picture.
    described = {f"openmoji:{ready.symbol}": ready.alt["cy"] for ready in template(key).options}
    for option, (label, synonyms) in zip(topic.accepted_options, options, strict=True):
        wording.translate(option, "cy", label=label, synonyms=synonyms, picture_alt=described.get(option.picture))
    if decided:
        wording.translate(topic.outcome, "cy", decision=decided[0][0], reason=decided[0][1])


def has_data(session):
    """Return True when the database already holds a home."""
    return bool(session.scalar(select(func.count()).select_from(Home)))


def create_demo(session):
    """Create the demo home in an empty database and return it."""
    home = people.create_home(session, HOME_NAME, "en")
    staff = {u: people.add_staff(session, home, u, DEMO_PASSWORD, name=n, role=r) for u, n, r in STAFF}
    manager, priya, gareth = staff["manager"], staff["priya"], staff["gareth"]
    residents = {}
    for name, preferred, room, needs in RESIDENTS:
        residents[name] = people.add_resident(session, home, name, room=room, preferred_name=preferred,
                                              actor=manager, **needs)
    family = {}
    for name, relation, theirs in FAMILY:
        family[name] = people.add_family(session, home, name, relation=relation,
                                         residents=[residents[r] for r in theirs], actor=manager)
    r = residents

    # Next week's menu: chosen together, some answers in already, by several channels.
    menu = topics.create_from_template(session, home, "menu", actor=manager)
    topics.set_co_owners(session, menu, [r["Margaret Evans"], r["Kenneth Morgan"], family["Helen Davies"], gareth])
    topics.move_to(session, menu, "choosing", actor=manager)
    _in_welsh(menu, "menu")
    fish, shepherds, chicken, curry = menu.accepted_options
    for who, option, channel, helper in [
        ("Margaret Evans", fish, "touch", None), ("Kenneth Morgan", fish, "voice", None),
        ("Joan Davies", shepherds, "touch", None), ("Harold Price", chicken, "switch", None),
        ("Eileen O'Neill", fish, "staff-entry", priya), ("Iolo Rees", fish, "touch", None),
    ]:
        responses.record(session, menu, r[who], channel, option=option, assisted_by=helper)
    responses.record(session, menu, family["Tom Roberts"], "family-web", option=shepherds,
                     on_behalf_of=r["Gwen Roberts"])
    responses.record(session, menu, family["Carys Evans"], "family-web", option=curry)
    responses.record(session, menu, gareth, "touch", option=fish)

    # The spring activity programme: each activity rated on the three-point scale.
    activities = topics.create_from_template(session, home, "activities", actor=manager)
    activities.title = "Spring activity programme"
    _in_welsh(activities, "activities")
    topics.move_to(session, activities, "choosing", actor=manager)
    garden, singing, baking, dogs = activities.accepted_options
    for who, ratings in [("Frank Hughes", ["like", "unsure", "like", "like"]),
                         ("Siân Williams", ["unsure", "like", "like", "dislike"])]:
        for option, value in zip(activities.accepted_options, ratings, strict=True):
            responses.record(session, activities, r[who], "touch", option=option, value=value)
    responses.record(session, activities, family["Paul Thomas"], "family-web", option=singing, value="like")

    # Redecorating the lounge: still collecting ideas from everyone, before anything is put to a vote.
    lounge = topics.create_from_template(session, home, "redecorate", actor=manager)
    topics.move_to(session, lounge, "ideas", actor=manager)
    topics.propose_idea(session, lounge, "Photos of old Swansea on the walls", r["Dafydd Jones"], recorded_by=priya)
    topics.propose_idea(session, lounge, "A quiet corner with a bird feeder by the window", r["Betty Lewis"],
                        recorded_by=gareth)
    topics.propose_idea(session, lounge, "Brighter lights for reading", family["Paul Thomas"])
    for suggestion in ("Plants", "A fish tank"):  # pictures residents can pick on the kiosk as their own idea
        ideas.suggest(session, lounge, suggestion, actor=manager)

    # Visiting hours: decided together, now asking how it is going.
    visiting = topics.create_from_template(session, home, "visiting", actor=manager)
    topics.move_to(session, visiting, "choosing", actor=manager)
    for who, value in [("Margaret Evans", "yes"), ("Arthur Thomas", "yes"), ("Joan Davies", "no"),
                       ("Frank Hughes", "yes")]:
        responses.record(session, visiting, r[who], "touch", value=value)
    responses.record(session, visiting, family["Helen Davies"], "family-web", value="yes")
    responses.record(session, visiting, priya, "staff-entry", value="yes")
    topics.decide(session, visiting, "Visitors are welcome at any time. We ask them to keep the lounge quiet "
                  "after 8pm.", reason="Most residents and families said yes; Joan asked for quiet evenings.",
                  actor=manager)
    _in_welsh(visiting, "visiting")

    # A pet for the home: open now, nobody has answered yet.
    pets = topics.create_from_template(session, home, "pets", actor=manager)
    _in_welsh(pets, "pets")
    topics.move_to(session, pets, "choosing", actor=manager)

    # A care-plan goal review, personal to one resident.
    goal = topics.create_from_template(session, home, "care-goal", resident=r["Kenneth Morgan"], actor=manager)
    topics.move_to(session, goal, "choosing", actor=manager)

    # The senses framework, ready to start.
    topics.create_from_template(session, home, "senses", actor=manager)
    return home

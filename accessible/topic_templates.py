"""Ready-made topics from everyday co-production in care homes, in English and Welsh."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TemplateOption:
    label: dict  # language → label
    symbol: str  # OpenMoji hexcode
    alt: dict  # language → alternative text

    def text(self, lang):
        return self.label.get(lang, self.label["en"]), self.alt.get(lang, self.alt["en"])


@dataclass(frozen=True)
class TopicTemplate:
    key: str
    title: dict
    question: dict
    kind: str
    options: list = field(default_factory=list)
    ask_residents: bool = True
    ask_families: bool = True
    ask_staff: bool = True
    #: A care-plan goal review is personal to one resident.
    personal: bool = False
    start_stage: str = "ideas"


def _o(en, cy, symbol, alt_en=None, alt_cy=None):
    return TemplateOption({"en": en, "cy": cy}, symbol, {"en": alt_en or en, "cy": alt_cy or cy})


TEMPLATES = {
    t.key: t
    for t in [
        TopicTemplate(
            key="menu",
            title={"en": "Next week's menu", "cy": "Bwydlen yr wythnos nesaf"},
            question={
                "en": "What would you like for Friday lunch next week?",
                "cy": "Beth hoffech chi i ginio dydd Gwener nesaf?",
            },
            kind="choose",
            options=[
                _o("Fish pie", "Pastai bysgod", "1F41F", "A fish", "Pysgodyn"),
                _o("Shepherd's pie", "Pastai'r bugail", "1F967", "A pie", "Pastai"),
                _o("Roast chicken", "Cyw iâr rhost", "1F357", "A chicken leg", "Coes cyw iâr"),
                _o("Vegetable curry", "Cyri llysiau", "1F35B", "A bowl of curry and rice", "Powlen o gyri a reis"),
            ],
        ),
        TopicTemplate(
            key="activities",
            title={"en": "Activity programme", "cy": "Rhaglen weithgareddau"},
            question={
                "en": "Which activities would you like to do this season?",
                "cy": "Pa weithgareddau hoffech chi eu gwneud y tymor hwn?",
            },
            kind="rate",
            options=[
                _o("Gardening", "Garddio", "1FAB4", "A potted plant", "Planhigyn mewn pot"),
                _o("Singing", "Canu", "1F3A4", "A microphone", "Meicroffon"),
                _o("Baking", "Pobi", "1F9C1", "A cupcake", "Cacen fach"),
                _o("Dog visits", "Ymweliadau cŵn", "1F415", "A dog", "Ci"),
            ],
        ),
        TopicTemplate(
            key="redecorate",
            title={"en": "Redecorating the lounge", "cy": "Ailaddurno'r lolfa"},
            question={
                "en": "What colour should we paint the lounge?",
                "cy": "Pa liw ddylen ni beintio'r lolfa?",
            },
            kind="choose",
            options=[
                _o("Soft green", "Gwyrdd golau", "1F7E9", "A green square", "Sgwâr gwyrdd"),
                _o("Warm yellow", "Melyn cynnes", "1F7E8", "A yellow square", "Sgwâr melyn"),
                _o("Calm blue", "Glas tawel", "1F7E6", "A blue square", "Sgwâr glas"),
            ],
        ),
        TopicTemplate(
            key="visiting",
            title={"en": "Visiting hours", "cy": "Oriau ymweld"},
            question={
                "en": "Should visitors be welcome at any time of day?",
                "cy": "A ddylai ymwelwyr fod yn croeso ar unrhyw adeg o'r dydd?",
            },
            kind="yesno",
            start_stage="choosing",
        ),
        TopicTemplate(
            key="pets",
            title={"en": "A pet for the home", "cy": "Anifail anwes i'r cartref"},
            question={
                "en": "Should we have a cat living in the home?",
                "cy": "A ddylen ni gael cath yn byw yn y cartref?",
            },
            kind="yesno",
            start_stage="choosing",
        ),
        TopicTemplate(
            key="care-goal",
            title={"en": "My care plan goals", "cy": "Nodau fy nghynllun gofal"},
            question={
                "en": "How are your goals going?",
                "cy": "Sut mae eich nodau'n mynd?",
            },
            kind="rate",
            options=[
                _o("Walking to the garden", "Cerdded i'r ardd", "1F6B6", "A person walking", "Person yn cerdded"),
                _o("Phoning my family", "Ffonio fy nheulu", "1F4DE", "A telephone", "Ffôn"),
            ],
            ask_staff=False,
            personal=True,
            start_stage="choosing",
        ),
        TopicTemplate(
            key="senses",
            title={"en": "Life here: the senses framework", "cy": "Bywyd yma: fframwaith y synhwyrau"},
            question={
                "en": "How do you feel about life here?",
                "cy": "Sut ydych chi'n teimlo am fywyd yma?",
            },
            kind="rate",
            options=[
                _o("I feel safe here", "Rwy'n teimlo'n ddiogel yma", "1F3E0",
                   "A house (security)", "Tŷ (diogelwch)"),
                _o("I can keep doing the things I have always done",
                   "Rwy'n gallu dal ati i wneud y pethau rydw i wastad wedi'u gwneud", "1F501",
                   "Arrows going round (continuity)", "Saethau'n mynd rownd (parhad)"),
                _o("I feel I belong here", "Rwy'n teimlo fy mod i'n perthyn yma", "1F91D",
                   "Shaking hands (belonging)", "Ysgwyd llaw (perthyn)"),
                _o("I have things to do that matter to me", "Mae gen i bethau i'w gwneud sy'n bwysig i mi",
                   "1F3AF", "A target (purpose)", "Targed (pwrpas)"),
                _o("I get things done", "Rwy'n cyflawni pethau", "1F3C6", "A trophy (achievement)",
                   "Tlws (cyflawniad)"),
                _o("I feel I matter", "Rwy'n teimlo fy mod i'n cyfrif", "2B50", "A star (significance)",
                   "Seren (arwyddocâd)"),
            ],
            start_stage="choosing",
        ),
    ]
}


def template(key):
    """Return the template called *key*, or None."""
    return TEMPLATES.get(key)

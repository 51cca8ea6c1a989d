"""Define the data: homes, people, topics, options, responses and what came of them."""

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

LANGUAGES = ("en", "cy")
PERSON_KINDS = ("resident", "family", "staff")
STAFF_ROLES = ("staff", "manager")
TOPIC_KINDS = ("choose", "rate", "yesno")
STAGES = ("draft", "ideas", "choosing", "decided", "reviewed")
CHANNELS = ("touch", "voice", "switch", "paper", "family-web", "staff-entry")
#: A response given while choosing, or afterwards when the topic asks how it is going.
PHASES = ("choosing", "review")
COMMENT_STATES = ("pending", "approved", "hidden")
#: "suggested": an idea staff put forward, with its picture, for residents to pick on the kiosk; picked, it is
#: that resident's idea, waiting for review like any other.
OPTION_STATES = ("pending", "accepted", "hidden", "suggested")
#: What a co-owner says to a decision staff propose: yes, no, or "I want to talk about it".
AGREEMENTS = ("agree", "disagree", "talk")
#: What a resident asked to talk to someone about: an idea for the topic, or the decision proposed.
TALK_ABOUT = ("idea", "decision")
CONTRASTS = ("standard", "high")
PICTURE_STYLES = ("symbols", "photos")
INPUT_MODES = ("touch", "voice", "switch")


def utcnow():
    """Return the current time, aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Store aware UTC datetimes; SQLite would otherwise hand them back naive."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: use accessible.models.utcnow()")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def _one_of(column, values):
    quoted = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({quoted})", name=f"ck_{column}_valid")


class Base(DeclarativeBase):
    pass


family_of = Table(
    "family_of",
    Base.metadata,
    Column("family_id", ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
    Column("resident_id", ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
)

topic_owner = Table(
    "topic_owner",
    Base.metadata,
    Column("topic_id", ForeignKey("topic.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
)

#: The co-owners who agreed to a decision before staff confirmed it.
outcome_agreed = Table(
    "outcome_agreed",
    Base.metadata,
    Column("outcome_id", ForeignKey("outcome.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
)


class Home(Base):
    __tablename__ = "home"
    __table_args__ = (_one_of("language", LANGUAGES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(5), default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Person(Base):
    """A resident, a family member or a member of staff of one home."""

    __tablename__ = "person"
    __table_args__ = (
        _one_of("kind", PERSON_KINDS),
        Index("ix_person_home_kind", "home_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    home_id: Mapped[int] = mapped_column(ForeignKey("home.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    #: What the person likes to be called; family pages show only this.
    preferred_name: Mapped[str | None] = mapped_column(String(100))
    room: Mapped[str | None] = mapped_column(String(50))
    #: For family members: how they are related ("daughter", "friend").
    relation: Mapped[str | None] = mapped_column(String(100))
    username: Mapped[str | None] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(20))
    #: Bumped whenever a password changes or an account is disabled, ending every session.
    session_version: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The language a member of staff or a family member chose for their pages; None: not chosen yet.
    language: Mapped[str | None] = mapped_column(String(5))

    home: Mapped[Home] = relationship()
    needs: Mapped["CommunicationNeeds | None"] = relationship(
        back_populates="resident", uselist=False, cascade="all, delete-orphan"
    )
    residents: Mapped[list["Person"]] = relationship(
        secondary=family_of,
        primaryjoin=lambda: Person.id == family_of.c.family_id,
        secondaryjoin=lambda: Person.id == family_of.c.resident_id,
        back_populates="family",
        order_by=lambda: Person.name,
    )
    family: Mapped[list["Person"]] = relationship(
        secondary=family_of,
        primaryjoin=lambda: Person.id == family_of.c.resident_id,
        secondaryjoin=lambda: Person.id == family_of.c.family_id,
        back_populates="residents",
        order_by=lambda: Person.name,
    )

    @property
    def called(self):
        """Return the name to greet the person by."""
        return self.preferred_name or self.name.split()[0]


class CommunicationNeeds(Base):
    """How one resident takes in and gives information (Accessible Information Standard)."""

    __tablename__ = "communication_needs"
    __table_args__ = (
        _one_of("contrast", CONTRASTS),
        _one_of("picture_style", PICTURE_STYLES),
        CheckConstraint("options_per_screen BETWEEN 1 AND 4", name="ck_options_per_screen"),
        CheckConstraint("text_size BETWEEN 16 AND 40", name="ck_text_size"),
        CheckConstraint("speech_rate BETWEEN 80 AND 300", name="ck_speech_rate"),
        CheckConstraint("scan_seconds BETWEEN 0.5 AND 20", name="ck_scan_seconds"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), unique=True)
    #: Body text size in points on paper; screens scale from the same number.
    text_size: Mapped[int] = mapped_column(Integer, default=18)
    contrast: Mapped[str] = mapped_column(String(10), default="standard")
    picture_style: Mapped[str] = mapped_column(String(10), default="symbols")
    options_per_screen: Mapped[int] = mapped_column(Integer, default=4)
    #: Words per minute.
    speech_rate: Mapped[int] = mapped_column(Integer, default=150)
    #: How long each choice stays lit when scanning with a switch; None: it follows the speech rate.
    scan_seconds: Mapped[float | None] = mapped_column(Float)
    voice: Mapped[str | None] = mapped_column(String(50))
    #: None: the home's language.
    language: Mapped[str | None] = mapped_column(String(5))
    #: Space-separated subset of INPUT_MODES.
    input_modes: Mapped[str] = mapped_column(String(50), default="touch voice")
    notes: Mapped[str | None] = mapped_column(Text)
    review_date: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    resident: Mapped[Person] = relationship(back_populates="needs")

    @property
    def modes(self):
        """Return the input modes as a list."""
        return [m for m in self.input_modes.split() if m in INPUT_MODES]

    def review_due(self, today=None):
        """Return True when the needs are due for their review."""
        return self.review_date is not None and self.review_date <= (today or date.today())


class Topic(Base):
    """One decision made together, from first ideas to how it is going."""

    __tablename__ = "topic"
    __table_args__ = (
        _one_of("kind", TOPIC_KINDS),
        _one_of("stage", STAGES),
        Index("ix_topic_home_stage", "home_id", "stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    home_id: Mapped[int] = mapped_column(ForeignKey("home.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    #: The plain-language question read aloud and printed.
    question: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(10), default="choose")
    stage: Mapped[str] = mapped_column(String(10), default="draft")
    ask_residents: Mapped[bool] = mapped_column(Boolean, default=True)
    ask_families: Mapped[bool] = mapped_column(Boolean, default=True)
    ask_staff: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Set for a topic personal to one resident (a care-plan goal); None: home-wide.
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    template: Mapped[str | None] = mapped_column(String(50))
    #: The language its own words (title, question, options, decision) are written in.
    language: Mapped[str] = mapped_column(String(5), default="en")
    #: The same words in the other language, {"cy": {"title": …, "question": …}}: see accessible.wording.
    translations: Mapped[dict | None] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    stage_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The stage the topic was in before its last move, so staff can undo a move made by mistake.
    previous_stage: Mapped[str | None] = mapped_column(String(10))
    #: When answers should be in by; None: no date set. Past it, the overview asks staff to decide.
    closes_on: Mapped[date | None] = mapped_column(Date)
    #: Set when staff put the topic away: it leaves the lists, its record stays.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    resident: Mapped[Person | None] = relationship(foreign_keys=[resident_id])
    options: Mapped[list["Option"]] = relationship(
        back_populates="topic", order_by=lambda: (Option.position, Option.id), cascade="all, delete-orphan"
    )
    co_owners: Mapped[list[Person]] = relationship(secondary=topic_owner, order_by=lambda: Person.name)
    outcome: Mapped["Outcome | None"] = relationship(
        back_populates="topic", uselist=False, cascade="all, delete-orphan"
    )
    proposal: Mapped["DecisionProposal | None"] = relationship(
        back_populates="topic", uselist=False, cascade="all, delete-orphan"
    )

    @property
    def accepted_options(self):
        """Return the options people choose between (not ideas still waiting for review)."""
        return [o for o in self.options if o.status == "accepted"]

    @property
    def personal(self):
        return self.resident_id is not None


class Option(Base):
    """One thing people can choose, with its picture and who proposed it."""

    __tablename__ = "option"
    __table_args__ = (_one_of("status", OPTION_STATES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    #: "openmoji:<hexcode>" or "photo:<id>"; None until one is chosen.
    picture: Mapped[str | None] = mapped_column(String(100))
    picture_alt: Mapped[str | None] = mapped_column(String(300))
    #: The option in the other style, kept when staff change style: a photo where `picture` is a symbol, or a
    #: symbol where it is a photo. A resident who prefers photos (or symbols) sees that one.
    second_picture: Mapped[str | None] = mapped_column(String(100))
    second_picture_alt: Mapped[str | None] = mapped_column(String(300))
    #: What is read aloud, where it differs from the label.
    spoken_text: Mapped[str | None] = mapped_column(String(300))
    #: Other words a resident may say for it, one per line.
    synonyms: Mapped[str | None] = mapped_column(Text)
    #: Its label, spoken words and other words in the topic's other language: see accessible.wording.
    translations: Mapped[dict | None] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10), default="accepted")
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    #: The member of staff who wrote the idea down for the person who had it.
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    #: An idea hidden because it is the same as another: that other option, which now stands for both.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("option.id", ondelete="SET NULL"))
    #: How a resident's own idea arrived: "kiosk"; None for ideas staff wrote down or families sent.
    channel: Mapped[str | None] = mapped_column(String(12))
    #: A spoken idea's recording, a file in the data folder's idea-recordings/ (for staff only).
    recording: Mapped[str | None] = mapped_column(String(100))
    #: What the speech engine heard in the recording; None: it was not transcribed.
    heard: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    topic: Mapped[Topic] = relationship(back_populates="options")
    proposed_by: Mapped[Person | None] = relationship(foreign_keys=[proposed_by_id])
    recorded_by: Mapped[Person | None] = relationship(foreign_keys=[recorded_by_id])
    merged_into: Mapped["Option | None"] = relationship(remote_side=[id])

    @property
    def synonym_list(self):
        return [s.strip() for s in (self.synonyms or "").splitlines() if s.strip()]

    def picture_for(self, style="symbols"):
        """Return (picture, alt text) in the *style* a resident prefers ("photos" or "symbols"), if it has one."""
        wanted = "photo:" if style == "photos" else "openmoji:"
        if self.second_picture and self.second_picture.startswith(wanted) and not (
                self.picture or "").startswith(wanted):
            return self.second_picture, self.second_picture_alt
        return self.picture, self.picture_alt


class Response(Base):
    """One answer one person gave, by one channel; the latest of a person counts."""

    __tablename__ = "response"
    __table_args__ = (
        _one_of("channel", CHANNELS),
        _one_of("phase", PHASES),
        Index("ix_response_topic_person", "topic_id", "person_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"))
    #: Who gave the answer: the resident, or for a proxy the family member guessing.
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    #: For `choose` the option chosen; for `rate` the option rated.
    option_id: Mapped[int | None] = mapped_column(ForeignKey("option.id", ondelete="CASCADE"))
    #: For `rate` and every review: like / unsure / dislike; for `yesno`: yes / no.
    value: Mapped[str | None] = mapped_column(String(10))
    phase: Mapped[str] = mapped_column(String(10), default="choosing")
    channel: Mapped[str] = mapped_column(String(12))
    #: A family member's guess of what the resident would choose: never the resident's own voice.
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    assisted_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    confidence: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    topic: Mapped[Topic] = relationship()
    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    option: Mapped[Option | None] = relationship()
    on_behalf_of: Mapped[Person | None] = relationship(foreign_keys=[on_behalf_of_id])
    assisted_by: Mapped[Person | None] = relationship(foreign_keys=[assisted_by_id])


class Comment(Base):
    """Free text from family or staff; family comments wait for staff review."""

    __tablename__ = "comment"
    __table_args__ = (_one_of("status", COMMENT_STATES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    topic: Mapped[Topic] = relationship()


class Outcome(Base):
    """You said, we did: what was decided for a topic, and why."""

    __tablename__ = "outcome"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), unique=True)
    option_id: Mapped[int | None] = mapped_column(ForeignKey("option.id", ondelete="SET NULL"))
    decision: Mapped[str] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    #: The decision and why in the topic's other language: see accessible.wording.
    translations: Mapped[dict | None] = mapped_column(JSON)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    topic: Mapped[Topic] = relationship(back_populates="outcome")
    option: Mapped[Option | None] = relationship()
    #: The topic's co-owners who agreed to it when staff proposed it (empty: decided without asking them).
    agreed_by: Mapped[list[Person]] = relationship(secondary=outcome_agreed, order_by=lambda: Person.name)


class DecisionProposal(Base):
    """A decision staff propose to a topic's co-owners, who are asked "Do you agree?" before staff confirm it."""

    __tablename__ = "decision_proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), unique=True)
    option_id: Mapped[int | None] = mapped_column(ForeignKey("option.id", ondelete="SET NULL"))
    decision: Mapped[str] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    #: The proposed decision and why in the topic's other language: see accessible.wording.
    translations: Mapped[dict | None] = mapped_column(JSON)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    topic: Mapped[Topic] = relationship(back_populates="proposal")
    option: Mapped[Option | None] = relationship()
    answers: Mapped[list["ProposalAnswer"]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by=lambda: ProposalAnswer.id
    )


class ProposalAnswer(Base):
    """One co-owner's answer to a proposed decision: agree, disagree or talk (their latest counts)."""

    __tablename__ = "proposal_answer"
    __table_args__ = (
        _one_of("answer", AGREEMENTS),
        UniqueConstraint("proposal_id", "person_id", name="uq_proposal_answer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("decision_proposal.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    answer: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[DecisionProposal] = relationship(back_populates="answers")
    person: Mapped[Person] = relationship()


class TalkRequest(Base):
    """A resident asked on the kiosk to talk to someone about a topic (an idea, or the decision proposed)."""

    __tablename__ = "talk_request"
    __table_args__ = (_one_of("about", TALK_ABOUT),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    about: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When a member of staff noted that they have talked with the person.
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    topic: Mapped[Topic] = relationship()
    person: Mapped[Person] = relationship(foreign_keys=[person_id])


class OutcomeNotice(Base):
    """A resident who took part has been told the outcome (on the kiosk, read aloud)."""

    __tablename__ = "outcome_notice"
    __table_args__ = (UniqueConstraint("outcome_id", "resident_id", name="uq_outcome_notice"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcome.id", ondelete="CASCADE"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    told_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FamilyLink(Base):
    """A capability link printed as a QR code; only the token's hash is kept."""

    __tablename__ = "family_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: With the data folder's card key, gives the token back, so printing again reuses the link; None for a
    #: link shown once on screen, whose token can never be made again.
    token_salt: Mapped[str | None] = mapped_column(String(32))
    #: The hash of the short code printed on cards beside the QR code ("KX7P-M2QD"), for typing in by hand.
    code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Raised when a family member says "I have finished": every session opened with the link before ends.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    family: Mapped[Person] = relationship(foreign_keys=[family_id])
    resident: Mapped[Person] = relationship(foreign_keys=[resident_id])


class PaperPage(Base):
    """A printed answer page: its identity (in its QR code) and where its boxes are."""

    __tablename__ = "paper_page"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), index=True)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    #: {"size_mm": [210, 297], "boxes": [{"x_mm", "y_mm", "w_mm", "h_mm", "topic", "option", "value"}]}
    layout: Mapped[str] = mapped_column(Text)
    printed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: For a blank form: who fills it in, "resident" or "family"; its answers count for an anonymous person.
    audience: Mapped[str | None] = mapped_column(String(10))

    topic: Mapped[Topic] = relationship()
    resident: Mapped[Person | None] = relationship()


class PaperCheck(Base):
    """A question read from paper that staff must check by eye: unclear marks, several marks, a blank form, writing.

    Its table keeps its first name, paper_review (as PaperScanRecord.review_id does): see docs/GLOSSARY.md.
    """

    __tablename__ = "paper_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_page_id: Mapped[int] = mapped_column(ForeignKey("paper_page.id", ondelete="CASCADE"), index=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"))
    #: The option a rated question is about; None for the whole question.
    option_id: Mapped[int | None] = mapped_column(ForeignKey("option.id", ondelete="CASCADE"))
    #: "marks" (a question to settle) or "write-in" (handwriting to type in).
    kind: Mapped[str] = mapped_column(String(10))
    why: Mapped[str] = mapped_column(String(200))
    #: The marks as read: [{"option", "value", "state", "fill"}].
    marks: Mapped[str] = mapped_column(Text)
    #: File name of the crop from the straightened page, in the data folder's scans/.
    crop: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(10), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    paper_page: Mapped[PaperPage] = relationship()


class PaperUpload(Base):
    """A file of scans or photos as staff uploaded it, kept unchanged in the data folder's scans/originals/."""

    __tablename__ = "paper_upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    home_id: Mapped[int] = mapped_column(ForeignKey("home.id", ondelete="CASCADE"), index=True)
    #: The file name it had on the uploader's computer.
    name: Mapped[str] = mapped_column(String(255))
    #: The stored file's name (its SHA-256 and extension): the same file uploaded twice is kept once.
    stored: Mapped[str] = mapped_column(String(80))
    media_type: Mapped[str] = mapped_column(String(40))
    pages: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PaperScan(Base):
    """One reading of one printed page; a newer scan of the same page replaces the older."""

    __tablename__ = "paper_scan"

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_page_id: Mapped[int] = mapped_column(ForeignKey("paper_page.id", ondelete="CASCADE"), index=True)
    #: The upload the page came from, and its page number there (None: read from the command line).
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("paper_upload.id", ondelete="SET NULL"))
    page_number: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(300))
    #: "current", or "replaced" by a newer scan of the same page.
    state: Mapped[str] = mapped_column(String(10), default="current")
    #: Who a blank form's answers count for: an anonymous person made for this one sheet.
    respondent_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    read_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    paper_page: Mapped[PaperPage] = relationship()
    upload: Mapped[PaperUpload | None] = relationship()
    respondent: Mapped[Person | None] = relationship(foreign_keys=[respondent_id])

    @property
    def home_id(self):
        return self.paper_page.topic.home_id


class PaperScanRecord(Base):
    """What one scan put in the database (an answer or a review item), so a newer scan can take it back."""

    __tablename__ = "paper_scan_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("paper_scan.id", ondelete="CASCADE"), index=True)
    response_id: Mapped[int | None] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    review_id: Mapped[int | None] = mapped_column(ForeignKey("paper_review.id", ondelete="CASCADE"))


class AuditEvent(Base):
    """Who read or changed which record, when; append-only, no personal data in `detail`."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    home_id: Mapped[int | None] = mapped_column(ForeignKey("home.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(20))
    record_type: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[int | None] = mapped_column(Integer)
    #: The resident whose record this is, so "who looked at Mum's record" is one query.
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    detail: Mapped[str | None] = mapped_column(String(200))

    actor: Mapped[Person | None] = relationship(foreign_keys=[actor_id])


class ServerSetting(Base):
    """One setting of the server as a whole (e.g. its public address), kept with its data."""

    __tablename__ = "server_setting"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(500))


class SignInFailure(Base):
    """One wrong password, counted against a hashed key (an account, an address), so guessing slows down."""

    __tablename__ = "sign_in_failure"
    __table_args__ = (Index("ix_sign_in_failure_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


__all__ = [
    "AuditEvent",
    "Base",
    "Comment",
    "CommunicationNeeds",
    "DecisionProposal",
    "FamilyLink",
    "Home",
    "Option",
    "Outcome",
    "OutcomeNotice",
    "PaperPage",
    "PaperCheck",
    "PaperScan",
    "PaperScanRecord",
    "PaperUpload",
    "Person",
    "ProposalAnswer",
    "Response",
    "ServerSetting",
    "SignInFailure",
    "TalkRequest",
    "Topic",
    "family_of",
    "outcome_agreed",
    "topic_owner",
]

"""Turn a read page's marks into answers: clear ones are recorded, anything in doubt goes to staff review."""

import json
from dataclasses import dataclass, field

from accessible import responses
from accessible.models import RATINGS, YESNO, Option, PaperPage, Person, Topic


@dataclass
class Outcome:
    recorded: list = field(default_factory=list)
    review: list = field(default_factory=list)
    unanswered: int = 0


def questions(marks):
    """Group a page's marks into the questions they answer, in page order."""
    groups = {}
    for mark in marks:
        per_option = mark.value in RATINGS and mark.option is not None
        key = (mark.topic, mark.option if per_option else None)
        groups.setdefault(key, []).append(mark)
    return list(groups.values())


def judge(question):
    """Return ("answer", mark), ("none", None) or ("review", why) for one question's marks."""
    ticked = [m for m in question if m.state == "ticked"]
    if any(m.state == "uncertain" for m in question):
        return "review", "a mark is too faint or too small to be sure of"
    if len(ticked) > 1:
        return "review", "more than one box is marked"
    if not ticked:
        return "none", None
    return "answer", ticked[0]


def boxes_for(session):
    """Return a lookup from a page code to its boxes (None when the page is unknown)."""

    def lookup(code):
        page = session.query(PaperPage).filter_by(code=code).one_or_none()
        return None if page is None else json.loads(page.layout)["boxes"]

    return lookup


def record(session, reading):
    """Record the clear answers of a read page as the resident's own (channel paper); return what happened."""
    page = session.query(PaperPage).filter_by(code=reading.page).one()
    topic = session.get(Topic, page.topic_id)
    resident = session.get(Person, page.resident_id) if page.resident_id else None
    outcome = Outcome()
    for question in questions(reading.marks):
        verdict, detail = judge(question)
        if verdict == "none":
            outcome.unanswered += 1
            continue
        if verdict == "review" or resident is None or responses.phase_of(topic) is None:
            why = detail if verdict == "review" else (
                "a blank form: staff say who filled it in" if resident is None else "the topic is not asking now")
            outcome.review.append({"question": [m.as_dict() for m in question], "why": why})
            continue
        option = session.get(Option, detail.option) if detail.option is not None else None
        value = detail.value if detail.value in (*RATINGS, *YESNO) else None
        confidence = min(1.0, detail.fill / 0.3)
        responses.record(session, topic, resident, "paper", option=option, value=value, confidence=confidence)
        outcome.recorded.append(detail.as_dict())
    return outcome

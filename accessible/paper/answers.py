"""Turn a read page's marks into answers: clear ones are recorded, anything in doubt goes to staff review."""

import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from accessible import audit, comments, responses, topics
from accessible.errors import Invalid
from accessible.models import RATINGS, YESNO, Option, PaperPage, PaperReview, Person, Topic
from accessible.paper import read


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


def _crop(reading, data_dir, top, bottom):
    """Save the straightened page between two heights (mm) as a PNG for the review queue; return its name."""
    if data_dir is None or reading.image is None:
        return None
    folder = Path(data_dir) / "scans"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(12)}.png"
    box = {"x_mm": 12, "y_mm": max(0, top), "w_mm": 186, "h_mm": min(297, bottom) - max(0, top)}
    (folder / name).write_bytes(read.write_in_crop(reading, box))
    return name


def crop_path(data_dir, name):
    """Return the file of a review crop; raise KeyError for a name that is not one."""
    if not name or not all(c in "0123456789abcdef" for c in name.removesuffix(".png")) or len(name) != 28:
        raise KeyError(name)
    return Path(data_dir) / "scans" / name


def record(session, reading, data_dir=None):
    """Record the clear answers of a read page as the resident's own (channel paper); queue the rest for review."""
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
            boxes = {(b["option"], b["value"]): b for b in json.loads(page.layout)["boxes"]}
            tops = [boxes[(m.option, m.value)]["y_mm"] for m in question if (m.option, m.value) in boxes]
            session.add(PaperReview(
                paper_page_id=page.id, topic_id=topic.id, kind="marks", why=why,
                option_id=question[0].option if question[0].value in RATINGS and question[0].option else None,
                marks=json.dumps([m.as_dict() for m in question]),
                crop=_crop(reading, data_dir, min(tops) - 32, max(tops) + 28) if tops else None))
            continue
        option = session.get(Option, detail.option) if detail.option is not None else None
        value = detail.value if detail.value in (*RATINGS, *YESNO) else None
        confidence = min(1.0, detail.fill / 0.3)
        responses.record(session, topic, resident, "paper", option=option, value=value, confidence=confidence)
        outcome.recorded.append(detail.as_dict())
    for box in json.loads(page.layout)["boxes"]:
        if box["value"] == "write-in" and reading.image is not None and read.has_writing(reading, box):
            session.add(PaperReview(paper_page_id=page.id, topic_id=topic.id, kind="write-in",
                                    why="something is written in the space for ideas and comments", marks="[]",
                                    crop=_crop(reading, data_dir, box["y_mm"] - 2, box["y_mm"] + box["h_mm"] + 2)))
            outcome.review.append({"question": [], "why": "write-in"})
    session.flush()
    return outcome


def pending(session, home_id):
    """Return the paper questions waiting for staff, oldest first."""
    query = (select(PaperReview).join(Topic, PaperReview.topic_id == Topic.id)
             .where(Topic.home_id == home_id, PaperReview.state == "pending").order_by(PaperReview.id))
    return session.scalars(query).all()


def resolve(session, item, actor, choice=None, person=None, text=None):
    """Settle a review item: record the answer staff read (or none), or type in what was written."""
    page = item.paper_page
    topic = session.get(Topic, item.topic_id)
    who = person or (session.get(Person, page.resident_id) if page.resident_id else None)
    if item.kind == "write-in":
        text = (text or "").strip()
        if text:
            author = who or actor
            if topic.stage == "ideas":
                topics.propose_idea(session, topic, text, author, recorded_by=actor)
            else:
                comment = comments.add(session, topic, author, text)
                comment.status = "approved"  # staff typed it from the form themselves
    elif choice not in (None, "", "none"):
        if who is None:
            raise Invalid({"person": "Say who filled in this form."})
        option = session.get(Option, int(choice)) if str(choice).isdigit() else (
            session.get(Option, item.option_id) if item.option_id else None)
        value = None if str(choice).isdigit() else choice
        responses.record(session, topic, who, "paper", option=option, value=value)
    item.state = "resolved"
    audit.record(session, actor, "update", item, resident=who if who and who.kind == "resident" else None,
                 detail="paper review")


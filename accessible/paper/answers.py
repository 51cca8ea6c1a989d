"""Turn a read page's marks into answers: clear ones are recorded, anything in doubt goes to staff to check."""

import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import event, select

from accessible import audit, comments, people, responses, topics
from accessible.errors import Invalid
from accessible.i18n import Message
from accessible.models import (
    Option,
    PaperCheck,
    PaperPage,
    PaperScan,
    PaperScanRecord,
    Person,
    Response,
    Topic,
)
from accessible.paper import overlay, read
from accessible.scales import RATINGS, YESNO

#: What an anonymous person made for one blank sheet is called, by who the form is for.
ANONYMOUS = dict(zip(("resident", "family"), people.ANONYMOUS_NAMES, strict=True))


@dataclass
class PageRecord:
    """What recording one read page did: the answers recorded, the questions sent to staff, the blanks."""

    recorded: list = field(default_factory=list)
    to_check: list = field(default_factory=list)
    unanswered: int = 0
    #: How many earlier readings of the same sheet this one replaced.
    replaced: int = 0
    scan: PaperScan | None = None


def questions(marks):
    """Group a page's marks into the questions they answer, in page order."""
    groups = {}
    for mark in marks:
        groups.setdefault(read.question_of(mark), []).append(mark)
    return list(groups.values())


def judge(question):
    """Return ("answer", mark), ("none", None) or ("check", why) for one question's marks."""
    ticked = [m for m in question if m.state == "ticked"]
    if any(m.state == "uncertain" for m in question):
        return "check", "a mark is too faint or too small to be sure of"
    if len(ticked) > 1:
        return "check", "more than one box is marked"
    if not ticked:
        return "none", None
    return "answer", ticked[0]


def boxes_for(session, home_id=None):
    """Return a lookup from a page code to its boxes (None when the page is unknown, or another home's)."""

    def lookup(code):
        page = session.query(PaperPage).filter_by(code=code).one_or_none()
        if page is None or (home_id is not None and page.topic.home_id != home_id):
            return None
        return json.loads(page.layout)["boxes"]

    return lookup


def save_crop(data_dir, png, session=None):
    """Save a crop as a PNG in the data folder's scans/ for staff to check; return its name.

    Given the *session* whose rows will name it, the file is deleted again unless that session commits.
    """
    if data_dir is None or not png:
        return None
    folder = Path(data_dir) / "scans"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(12)}.png"
    (folder / name).write_bytes(png)
    if session is not None:
        _watch(session)
        session.info[_CROPS_MADE].append(folder / name)
    return name


def crop_path(data_dir, name):
    """Return the file of a crop staff check; raise KeyError for a name that is not one."""
    if not name or not all(c in "0123456789abcdef" for c in name.removesuffix(".png")) or len(name) != 28:
        raise KeyError(name)
    return Path(data_dir) / "scans" / name


#: Where a session keeps the crop files to delete once its transaction commits (their rows replaced)...
_CROPS_TO_DELETE = "accessible.paper.crops_to_delete"
#: ... and the crop files it made, to delete if it does not commit (no row names them then).
_CROPS_MADE = "accessible.paper.crops_made"


def _watch(session):
    if _CROPS_TO_DELETE not in session.info:
        session.info[_CROPS_TO_DELETE], session.info[_CROPS_MADE] = [], []
        event.listen(session, "after_commit", _committed)
        event.listen(session, "after_transaction_end", _ended)


def _delete_crops_after_commit(session, paths):
    """Delete these crop files once *session* commits; keep them if it does not (the rows still name them)."""
    _watch(session)
    session.info[_CROPS_TO_DELETE].extend(paths)


def _unlink(paths):
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass  # a crop left over takes some room and does no harm; the record is the database


def _committed(session):
    if session.in_nested_transaction():
        return  # a savepoint released: the outer transaction may still roll back
    session.info[_CROPS_MADE] = []  # committed: the rows that name them are stored
    paths, session.info[_CROPS_TO_DELETE] = session.info[_CROPS_TO_DELETE], []
    _unlink(paths)


def _ended(session, transaction):
    if transaction.parent is None:  # rolled back or closed without a commit: the older crops are still wanted,
        session.info[_CROPS_TO_DELETE] = []  # and the new ones are named by no row
        paths, session.info[_CROPS_MADE] = session.info[_CROPS_MADE], []
        _unlink(paths)


def audience_of(page, topic):
    """Return who a blank form is for ("resident" or "family"), as printed; None for a personalised form."""
    if page.resident_id is not None:
        return None
    return page.audience or ("family" if topic.ask_families and not topic.ask_residents else "resident")


def _respondent(session, page, topic, scan, actor):
    """Return who the answers on this sheet count for: its resident, or the sheet's own anonymous person."""
    if page.resident_id is not None:
        return page.resident
    if topic.personal:
        return None  # a blank form of one resident's own goals: staff say who filled it in
    earlier = session.scalar(select(PaperScan).where(PaperScan.paper_page_id.in_(_pages_of_copy(session, page)),
                                                     PaperScan.respondent_id.is_not(None)).order_by(PaperScan.id))
    if earlier is not None:
        scan.respondent = earlier.respondent
        return earlier.respondent
    kind = audience_of(page, topic)
    # One person per printed copy: each blank form counts once in the tallies, however many pages it has,
    # and a newer scan of a page replaces the older.
    person = Person(home_id=topic.home_id, kind=kind, name=ANONYMOUS[kind], active=False)
    session.add(person)
    session.flush()
    scan.respondent = person
    audit.record(session, actor, "create", person, detail="anonymous, for a blank paper form")
    return person


def _pages_of_copy(session, page):
    """Return the ids of the printed pages of the same copy of a form as *page* (itself included)."""
    sheet = json.loads(page.layout).get("sheet")
    if not sheet:
        return [page.id]  # printed before pages knew their copy: each page on its own
    same = select(PaperPage).where(PaperPage.topic_id == page.topic_id,
                                   PaperPage.resident_id.is_(None) if page.resident_id is None
                                   else PaperPage.resident_id == page.resident_id,
                                   PaperPage.layout.contains(sheet, autoescape=True))
    return [p.id for p in session.scalars(same) if json.loads(p.layout).get("sheet") == sheet] or [page.id]


def _choice_on_another_page(session, page, topic, who):
    """Return the option *who* ticked on another page of the same "choose one" form, as now counted, or None."""
    if topic.kind != "choose" or responses.phase_of(topic) != "choosing":
        return None
    others = [p for p in _pages_of_copy(session, page) if p != page.id]
    if not others:
        return None
    answer = session.scalar(
        select(Response).join(PaperScanRecord, PaperScanRecord.response_id == Response.id)
        .join(PaperScan, PaperScan.id == PaperScanRecord.scan_id)
        .where(PaperScan.paper_page_id.in_(others), PaperScan.state == "current", Response.person_id == who.id,
               Response.topic_id == topic.id, Response.phase == "choosing").order_by(Response.id.desc()))
    return answer.option if answer is not None and answer.option is not None else None


def _replace_older(session, page, scan, actor, data_dir=None):
    """Take back what earlier readings of the same sheet recorded: a newer scan replaces the older.

    The crops of questions still waiting are deleted from *data_dir* once the reading is committed.
    """
    older = session.scalars(select(PaperScan).where(PaperScan.paper_page_id == page.id, PaperScan.id != scan.id,
                                                    PaperScan.state == "current")).all()
    for old in older:
        for item in session.scalars(select(PaperScanRecord).where(PaperScanRecord.scan_id == old.id)).all():
            if item.response_id is not None:
                response = session.get(Response, item.response_id)
                if response is not None:
                    audit.record(session, actor, "delete", response, resident=page.resident_id,
                                 detail="paper answer replaced by a newer scan of the same page")
                    session.delete(response)
        old.state = "replaced"
        audit.record(session, actor, "update", old, resident=page.resident_id,
                     detail=f"replaced by scan {scan.id} of the same page")
    # Questions still waiting from an older reading are about paper that has been read again.
    crops = []
    for item in session.scalars(select(PaperCheck).where(PaperCheck.paper_page_id == page.id,
                                                          PaperCheck.state == "pending")).all():
        item.state = "replaced"
        if data_dir is not None and item.crop:
            try:
                crops.append(crop_path(data_dir, item.crop))
            except KeyError:
                continue  # not the name of a crop: nothing of ours to delete
            item.crop = None
    if crops:
        _delete_crops_after_commit(session, crops)
    session.flush()
    return len(older)


#: What a form was printed for, by the phase its boxes ask in...
PRINTED_FOR = {"choosing": "for choosing", "review": "to ask how it is going"}
#: ... and what the topic does now, by its stage.
STAGE_NOW = {"draft": "a draft again", "ideas": "collecting ideas", "choosing": "choosing", "decided": "decided",
             "reviewed": "asking how it is going"}


def why_not_counted(topic, question, ticked=None):
    """Return why an answer to *question*, as printed, cannot count now, in plain words; None when it can.

    *ticked* is the mark read as the answer, where there is one.
    """
    printed = "review" if question[0].value in RATINGS and question[0].option is None else "choosing"
    if responses.phase_of(topic) != printed:
        return Message("this form was printed %(printed)s, and the topic is now %(now)s",
                       printed=Message(PRINTED_FOR[printed]), now=Message(STAGE_NOW[topic.stage]))
    accepted = {o.id for o in topic.accepted_options}
    if question[0].value in RATINGS and question[0].option is not None and question[0].option not in accepted:
        return Message("the option rated has been removed from the topic")
    if ticked is not None and ticked.option is not None and ticked.option not in accepted:
        return Message("the option ticked has been removed from the topic")
    return None


def _fits(text, length):
    """Return *text* cut to *length* characters at a word, with an ellipsis where it was cut."""
    if len(text) <= length:
        return text
    return text[:length - 1].rsplit(" ", 1)[0] + "…"


def _queue(session, page_record, scan, page, topic, reading, question, boxes, why, data_dir):
    """Put one question of a read page in the checks staff make, with why and the part of the page it is on."""
    page_record.to_check.append({"question": [m.as_dict() for m in question], "why": why})
    tops = [boxes[(m.option, m.value)]["y_mm"] for m in question if (m.option, m.value) in boxes]
    crop = overlay.question_png(reading, question, min(tops) - 32, max(tops) + 28) if tops else None
    rated = question[0].option if question[0].value in RATINGS and question[0].option else None
    item = PaperCheck(
        paper_page_id=page.id, topic_id=topic.id, kind="marks", why=_fits(why, PaperCheck.why.type.length),
        option_id=rated if rated is not None and session.get(Option, rated) is not None else None,
        marks=json.dumps([m.as_dict() for m in question]), crop=save_crop(data_dir, crop, session))
    session.add(item)
    session.flush()
    session.add(PaperScanRecord(scan_id=scan.id, review_id=item.id))


def record(session, reading, data_dir=None, upload=None, page_number=None, actor=None):
    """Record the clear answers of a read page (channel paper); send the rest to staff to check.

    A newer reading of the same page replaces the older: its answers and the questions still waiting.
    """
    page = session.query(PaperPage).filter_by(code=reading.page).one()
    topic = session.get(Topic, page.topic_id)
    scan = PaperScan(paper_page_id=page.id, upload_id=upload.id if upload else None, page_number=page_number,
                     source=(reading.source or "")[:300], read_by_id=getattr(actor, "id", None))
    session.add(scan)
    session.flush()
    page_record = PageRecord(scan=scan)
    # Read from the command line nobody is signed in: the audit log still files the events under the home.
    actor = actor or SimpleNamespace(id=None, home_id=topic.home_id)
    page_record.replaced = _replace_older(session, page, scan, actor, data_dir)
    who = _respondent(session, page, topic, scan, actor)
    if who is not None and not topics.is_asked(who, topic):
        who = None  # e.g. a blank form for families of a topic that now asks residents only
    boxes = {(b["option"], b["value"]): b for b in json.loads(page.layout)["boxes"]}
    for question in questions(reading.marks):
        verdict, detail = judge(question)
        if verdict == "none":
            page_record.unanswered += 1
            continue
        # A form can come back late: printed while choosing and ticked after the topic moved on, or ticked on an
        # option since removed. Staff see it with the reason; nothing on the page is lost.
        gone = why_not_counted(topic, question, detail if verdict == "answer" else None)
        if gone is not None:
            _queue(session, page_record, scan, page, topic, reading, question, boxes, gone, data_dir)
            continue
        ticked_before = _choice_on_another_page(session, page, topic, who) if who is not None else None
        if verdict == "check" or who is None or ticked_before is not None:
            if ticked_before is not None and verdict == "answer":
                verdict, detail = "check", (f"{ticked_before.label} is ticked on another page of this form: click "
                                             f"this page's answer to count it instead, or No clear answer to keep "
                                             f"{ticked_before.label}")
            why = detail if verdict == "check" else "staff say who filled in this form"
            _queue(session, page_record, scan, page, topic, reading, question, boxes, why, data_dir)
            continue
        option = session.get(Option, detail.option) if detail.option is not None else None
        value = detail.value if detail.value in (*RATINGS, *YESNO) else None
        confidence = min(1.0, detail.fill / 0.3)
        try:  # record checks everything before it writes, so a refusal leaves nothing half-made
            response = responses.record(session, topic, who, "paper", option=option, value=value,
                                        confidence=confidence, recorded_by=actor)
        except Invalid as e:  # whatever else keeps it from counting: staff look, and the rest is still read
            _queue(session, page_record, scan, page, topic, reading, question, boxes,
                   f"it could not be recorded as read: {str(e).rstrip('.')}", data_dir)
            continue
        session.add(PaperScanRecord(scan_id=scan.id, response_id=response.id))
        page_record.recorded.append(detail.as_dict())
    for box in boxes.values():
        if box["value"] == "write-in" and reading.image is not None and read.has_writing(reading, box):
            item = PaperCheck(paper_page_id=page.id, topic_id=topic.id, kind="write-in",
                               why="something is written in the space for ideas and comments", marks="[]",
                               crop=save_crop(data_dir, overlay.area_png(reading, box), session))
            session.add(item)
            session.flush()
            session.add(PaperScanRecord(scan_id=scan.id, review_id=item.id))
            page_record.to_check.append({"question": [], "why": "write-in"})
    session.flush()
    return page_record


def pending(session, home_id):
    """Return the paper questions waiting for staff, oldest first."""
    query = (select(PaperCheck).join(Topic, PaperCheck.topic_id == Topic.id)
             .where(Topic.home_id == home_id, PaperCheck.state == "pending").order_by(PaperCheck.id))
    return session.scalars(query).all()


def scan_of(session, item):
    """Return the reading a check came from, or None (items made before readings were kept)."""
    return session.scalar(select(PaperScan).join(PaperScanRecord, PaperScanRecord.scan_id == PaperScan.id)
                          .where(PaperScanRecord.review_id == item.id))


def resolve(session, item, actor, choice=None, person=None, text=None):
    """Settle a check: record the answer staff read (or none), or type in what was written."""
    page = item.paper_page
    topic = session.get(Topic, item.topic_id)
    scan = scan_of(session, item)
    who = person or page.resident or (scan.respondent if scan is not None else None)
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
        if who is None or not topics.is_asked(who, topic):
            raise Invalid({"person": "Say who filled in this form."})
        question = [read.Mark(**m) for m in json.loads(item.marks or "[]")]
        late = why_not_counted(topic, question) if question else None
        if late:  # e.g. a page opened before the topic moved on: what it shows cannot count now
            raise Invalid({"choice": Message("This answer cannot be counted now: %(why)s.", why=late)})
        option = session.get(Option, int(choice)) if str(choice).isdigit() else (
            session.get(Option, item.option_id) if item.option_id else None)
        value = None if str(choice).isdigit() else choice
        response = responses.record(session, topic, who, "paper", option=option, value=value, recorded_by=actor)
        if scan is not None:
            session.add(PaperScanRecord(scan_id=scan.id, response_id=response.id))
    item.state = "resolved"
    audit.record(session, actor, "update", item, resident=who if who and who.kind == "resident" else None,
                 detail="paper review")

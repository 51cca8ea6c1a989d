"""Export and import data: a topic's results (CSV, JSON) and a whole home as one JSON archive."""

import csv
import io
import json
from datetime import date, datetime

from sqlalchemy import Date, select

from accessible.models import (
    AuditEvent,
    Comment,
    CommunicationNeeds,
    FamilyLink,
    Home,
    Option,
    Outcome,
    OutcomeNotice,
    PaperPage,
    PaperReview,
    Person,
    Response,
    Topic,
    UTCDateTime,
    family_of,
    topic_owner,
)
from accessible.responses import group_of, latest

ARCHIVE_FORMAT = "accessible-home/1"
RESULT_FIELDS = ["response", "time", "topic", "phase", "group", "person", "person_kind", "on_behalf_of",
                 "assisted_by", "channel", "option", "option_label", "value", "confidence", "counted"]


def topic_results(session, topic):
    """Return every answer to a topic as rows, marking the ones that count (each person's latest)."""
    counted = {r.id for phase in ("choosing", "review") for r in latest(session, topic, phase)}
    query = select(Response).where(Response.topic_id == topic.id).order_by(Response.created_at, Response.id)
    rows = []
    for r in session.scalars(query):
        rows.append({
            "response": r.id, "time": r.created_at.isoformat(), "topic": topic.id, "phase": r.phase,
            "group": group_of(r), "person": r.person_id, "person_kind": r.person.kind,
            "on_behalf_of": r.on_behalf_of_id, "assisted_by": r.assisted_by_id, "channel": r.channel,
            "option": r.option_id, "option_label": r.option.label if r.option else None, "value": r.value,
            "confidence": r.confidence, "counted": r.id in counted,
        })
    return rows


def results_csv(rows):
    """Return result rows as CSV text (spreadsheet-safe: no cell starts a formula)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=RESULT_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()


def _cell(value):
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value  # a label like "=1+1" must not run as a formula in a spreadsheet
    return value


# The tables of a home in an order that respects foreign keys, and the columns that point at other rows.
_TABLES = [
    (Home, {}),
    (Person, {"home_id": Home}),
    (CommunicationNeeds, {"resident_id": Person}),
    (Topic, {"home_id": Home, "resident_id": Person, "created_by_id": Person}),
    (Option, {"topic_id": Topic, "proposed_by_id": Person, "recorded_by_id": Person}),
    (Response, {"topic_id": Topic, "person_id": Person, "option_id": Option, "on_behalf_of_id": Person,
                "assisted_by_id": Person}),
    (Comment, {"topic_id": Topic, "person_id": Person, "reviewed_by_id": Person}),
    (Outcome, {"topic_id": Topic, "option_id": Option, "decided_by_id": Person}),
    (FamilyLink, {"family_id": Person, "resident_id": Person, "topic_id": Topic}),
    (OutcomeNotice, {"outcome_id": Outcome, "resident_id": Person}),
    (PaperPage, {"topic_id": Topic, "resident_id": Person}),
    (PaperReview, {"paper_page_id": PaperPage, "topic_id": Topic, "option_id": Option}),
    (AuditEvent, {"home_id": Home, "actor_id": Person, "resident_id": Person}),
]
_LINKS = [(family_of, {"family_id": Person, "resident_id": Person}),
          (topic_owner, {"topic_id": Topic, "person_id": Person})]


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _rows_of(session, model, home_id):
    table = model.__table__
    if model is Home:
        query = select(table).where(table.c.id == home_id)
    elif "home_id" in table.c:
        query = select(table).where(table.c.home_id == home_id)
    elif model in (CommunicationNeeds, FamilyLink, OutcomeNotice):
        query = select(table).join(Person, Person.id == table.c.resident_id).where(Person.home_id == home_id)
    else:
        query = select(table).join(Topic, Topic.id == table.c.topic_id).where(Topic.home_id == home_id)
    return [{k: _plain(v) for k, v in row._mapping.items()} for row in session.execute(query.order_by(table.c.id))]


def export_home(session, home_id):
    """Return all of one home's data as a JSON-ready archive, for moving to a new machine."""
    archive = {"format": ARCHIVE_FORMAT, "tables": {}}
    people_ids = set(session.scalars(select(Person.id).where(Person.home_id == home_id)))
    topic_ids = set(session.scalars(select(Topic.id).where(Topic.home_id == home_id)))
    for model, _refs in _TABLES:
        archive["tables"][model.__tablename__] = _rows_of(session, model, home_id)
    for table, refs in _LINKS:
        first = next(iter(refs))
        owned = people_ids if refs[first] is Person else topic_ids
        rows = session.execute(select(table).where(table.c[first].in_(owned)))
        archive["tables"][table.name] = [dict(r._mapping) for r in rows]
    return archive


def import_home(session, archive):
    """Create a new home from an archive made by export_home; return it. Ids are given anew."""
    if archive.get("format") != ARCHIVE_FORMAT:
        raise ValueError(f"This is not a home archive this version can read (expected {ARCHIVE_FORMAT}).")
    new_ids = {model: {} for model, _ in _TABLES}
    for model, refs in _TABLES:
        for row in archive["tables"].get(model.__tablename__, []):
            values = {}
            for key, value in row.items():
                column = model.__table__.c[key]
                if value is not None and key in refs:
                    value = new_ids[refs[key]][value]
                elif isinstance(value, str) and isinstance(column.type, Date):
                    value = date.fromisoformat(value)
                elif isinstance(value, str) and isinstance(column.type, UTCDateTime):
                    value = datetime.fromisoformat(value)
                values[key] = value
            old_id = values.pop("id")
            if model is PaperPage:
                values["layout"] = _remap_boxes(values["layout"], new_ids, "boxes")
            elif model is PaperReview:
                values["marks"] = _remap_boxes(values["marks"], new_ids, None)
            if model is Person and values.get("username"):
                values["username"] = _free_username(session, values["username"])
            obj = model(**values)
            session.add(obj)
            session.flush()
            new_ids[model][old_id] = obj.id
    for table, refs in _LINKS:
        for row in archive["tables"].get(table.name, []):
            session.execute(table.insert().values({k: new_ids[refs[k]][v] for k, v in row.items()}))
    return session.get(Home, new_ids[Home][archive["tables"]["home"][0]["id"]])


def _remap_boxes(text, new_ids, key):
    """Point the topic and option ids inside a page's layout (or a review's marks) at the imported rows."""
    data = json.loads(text)
    boxes = data[key] if key else data
    for box in boxes:
        if box.get("topic") is not None and "topic" in box:
            box["topic"] = new_ids[Topic].get(box["topic"], box["topic"])
        if box.get("option") is not None:
            box["option"] = new_ids[Option].get(box["option"], box["option"])
    return json.dumps(data)


def _free_username(session, username):
    """Keep a username if it is free on this machine, else add a number (usernames are unique per server)."""
    candidate, n = username, 1
    while session.scalar(select(Person.id).where(Person.username == candidate)) is not None:
        n += 1
        candidate = f"{username}{n}"
    return candidate

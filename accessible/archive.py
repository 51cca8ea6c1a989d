"""Export and import data: a topic's results (CSV, JSON) and a whole home as one JSON archive."""

import base64
import csv
import io
import json
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Date, select

from accessible import ideas, pictures
from accessible.models import (
    AuditEvent,
    Comment,
    CommunicationNeeds,
    DecisionProposal,
    FamilyLink,
    Home,
    Option,
    Outcome,
    OutcomeNotice,
    PaperCheck,
    PaperPage,
    PaperScan,
    PaperScanRecord,
    PaperUpload,
    Person,
    ProposalAnswer,
    Response,
    TalkRequest,
    Topic,
    UTCDateTime,
    family_of,
    topic_owner,
)
from accessible.paper import answers, scans
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
    (DecisionProposal, {"topic_id": Topic, "option_id": Option, "proposed_by_id": Person}),
    (ProposalAnswer, {"proposal_id": DecisionProposal, "person_id": Person}),
    (TalkRequest, {"topic_id": Topic, "person_id": Person, "done_by_id": Person}),
    (PaperPage, {"topic_id": Topic, "resident_id": Person}),
    (PaperCheck, {"paper_page_id": PaperPage, "topic_id": Topic, "option_id": Option}),
    (PaperUpload, {"home_id": Home, "uploaded_by_id": Person}),
    (PaperScan, {"paper_page_id": PaperPage, "upload_id": PaperUpload, "respondent_id": Person,
                 "read_by_id": Person}),
    (PaperScanRecord, {"scan_id": PaperScan, "response_id": Response, "review_id": PaperCheck}),
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
    elif model is ProposalAnswer:
        query = (select(table).join(DecisionProposal, DecisionProposal.id == table.c.proposal_id)
                 .join(Topic, Topic.id == DecisionProposal.topic_id).where(Topic.home_id == home_id))
    elif model in (PaperScan, PaperScanRecord):
        query = select(table)
        if model is PaperScanRecord:
            query = query.join(PaperScan, PaperScan.id == table.c.scan_id)
        query = (query.join(PaperPage, PaperPage.id == PaperScan.paper_page_id)
                 .join(Topic, Topic.id == PaperPage.topic_id).where(Topic.home_id == home_id))
    else:
        query = select(table).join(Topic, Topic.id == table.c.topic_id).where(Topic.home_id == home_id)
    return [{k: _plain(v) for k, v in row._mapping.items()} for row in session.execute(query.order_by(table.c.id))]


#: Said in an archive made to keep or read, not to move the home.
SECRETS_LEFT_OUT = ("Staff password hashes and family card-link hashes are left out of this archive: a home imported "
                    "from it needs new passwords (accessible set-password) and new cards.")


def export_home(session, home_id, data_dir=None, for_moving=False):
    """Return all of one home's data as a JSON-ready archive.

    Staff password hashes and family card-link hashes are in it only *for_moving* the home to a new machine
    (where staff sign in and cards work as before); otherwise they are left out and the archive says so.
    With the home's *data_dir*, the archive's "files" hold the kept scans and review crops its rows name
    (base64, by their path in the data folder); without it they are left out. The files are all in memory:
    to write an archive of a home with many scans, use :func:`export_home_text`.
    """
    archive = _archive_of(session, home_id, for_moving)
    if data_dir is not None:
        archive["files"] = {key: base64.b64encode(path.read_bytes()).decode("ascii")
                            for key, path in _files_of(archive["tables"], data_dir) if path.is_file()}
    return archive


#: Bytes of a file read at a time while an archive is written (a multiple of 3, so each piece is whole base64).
CHUNK_BYTES = 3 * 2**20


def export_home_text(session, home_id, data_dir, for_moving=False):
    """Return the same archive as export_home with *data_dir*, as an iterator of pieces of its JSON text.

    The database is read now; each file is read a few MB at a time as the pieces are taken, so a home with
    gigabytes of scans is written (or downloaded) in little memory.
    """
    archive = _archive_of(session, home_id, for_moving)
    files = _files_of(archive["tables"], data_dir)
    head = json.dumps(archive, ensure_ascii=False)

    def pieces():
        yield head[:-1] + ', "files": {'
        separator = ""
        for key, path in files:
            try:
                opened = path.open("rb")
            except FileNotFoundError:
                continue  # gone since the rows were read: left out, as export_home leaves it out
            with opened:
                yield f'{separator}{json.dumps(key)}: "'
                while block := opened.read(CHUNK_BYTES):
                    yield base64.b64encode(block).decode("ascii")
            yield '"'
            separator = ", "
        yield "}}"

    return pieces()


def _archive_of(session, home_id, for_moving):
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
    if not for_moving:
        for table, column in (("person", "password_hash"), ("family_link", "token_hash")):
            for row in archive["tables"][table]:
                row[column] = None
        archive["left_out"] = SECRETS_LEFT_OUT
    return archive


def _photo_ids(tables):
    """Return the ids of the staff photos the home's options show."""
    refs = [row.get(key) for row in tables["option"] for key in ("picture", "second_picture")]
    return sorted({ref.partition(":")[2] for ref in refs if ref and ref.startswith("photo:")})


def _files_of(tables, data_dir):
    """Return the files that a home's rows name (kept scans, review crops, option photos, residents' spoken
    ideas) as [(key, path)]."""
    paths = [_original(data_dir, row["stored"]) for row in tables["paper_upload"]]
    paths += [_recording(data_dir, row["recording"]) for row in tables["option"] if row.get("recording")]
    paths += [_crop(data_dir, row["crop"]) for row in tables["paper_review"] if row["crop"]]
    for photo_id in _photo_ids(tables):
        try:
            found = pictures.photo(data_dir, photo_id)
        except KeyError:
            continue  # gone from the data folder: the option prints and shows its symbol instead
        paths += [found.path.with_name(f"{photo_id}.json"), found.path]
    # A file gone from the data folder is left out; its page shows "not found" as it already did.
    return [(_key(path, data_dir), path) for path in dict.fromkeys(paths) if path is not None and path.is_file()]


def _original(data_dir, stored):
    return scans.originals(data_dir) / stored


def _recording(data_dir, name):
    """Return the file of a spoken idea's recording named *name* (None when that is no recording's name)."""
    return ideas.recording_file(data_dir, name)


def _photo_meta(data_dir, photo_id):
    return Path(data_dir) / "uploads" / "photos" / f"{photo_id}.json"


def _crop(data_dir, name):
    try:
        return answers.crop_path(data_dir, name)
    except KeyError:
        return None  # not the name of a crop


def _key(path, data_dir):
    """Return a file's name in an archive: its path inside the data folder, with forward slashes."""
    return Path(path).relative_to(data_dir).as_posix()


def _record_of(event, new_ids):
    """Return the new id of the record an audit event is about; None if the archive does not hold it (erased)."""
    model = next((m for m in new_ids if m.__name__ == event["record_type"]), None)
    if model is None or event["record_id"] is None:
        return None
    # Rows come in the order of _TABLES, so every record an event names has its new id by now.
    return new_ids[model].get(event["record_id"])


def import_home(session, archive, data_dir=None):
    """Create a new home from an archive made by export_home; return it. Ids are given anew.

    With *data_dir*, the kept scans and review crops in the archive are put in that data folder. An archive
    made before scans were archived imports too, without them.
    """
    if archive.get("format") != ARCHIVE_FORMAT:
        raise ValueError(f"This is not a home archive this version can read (expected {ARCHIVE_FORMAT}).")
    new_ids = {model: {} for model, _ in _TABLES}
    files = archive.get("files", {}) if data_dir is not None else {}
    crops = []
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
            elif model is PaperCheck:
                values["marks"] = _remap_boxes(values["marks"], new_ids, None)
            elif model is AuditEvent:
                values["record_id"] = _record_of(values, new_ids)
            if model is Person and values.get("username"):
                values["username"] = _free_username(session, values["username"])
            obj = model(**values)
            session.add(obj)
            session.flush()
            new_ids[model][old_id] = obj.id
            if model is PaperCheck and files and _crop(data_dir, obj.crop) is not None:
                crops.append((obj, files.get(_key(_crop(data_dir, obj.crop), data_dir))))
    for table, refs in _LINKS:
        for row in archive["tables"].get(table.name, []):
            session.execute(table.insert().values({k: new_ids[refs[k]][v] for k, v in row.items()}))
    # The files last, once every row is in. A file left by an import that fails is unused, never wrong:
    # an original is named by its content, a crop by a new random name.
    for row in archive["tables"].get(PaperUpload.__tablename__, []) if files else []:
        name = _key(_original(data_dir, row["stored"]), data_dir)
        if name in files:
            scans.restore(data_dir, row["stored"], _decoded(files[name], name))
    for row in archive["tables"].get(Option.__tablename__, []) if files else []:
        path = _recording(data_dir, row.get("recording"))
        data = files.get(_key(path, data_dir)) if path is not None else None
        if data is not None:
            ideas.restore_recording(data_dir, row["recording"], _decoded(data, row["recording"]))
    for photo_id in _photo_ids(archive["tables"]) if files else []:
        meta = files.get(_key(_photo_meta(data_dir, photo_id), data_dir))
        described = _decoded(meta, photo_id) if meta else None
        try:
            name = json.loads(described)["file"] if described else None
        except (ValueError, KeyError, TypeError):
            raise ValueError(f"the photo {photo_id} in the archive is damaged") from None
        picture = files.get(_key(_photo_meta(data_dir, photo_id).with_name(str(name)), data_dir)) if name else None
        if picture is not None:
            pictures.restore_photo(data_dir, photo_id, described, _decoded(picture, name))
    for item, data in crops:
        if data is not None:
            png = _decoded(data, item.crop)
            if not png.startswith(b"\x89PNG\r\n\x1a\n"):
                raise ValueError(f"the review crop {item.crop} in the archive is not a picture")
            # A crop's name is only a random key: a new one cannot clash with one already in this data folder.
            item.crop = answers.save_crop(data_dir, png, session)  # gone again if the import fails
    session.flush()
    return session.get(Home, new_ids[Home][archive["tables"]["home"][0]["id"]])


def _decoded(text, name):
    try:
        return base64.b64decode(text, validate=True)
    except (TypeError, ValueError):
        raise ValueError(f"the file {name} in the archive is damaged") from None


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

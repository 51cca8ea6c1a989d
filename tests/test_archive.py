"""Exports: a topic's results as CSV/JSON, a whole home as an archive that imports to the same results."""

import base64
import contextlib
import csv
import io
import json
import os
import re
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlalchemy import select

from accessible import archive, responses, topics
from accessible.db import Database
from accessible.demo import create_demo
from accessible.models import Response
from tests.helpers import PASSWORD, mark, photograph, post, rasterise, sqlite_only, text, upload


def _tallies(s, home_id):
    return {t.title: (responses.tally(s, t, "choosing").as_dict()["groups"], t.stage,
                      t.outcome.decision if t.outcome else None)
            for t in topics.topics(s, home_id)}


@sqlite_only
def test_a_home_archive_imports_on_a_new_machine_with_the_same_results(db, tmp_path):
    with db.write() as s:
        home_id = create_demo(s).id
    with db.read() as s:
        exported = archive.export_home(s, home_id, for_moving=True)
        before = _tallies(s, home_id)
    text = json.dumps(exported)  # it really is JSON
    other = Database.for_data_dir(tmp_path)
    other.upgrade()
    with other.write() as s:
        imported = archive.import_home(s, json.loads(text))
        new_id = imported.id
    with other.read() as s:
        assert _tallies(s, new_id) == before
        assert len(topics.asked_people(s, topics.topics(s, new_id)[0])["resident"]) == 12
    other.dispose()


def test_import_refuses_something_that_is_not_an_archive(db):
    import pytest

    with pytest.raises(ValueError, match="not a home archive"), db.write() as s:
        archive.import_home(s, {"format": "something else"})


def test_topic_results_csv_reproduces_the_tally(db):
    with db.write() as s:
        home_id = create_demo(s).id
    with db.read() as s:
        menu = next(t for t in topics.topics(s, home_id) if t.title == "Next week's menu")
        rows = archive.topic_results(s, menu)
        text = archive.results_csv(rows)
        tally = responses.tally(s, menu)
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert len(parsed) == len(rows) > 0
    counted = Counter((r["group"], r["option_label"]) for r in parsed if r["counted"] == "True")
    for group in tally.groups:
        for label, count in group.rows:
            assert counted[(group.key, label)] == count
    assert {r["channel"] for r in parsed} >= {"touch", "voice", "switch", "family-web", "staff-entry"}


def test_csv_cells_never_start_a_formula():
    text = archive.results_csv([{"response": 1, "option_label": "=HYPERLINK(\"x\")", "group": "family"}])
    assert "'=HYPERLINK" in text


@sqlite_only
def test_printed_pages_still_point_at_their_topic_after_an_import(db, data, tmp_path):
    from accessible import people, printouts
    from accessible.models import PaperPage

    with db.write() as s:
        home = create_demo(s)
        menu = next(t for t in topics.topics(s, home.id) if t.title == "Next week's menu")
        printouts.render(s, menu, "form", data, "http://x")
        exported = archive.export_home(s, home.id, for_moving=True)
    other = Database.for_data_dir(tmp_path)
    other.upgrade()
    with other.write() as s:
        first = people.create_home(s, "A home already here")
        topics.create_topic(s, first, "Theirs", "Their question?", options=["A", "B"])  # so ids shift
        imported = archive.import_home(s, exported)
        new_menu = next(t for t in topics.topics(s, imported.id) if t.title == "Next week's menu")
        page = s.query(PaperPage).filter_by(topic_id=new_menu.id).first()
        boxes = json.loads(page.layout)["boxes"]
        assert {b["topic"] for b in boxes} == {new_menu.id}
        assert {b["option"] for b in boxes if b["option"]} <= {o.id for o in new_menu.options}
    other.dispose()


def test_the_audit_log_still_names_the_right_records_after_an_import(db, tmp_path):
    from accessible import audit, people
    from accessible.models import AuditEvent, Person, Topic

    with db.write() as s:
        home = create_demo(s)
        gwen = people.add_family(s, home, "Gwen Price")
        audit.record(s, None, "read", gwen, detail="test")
        menu = next(t for t in topics.topics(s, home.id) if t.title == "Next week's menu")
        audit.record(s, None, "update", menu, detail="test")
        exported = archive.export_home(s, home.id, for_moving=True)
    other = Database.for_data_dir(tmp_path)
    other.upgrade()
    with other.write() as s:
        first = people.create_home(s, "A home already here")
        for n in range(5):  # so ids shift
            people.add_family(s, first, f"Someone {n}")
            topics.create_topic(s, first, f"Theirs {n}", "Their question?", options=["A", "B"])
        imported = archive.import_home(s, exported)
        events = s.scalars(select(AuditEvent).where(AuditEvent.home_id == imported.id,
                                                    AuditEvent.detail == "test")).all()
        named = {e.record_type: e.record_id for e in events}
        assert s.get(Person, named["Person"]).name == "Gwen Price"
        assert s.get(Person, named["Person"]).home_id == imported.id
        assert s.get(Topic, named["Topic"]).title == "Next week's menu"
        assert s.get(Topic, named["Topic"]).home_id == imported.id
    other.dispose()



def _a_home_with_a_scanned_form(staff_client, db, home, tmp_path):
    """Print Margaret's rating form, fill it in (one clear row, one with two marks), photograph and upload it.

    Return the photo's bytes, the printed page as scanned before anything was written on it, and its tick boxes.
    """
    from accessible import printouts
    from accessible.models import Home, Person

    with db.write() as s:
        topic = topics.create_topic(s, s.get(Home, home["home"]), "Lunch", "What would you like for lunch?",
                                    kind="rate", options=["Fish pie", "Cawl", "Curry"])
        topics.move_to(s, topic, "choosing")
        result = printouts.render(s, topic, "form", None, "http://localhost",
                                  resident=s.get(Person, home["residents"][0]))
    blank = rasterise(result.pdf, tmp_path)[0]
    ticks = [b for b in result.pages[0].boxes if b["value"] != "write-in"]
    sheet = mark(blank.copy(), ticks[0])  # Fish pie: like
    mark(mark(sheet, ticks[3]), ticks[5], "cross")  # Cawl: like and don't like, so staff look
    photo = cv2.imencode(".jpg", photograph(sheet))[1].tobytes()
    upload(staff_client, [("phone photo.jpg", photo)])
    return photo, blank, ticks


@contextlib.contextmanager
def _staff_on(folder):
    """Yield a client signed in as Sam on the app over *folder*, as on the machine the home moved to."""
    from web import create_app

    application = create_app({"DATA_DIR": str(folder), "TESTING": True})
    try:
        client = application.test_client()
        assert post(client, "/login", {"username": "sam", "password": PASSWORD}).status_code == 302
        yield client
    finally:
        application.extensions["db"].dispose()


def _moved(exported, folder):
    """Import an archive, as its JSON text travels, into a fresh data folder; return the database there."""
    other = Database.for_data_dir(folder)
    other.upgrade()
    with other.write() as s:
        archive.import_home(s, json.loads(json.dumps(exported)), folder)
    return other


def _crop_url(html):
    return re.search(r'src="(/staff/paper/crops/[0-9a-f]{24}\.png)"', html).group(1)


@pytest.mark.slow
@sqlite_only
def test_a_scanned_form_moves_with_the_home_and_staff_still_see_its_original_and_crop(staff_client, db, data,
                                                                                       home, tmp_path):
    photo, blank, ticks = _a_home_with_a_scanned_form(staff_client, db, home, tmp_path)
    response = staff_client.get(_crop_url(staff_client.get("/staff/paper").get_data(as_text=True)))
    crop_before = response.data
    response.close()
    # Downloaded as a manager does, piece by piece: the same archive export_home gives.
    download = staff_client.get("/staff/records/home.json?for=moving")
    assert download.is_streamed and download.headers["Cache-Control"] == "no-store"
    exported = json.loads(download.get_data(as_text=True))
    with db.read() as s:
        same = json.loads(json.dumps(archive.export_home(s, home["home"], data, for_moving=True)))
    assert exported["files"] == same["files"]
    assert [t for t in exported["tables"] if exported["tables"][t] != same["tables"][t]] == ["audit_event"]
    assert base64.b64decode(exported["files"][next(k for k in exported["files"] if "originals" in k)]) == photo
    new = tmp_path / "new machine"
    new.mkdir()
    other = _moved(exported, new)
    with _staff_on(new) as client:
        html = client.get("/staff/paper").get_data(as_text=True)
        page = text(client.get("/staff/paper"))
        assert "Why: more than one box is marked" in page and "(page 1 of phone photo.jpg, read " in page
        # The file exactly as it was uploaded, and the page as it was scanned.
        link = re.search(r'href="(/staff/paper/uploads/\d+/pages/1\.png)">The whole page as it was scanned', html)
        original = client.get(link.group(1).replace("/pages/1.png", "/original"))
        assert original.status_code == 200 and original.data == photo
        assert original.headers["Content-Disposition"] == 'attachment; filename="phone photo.jpg"'
        original.close()
        shown = client.get(link.group(1))
        assert cv2.imdecode(np.frombuffer(shown.data, np.uint8), cv2.IMREAD_GRAYSCALE).shape == \
            cv2.imdecode(np.frombuffer(photo, np.uint8), cv2.IMREAD_GRAYSCALE).shape
        # The crop of the question opens, the same picture as before the move.
        crop = client.get(_crop_url(html))
        assert crop.status_code == 200 and crop.mimetype == "image/png" and crop.data == crop_before
        assert cv2.imdecode(np.frombuffer(crop.data, np.uint8), cv2.IMREAD_COLOR).shape[0] > 100
        crop.close()
        # What the scan recorded came too: the same sheet read again replaces it, answer and question alike.
        again = mark(blank.copy(), ticks[1])  # Fish pie: not sure
        page = text(upload(client, [("again.png", cv2.imencode(".png", again)[1].tobytes())]))
        assert "again.png: 1 answer recorded. This page was read before: this reading replaces the earlier " \
               "one, which no longer counts." in page
        assert "Nothing is waiting." in text(client.get("/staff/paper"))
    with other.read() as s:
        assert [(r.option.label, r.value) for r in s.scalars(select(Response))] == [("Fish pie", "unsure")]
    other.dispose()


@sqlite_only
def test_an_archive_made_before_scans_were_archived_still_imports(staff_client, db, data, home, tmp_path):
    _a_home_with_a_scanned_form(staff_client, db, home, tmp_path)
    with db.read() as s:
        exported = archive.export_home(s, home["home"], data, for_moving=True)
    # What export_home wrote before: the same tables but these three, and no files.
    for name in ("paper_upload", "paper_scan", "paper_scan_record"):
        del exported["tables"][name]
    del exported["files"]
    new = tmp_path / "new machine"
    new.mkdir()
    other = _moved(exported, new)
    with _staff_on(new) as client:
        page = text(client.get("/staff/paper"))
        assert "Why: more than one box is marked" in page and "The whole page as it was scanned" not in page
    with other.read() as s:
        assert [(r.option.label, r.value) for r in s.scalars(select(Response))] == [("Fish pie", "like")]
    other.dispose()


@sqlite_only
def test_option_photos_move_with_the_home(staff_client, db, data, home, tmp_path):
    from PIL import Image

    from accessible import pictures
    from accessible.models import Home, Option

    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (200, 40, 160)).save(buffer, format="JPEG")
    with db.write() as s:
        topic = topics.create_topic(s, s.get(Home, home["home"]), "Pets", "Which pet?", options=["Cat", "Dog"])
        saved = pictures.save_photo(str(data), buffer.getvalue(), "tomos.jpg", "Tomos the cat on a cushion")
        cat = s.scalars(select(Option).where(Option.topic_id == topic.id, Option.label == "Cat")).one()
        topics.set_picture(s, cat, f"photo:{saved.id}", saved.alt_text)
        exported = archive.export_home(s, home["home"], data, for_moving=True)
    new = tmp_path / "new machine"
    new.mkdir()
    other = _moved(exported, new)
    with _staff_on(new) as client:
        with other.read() as s:
            moved = s.scalars(select(Option).where(Option.label == "Cat")).one()
            assert moved.picture == f"photo:{saved.id}"
        shown = client.get(f"/pictures/photo/{saved.id}")
        assert shown.status_code == 200 and shown.data == saved.path.read_bytes()
        shown.close()
        assert pictures.photo(new, saved.id).alt_text == "Tomos the cat on a cushion"
    other.dispose()
    damaged = json.loads(json.dumps(exported))
    damaged["files"][f"uploads/photos/{saved.id}.jpg"] = base64.b64encode(b"not a picture").decode()
    (tmp_path / "third").mkdir()
    with pytest.raises(ValueError, match=f"the photo {saved.id} in the archive is damaged"):
        _moved(damaged, tmp_path / "third")


_DOWNLOAD = textwrap.dedent('''
    import hashlib, re, sys
    from web import create_app

    app = create_app({"DATA_DIR": sys.argv[1]})
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True))[1]
    client.post("/login", data={"username": "sam", "password": sys.argv[2], "csrf_token": token})
    response = client.get("/staff/records/home.json", buffered=False)
    digest, size = hashlib.sha256(), 0
    for piece in response.response:
        piece = piece.encode() if isinstance(piece, str) else piece
        digest.update(piece)
        size += len(piece)
    peak = next(int(line.split()[1]) * 1024 for line in open("/proc/self/status") if line.startswith("VmHWM:"))
    print(response.status_code, size, digest.hexdigest(), peak)
''')


@pytest.mark.slow
def test_a_home_with_hundreds_of_megabytes_of_scans_downloads_in_little_memory(db, data, home):
    # Eight kept scans of 40 MB: held in memory as base64 and then as one JSON text, the archive
    # took the server to 1.4 GB; written piece by piece it stays near the server's own size.
    from accessible.models import PaperUpload
    from accessible.paper import scans

    folder = scans.originals(data)
    folder.mkdir(parents=True)
    rng = np.random.default_rng(3)
    block = rng.integers(0, 256, 40 * 2**20, np.uint8).tobytes()
    with db.write() as s:
        for n in range(8):
            name = f"{n:064x}.pdf"
            (folder / name).write_bytes(block)
            s.add(PaperUpload(home_id=home["home"], name=f"batch {n}.pdf", stored=name,
                              media_type="application/pdf", pages=1))
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", _DOWNLOAD, str(data), PASSWORD], capture_output=True, text=True,
                          cwd=root, env={**os.environ, "PYTHONPATH": str(root)}, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    status, size, _digest, peak = done.stdout.split()[-4:]
    assert status == "200" and int(size) > 8 * 40 * 2**20 * 4 // 3
    assert int(peak) < 2**30 // 2, f"the server reached {int(peak) / 2**20:.0f} MB"


@sqlite_only
def test_spoken_ideas_proposals_committee_answers_and_wishes_to_talk_move_with_the_home(tmp_path):
    """export-home then import-home on a new machine: staff still hear a resident's spoken idea, and the
    proposed decision, who agreed and who asked to talk are all still there."""
    from click.testing import CliRunner

    from accessible import committee, ideas
    from accessible.cli import main
    from accessible.demo import DEMO_PASSWORD, DEMO_USERNAME
    from accessible.models import DecisionProposal, Option, Person, ProposalAnswer, TalkRequest, Topic
    from web import create_app

    def run(*args):
        result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result

    old, new = tmp_path / "old", tmp_path / "new"
    run("demo", "--data", old)
    said = subprocess.run(["espeak-ng", "-v", "en-gb", "--stdout", "a bird feeder by the window"], check=True,
                          capture_output=True).stdout
    first = Database.for_data_dir(old)
    with first.write() as s:
        person = {p.name: p for p in s.scalars(select(Person))}
        lounge = s.scalars(select(Topic).where(Topic.stage == "ideas", Topic.title.like("%lounge%"))).one()
        menu = s.scalars(select(Topic).where(Topic.title == "Next week's menu")).one()
        token = ideas.keep_draft(old, said)
        ideas.propose_spoken(s, lounge, person["Kenneth Morgan"], old, token, "a bird feeder by the window")
        ideas.ask_to_talk(s, lounge, person["Harold Price"], "idea", "switch")
        committee.propose(s, menu, "We will serve fish pie on Friday.", actor=person["Sam Patel"])
        committee.answer(s, menu, person["Margaret Evans"], "agree")
        committee.answer(s, menu, person["Kenneth Morgan"], "talk", channel="voice")
    first.dispose()
    run("export-home", tmp_path / "home.json", "--data", old)
    run("import-home", tmp_path / "home.json", "--data", new)

    moved = Database.for_data_dir(new)
    with moved.read() as s:
        idea = s.scalars(select(Option).where(Option.recording.is_not(None))).one()
        assert (idea.label, idea.proposed_by.name, idea.status) == ("a bird feeder by the window", "Kenneth Morgan",
                                                                    "pending")
        idea_id = idea.id
        (proposal,) = s.scalars(select(DecisionProposal)).all()
        assert (proposal.topic.title, proposal.decision) == ("Next week's menu", "We will serve fish pie on Friday.")
        assert {(a.person.name, a.answer, a.channel) for a in s.scalars(select(ProposalAnswer))} == {
            ("Margaret Evans", "agree", "touch"), ("Kenneth Morgan", "talk", "voice")}
        assert ("Harold Price", lounge.title, "idea", "switch") in {
            (t.person.name, t.topic.title, t.about, t.channel) for t in s.scalars(select(TalkRequest))}
    moved.dispose()
    application = create_app({"DATA_DIR": str(new), "TESTING": True})
    client = application.test_client()
    assert post(client, "/login", {"username": DEMO_USERNAME, "password": DEMO_PASSWORD}).status_code == 302
    heard = client.get(f"/staff/ideas/{idea_id}/recording")
    assert heard.status_code == 200 and heard.data == said  # staff hear what Kenneth said, on the new machine
    heard.close()
    queue = text(client.get("/staff/comments"))
    assert "Harold Price" in queue and "a bird feeder by the window" in queue
    application.extensions["db"].dispose()

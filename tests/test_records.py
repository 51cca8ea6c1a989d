"""Records pages: results downloads, the home archive, people's data, erasure and the audit trail."""

import csv
import io
import json

import pytest
from sqlalchemy import select

from accessible import responses, topics
from accessible.models import Home, Person, Response
from tests.helpers import PASSWORD, post, text


@pytest.fixture
def answered(db, home):
    with db.write() as s:
        topic = topics.create_from_template(s, s.get(Home, home["home"]), "menu")
        topics.move_to(s, topic, "choosing")
        margaret, carys = s.get(Person, home["residents"][0]), s.get(Person, home["family"])
        responses.record(s, topic, margaret, "touch", option=topic.options[0])
        responses.record(s, topic, carys, "family-web", option=topic.options[1], on_behalf_of=margaret)
        return topic.id


def test_results_download_as_csv_and_json(staff_client, answered):
    response = staff_client.get(f"/staff/records/topics/{answered}/results.csv")
    assert response.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["group"], r["option_label"], r["channel"]) for r in rows] == [
        ("resident", "Fish pie", "touch"), ("supported", "Shepherd's pie", "family-web")]
    data = staff_client.get(f"/staff/records/topics/{answered}/results.json").get_json()
    assert [d["counted"] for d in data] == [True, True]


def test_records_are_for_managers_only(client, home):
    post(client, "/login", {"username": "priya", "password": PASSWORD})
    for url in ("/staff/records/", "/staff/records/home.json", f"/staff/records/people/{home['family']}.json",
                f"/staff/records/people/{home['family']}.pdf"):
        response = client.get(url)
        assert response.status_code == 403
        assert "This page is for managers" in text(response)


def test_a_person_data_download_and_the_home_archive(staff_client, answered, home):
    data = staff_client.get(f"/staff/records/people/{home['residents'][0]}.json").get_json()
    assert data["person"]["name"] == "Margaret Evans"
    assert {r["answer"] for r in data["responses"]} == {"Fish pie", "Shepherd's pie"}
    archive = json.loads(staff_client.get("/staff/records/home.json").get_data(as_text=True))
    assert len(archive["tables"]["response"]) == 2


def test_erasing_a_family_member_needs_their_name_typed(staff_client, answered, home, db):
    url = f"/staff/records/people/{home['family']}/erase"
    post(staff_client, url, {"confirm_name": "Carys"}, form_url="/staff/records/")
    assert "Nothing was erased" in text(staff_client.get("/staff/records/"))
    with db.read() as s:
        assert s.get(Person, home["family"]) is not None
    post(staff_client, url, {"confirm_name": "Carys Evans"}, form_url="/staff/records/")
    assert "erased for good" in text(staff_client.get("/staff/records/"))
    with db.read() as s:
        assert s.get(Person, home["family"]) is None
        assert [r.channel for r in s.scalars(select(Response))] == ["touch"]


def test_the_audit_trail_shows_who_looked_at_a_residents_record(staff_client, home):
    staff_client.get(f"/staff/residents/{home['residents'][1]}")
    page = text(staff_client.get(f"/staff/records/?resident={home['residents'][1]}"))
    assert "Sam Patel view Person" in page


def test_a_person_data_pdf_a_person_can_read(staff_client, answered, home):
    import pdfplumber

    response = staff_client.get(f"/staff/records/people/{home['residents'][0]}.pdf")
    assert response.mimetype == "application/pdf"
    with pdfplumber.open(io.BytesIO(response.data)) as pdf:
        text_ = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
        smallest = round(min(c["size"] for p in pdf.pages for c in p.chars), 1)
    assert "Everything we hold about Margaret Evans" in text_
    # Table cells wrap, so the words are checked one by one.
    assert "Fish pie" in text_ and "Shepherd's" in text_ and "guess" in text_ and "Carys" in text_
    # In plain words, not the names the computer keeps things under, and in her own 24 pt.
    assert "Screen colours High contrast" in text_ and "Text size (points) 24" in text_
    assert "picture_style" not in text_ and "created_at" not in text_ and "+00:00" not in text_
    assert smallest >= 24
    response = staff_client.get(f"/staff/records/people/{home['residents'][1]}.pdf")  # Dafydd reads Welsh
    with pdfplumber.open(io.BytesIO(response.data)) as pdf:
        welsh = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    assert "Popeth sydd gennym am Dafydd Jones" in welsh and "Iaith Cymraeg" in welsh


def test_erasing_someone_deletes_the_recordings_of_their_erased_ideas_from_disk_at_once(staff_client, answered,
                                                                                        home, db, data):
    """Not at the next idea sent or accepted: the moment the erasure is saved. (Only family members can be
    erased, and the kiosk records residents, so the idea here is given its recording directly.)"""
    import subprocess

    from accessible import ideas
    from accessible.models import Option, Topic

    said = subprocess.run(["espeak-ng", "-v", "en-gb", "--stdout", "a quiz night"], check=True,
                          capture_output=True).stdout
    other_said = subprocess.run(["espeak-ng", "-v", "en-gb", "--stdout", "more walks"], check=True,
                                capture_output=True).stdout
    with db.write() as s:
        topic = s.get(Topic, answered)
        kept = []
        for who, audio in ((home["family"], said), (home["residents"][0], other_said)):
            name = f"{ideas.keep_draft(data, audio)}.wav"
            (data / ideas.RECORDINGS / f"draft-{name}").rename(data / ideas.RECORDINGS / name)
            topic.options.append(Option(label="An idea", status="pending", proposed_by_id=who, channel="kiosk",
                                        recording=name, position=len(topic.options)))
            kept.append(data / ideas.RECORDINGS / name)
    theirs, margarets = kept
    post(staff_client, f"/staff/records/people/{home['family']}/erase", {"confirm_name": "Carys Evans"},
         form_url="/staff/records/")
    assert "Their idea not accepted into a topic was erased too." in text(staff_client.get("/staff/records/"))
    assert not theirs.exists()  # gone from the disk now
    assert margarets.read_bytes() == other_said  # someone else's recording stays

"""Scans kept and read again: the original upload, a newer scan replacing the older, blank forms, bad pages."""

import base64
import io
import json
import re
import threading

import cv2
import numpy as np
import pytest
from PIL import Image
from sqlalchemy import func, select

from accessible import people, printouts, responses, topics
from accessible.models import AuditEvent, Home, PaperCheck, PaperScan, Person, Response, Topic
from accessible.paper import scans
from tests.helpers import PASSWORD, mark, photograph, png, post, rasterise, text, topic_option, upload


def tally_of(db, group):
    with db.read() as s:
        topic = s.scalars(select(Topic)).one()
        found = responses.tally(s, topic).group(group)
        return dict(found.rows), found.people


def test_the_review_crop_shows_each_box_outlined_and_labelled_as_read_and_one_click_settles_it(
        staff_client, form, db, home):
    _, image, boxes = form
    mark(mark(image, boxes[0]), boxes[1], "cross")
    page = text(upload(staff_client, [("page1.png", png(image))]))
    assert "As read: Fish pie: ticked; Cawl: ticked; Curry: empty." in page
    html = staff_client.get("/staff/paper").get_data(as_text=True)
    assert 'alt="This question on the form, each box outlined and labelled as read: Fish pie: ticked; Cawl: ' \
           'ticked; Curry: empty"' in html
    assert "Fish pie (read as ticked)" in text(staff_client.get("/staff/paper"))
    with db.read() as s:
        item = s.scalars(select(PaperCheck)).one()
        crop_url, item_id, fish = f"/staff/paper/crops/{item.crop}", item.id, boxes[0]["option"]
    response = staff_client.get(crop_url)
    crop = cv2.imdecode(np.frombuffer(response.data, np.uint8), cv2.IMREAD_COLOR)
    response.close()
    # The outlines are drawn in colour on the grey page: green for the two ticked boxes, grey for the empty one.
    b, g, r = (crop[..., i].astype(int) for i in range(3))
    green = (g > 90) & (r < 40) & (b < 40)
    assert green.sum() > 2 * 4 * 15 * 8 * 4  # two boxes' outlines, about 5 px wide
    rows = np.nonzero(green.any(axis=1))[0]
    assert rows.max() - rows.min() > 30 * 8  # the two ticked boxes are one row (46 mm) apart
    # One click: the button for the answer staff can see.
    post(staff_client, f"/staff/paper/checks/{item_id}", {"choice": str(fish)}, form_url="/staff/paper")
    assert "Nothing is waiting." in text(staff_client.get("/staff/paper"))
    assert tally_of(db, "resident")[0]["Fish pie"] == 1


@pytest.mark.slow
def test_the_original_upload_is_kept_and_only_signed_in_staff_of_the_home_see_it(staff_client, app, form, db,
                                                                                   home, data):
    _, image, boxes = form
    mark(mark(image, boxes[0]), boxes[2])
    photo = cv2.imencode(".jpg", photograph(image))[1].tobytes()
    upload(staff_client, [("phone photo.jpg", photo)])
    kept = list((data / "scans" / "originals").iterdir())
    assert [p.read_bytes() for p in kept] == [photo]  # unchanged, in the data folder, not under static/
    html = staff_client.get("/staff/paper").get_data(as_text=True)
    link = re.search(r'href="(/staff/paper/uploads/\d+/pages/1\.png)">The whole page as it was scanned', html)
    assert link and "(page 1 of phone photo.jpg, read " in text(staff_client.get("/staff/paper"))
    shown = staff_client.get(link.group(1))
    assert shown.mimetype == "image/png"
    assert cv2.imdecode(np.frombuffer(shown.data, np.uint8), cv2.IMREAD_GRAYSCALE).shape == \
        cv2.imdecode(np.frombuffer(photo, np.uint8), cv2.IMREAD_GRAYSCALE).shape
    download = staff_client.get(link.group(1).replace("/pages/1.png", "/original"))
    assert download.data == photo and "attachment" in download.headers["Content-Disposition"]
    download.close()
    # The manager's home archive, to move the home to a new machine, carries the original too.
    moved = json.loads(staff_client.get("/staff/records/home.json").data)
    assert photo in [base64.b64decode(kept) for kept in moved["files"].values()]
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "view",
                                                                          AuditEvent.record_type == "PaperUpload")) == 2
    # Signed out: sent to sign in. Staff of another home: not found.
    other = app.test_client()
    assert other.get(link.group(1)).status_code == 302
    with db.write() as s:
        elsewhere = people.create_home(s, "Another home")
        people.add_staff(s, elsewhere, "olwen", PASSWORD, name="Olwen Hughes")
    post(other, "/login", {"username": "olwen", "password": PASSWORD})
    assert other.get(link.group(1)).status_code == 404
    assert other.get(link.group(1).replace("/pages/1.png", "/original")).status_code == 404
    assert "Nothing is waiting." in text(other.get("/staff/paper"))


def test_the_same_file_sent_by_several_people_at_once_is_kept_whole_for_each(db, home, data):
    # Two staff scanning the same pile (or a browser sending again) must not write into one another's copy:
    # one shared partial file once lost an upload (FileNotFoundError) or kept another's half-written copy.
    picture = io.BytesIO()
    Image.fromarray(np.random.default_rng(7).integers(0, 255, (2000, 2000, 3), np.uint8)).save(picture, "BMP")
    body = picture.getvalue()  # 12 MB, as a scanner's BMP would be
    kept, failures = [], []

    def send(number):
        try:
            with db.write() as s:
                kept.append(scans.keep(s, home["home"], data, f"pile {number}.bmp", body).stored)
        except Exception as e:  # noqa: BLE001 - what went wrong is the test's finding
            failures.append(repr(e))

    threads = [threading.Thread(target=send, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert len(kept) == 6 and len(set(kept)) == 1
    assert [p.read_bytes() == body for p in (data / "scans" / "originals").iterdir()] == [True]


def test_a_newer_scan_of_the_same_page_replaces_the_older_and_the_audit_log_says_so(staff_client, form, db, home):
    _, image, boxes = form
    first = mark(image.copy(), boxes[0])
    assert "1 answer recorded." in text(upload(staff_client, [("monday.png", png(first))]))
    assert tally_of(db, "resident")[0] == {"Fish pie": 1, "Cawl": 0, "Curry": 0}
    # The same sheet, scanned again after the answer was changed on it: it replaces, it does not add.
    second = mark(mark(image.copy(), boxes[0], "scribble"), boxes[2])
    page = text(upload(staff_client, [("tuesday.png", png(second))]))
    assert "This page was read before: this reading replaces the earlier one, which no longer counts." in page
    assert tally_of(db, "resident") == ({"Fish pie": 0, "Cawl": 0, "Curry": 0}, 0)  # two marks: a person looks
    assert "more than one box is marked" in page
    # And a third scan of the same sheet: the question still waiting from the second is replaced too.
    third = mark(image.copy(), boxes[2])
    upload(staff_client, [("wednesday.png", png(third))])
    assert tally_of(db, "resident") == ({"Fish pie": 0, "Cawl": 0, "Curry": 1}, 1)
    assert "Nothing is waiting." in text(staff_client.get("/staff/paper"))
    with db.read() as s:
        assert [scan.state for scan in s.scalars(select(PaperScan).order_by(PaperScan.id))] == \
            ["replaced", "replaced", "current"]
        events = s.scalars(select(AuditEvent).where(AuditEvent.detail.like("%replaced%"))
                           .order_by(AuditEvent.id)).all()
        assert [(e.action, e.record_type, e.actor_id) for e in events] == [
            ("delete", "Response", home["staff"]), ("update", "PaperScan", home["staff"]),
            ("update", "PaperScan", home["staff"])]
        assert all(e.resident_id == home["residents"][0] for e in events)


def test_the_same_page_twice_in_one_batch_counts_once(staff_client, form, db):
    _, image, boxes = form
    mark(image, boxes[1])
    page = text(upload(staff_client, [("a.png", png(image)), ("b.jpg", cv2.imencode(".jpg", photograph(image))[1]
                                                               .tobytes())]))
    assert "a.png: 1 answer recorded." in page and "b.jpg: 1 answer recorded. This page was read before" in page
    assert tally_of(db, "resident") == ({"Fish pie": 0, "Cawl": 1, "Curry": 0}, 1)


@pytest.mark.slow
@pytest.mark.parametrize("audience, group", [("resident", "resident"), ("family", "family")])
def test_blank_forms_count_once_each_for_an_anonymous_person_as_the_form_says(staff_client, db, home, tmp_path,
                                                                                audience, group):
    with db.write() as s:
        topic = topics.create_topic(s, s.get(Home, home["home"]), "Lunch", "What would you like for lunch?",
                                    options=["Fish pie", "Cawl", "Curry"])
        topics.move_to(s, topic, "choosing")
        topic_id = topic.id
    pdf = post(staff_client, "/staff/paper/blank", {"topic": topic_id, "for": audience, "copies": 3},
               form_url="/staff/paper")
    assert pdf.mimetype == "application/pdf"
    sheets = rasterise(pdf.data, tmp_path)
    assert len(sheets) == 3
    with db.read() as s:
        layouts = [p.boxes for p in printouts.render(s, s.get(Topic, topic_id), "form", None, "http://x").pages]
    boxes = [b for b in layouts[0] if b["value"] == "tick"]  # every sheet has the same boxes in the same places
    mark(sheets[0], boxes[0])
    mark(sheets[1], boxes[0], "cross")
    mark(sheets[2], boxes[2], "filled")
    page = text(upload(staff_client, [(f"sheet{i}.png", png(sheet)) for i, sheet in enumerate(sheets)]))
    assert page.count("1 answer recorded.") == 3
    assert tally_of(db, group) == ({"Fish pie": 2, "Cawl": 0, "Curry": 1}, 3)
    # The first sheet again, in the next pile: still three people, three answers.
    upload(staff_client, [("again.jpg", cv2.imencode(".jpg", photograph(sheets[0]))[1].tobytes())])
    assert tally_of(db, group) == ({"Fish pie": 2, "Cawl": 0, "Curry": 1}, 3)
    with db.read() as s:
        anonymous = s.scalars(select(Person).where(Person.active.is_(False))).all()
        assert {(p.kind, p.name) for p in anonymous} == {(audience, f"Anonymous {audience}".replace(
            "Anonymous family", "Anonymous family member"))}
        assert len(anonymous) == 3
        # Not on the lists of residents and families staff work from.
        assert {p.id for p in people.people(s, home["home"], audience)}.isdisjoint(p.id for p in anonymous)
        assert s.scalar(select(func.count()).select_from(Response)) == 3


def test_a_blank_form_with_two_marks_is_settled_as_the_anonymous_person(staff_client, db, home, tmp_path):
    with db.write() as s:
        topic = topics.create_topic(s, s.get(Home, home["home"]), "Lunch", "What would you like for lunch?",
                                    options=["Fish pie", "Cawl", "Curry"])
        topics.move_to(s, topic, "choosing")
        result = printouts.render(s, topic, "form", None, "http://localhost")
    (sheet,) = rasterise(result.pdf, tmp_path)
    boxes = [b for b in result.pages[0].boxes if b["value"] == "tick"]
    mark(mark(sheet, boxes[0]), boxes[1])
    upload(staff_client, [("blank.png", png(sheet))])
    page = text(staff_client.get("/staff/paper"))
    assert "Lunch – a blank form" in page and "As the form says: anonymous resident" in page
    with db.read() as s:
        item_id = s.scalars(select(PaperCheck.id)).one()
    post(staff_client, f"/staff/paper/checks/{item_id}", {"choice": str(boxes[1]["option"]), "person": ""},
         form_url="/staff/paper")
    assert tally_of(db, "resident") == ({"Fish pie": 0, "Cawl": 1, "Curry": 0}, 1)


def _covered(image, corner):
    """Tear a corner off: the marker there is gone."""
    h, w = image.shape[:2]
    x, y = [(0, 0), (w - 1, 0), (w - 1, h - 1), (0, h - 1)][corner]
    cv2.rectangle(image, (x, y), (abs(x - 380), abs(y - 380)), (255, 255, 255), -1)
    return image


def test_bad_pages_get_a_clear_message_each_and_the_rest_of_the_batch_is_read(staff_client, form, db, home, data):
    _, image, boxes = form
    good = mark(image.copy(), boxes[0])
    tiny = cv2.resize(mark(image.copy(), boxes[1]), None, fx=0.45, fy=0.45, interpolation=cv2.INTER_AREA)
    blurred = cv2.GaussianBlur(mark(image.copy(), boxes[1]), (0, 0), 5)
    torn = _covered(mark(image.copy(), boxes[1]), 2)
    shopping = np.full_like(image, 255)
    cv2.putText(shopping, "Shopping: milk, bread", (100, 300), cv2.FONT_HERSHEY_SIMPLEX, 3, (0, 0, 0), 5)
    page = text(upload(staff_client, [
        ("tiny.png", png(tiny)), ("blurred.png", png(blurred)), ("good.png", png(good)),
        ("shopping.png", png(shopping)), ("torn.png", png(torn)), ("cut.jpg", png(good)[:5000])]))
    assert "tiny.png: The picture is too small to read safely: about 3.5 pixels for each millimetre of paper, " \
           "and at least 6 are needed. Scan at 150 dpi or more, or take the photo closer so the page fills it." in page
    assert "blurred.png: The picture is too blurred to read the boxes safely. Hold the phone still and let it " \
           "focus, or scan the page again." in page
    assert "good.png: 1 answer recorded." in page
    assert "shopping.png: The corner marks could not be found." in page
    assert "cut.jpg: cut.jpg is damaged or cut short." in page
    # A marker torn off: the other three still place the page; the newer reading (torn.png) replaces good.png's.
    assert "torn.png: 1 answer recorded. This page was read before" in page
    assert tally_of(db, "resident") == ({"Fish pie": 0, "Cawl": 1, "Curry": 0}, 1)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(PaperScan)) == 2  # only the pages that were read


def test_a_page_from_another_home_is_not_read_here(app, form, db, home):
    _, image, boxes = form
    mark(image, boxes[0])
    with db.write() as s:
        elsewhere = people.create_home(s, "Another home")
        people.add_staff(s, elsewhere, "olwen", PASSWORD, name="Olwen Hughes")
    other = app.test_client()
    post(other, "/login", {"username": "olwen", "password": PASSWORD})
    page = text(upload(other, [("theirs.png", png(image))]))
    assert re.search(r"theirs\.png: Page \S+ is not known here: it may be a copy of a form printed elsewhere\.", page)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(PaperScan)) == 0
        assert s.scalars(select(Response)).all() == []


def test_upload_page_by_page_for_progress(staff_client, form, db, tmp_path):
    from PIL import Image

    _, image, boxes = form
    pages = [Image.fromarray(cv2.cvtColor(mark(image.copy(), b), cv2.COLOR_BGR2RGB)) for b in boxes[:2]]
    buffer = io.BytesIO()
    pages[0].save(buffer, format="PDF", save_all=True, append_images=pages[1:], resolution=200)
    html = staff_client.get("/staff/paper").get_data(as_text=True)
    assert '<script src="/static/paper_upload.js" defer></script>' in html and "<script>" not in html
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    kept = staff_client.post("/staff/paper/uploads", data={"csrf_token": token,
                                                           "scan": (io.BytesIO(buffer.getvalue()), "pile.pdf")})
    assert kept.json == {"upload": kept.json["upload"], "name": "pile.pdf", "pages": 2}
    url = f"/staff/paper/uploads/{kept.json['upload']}/pages"
    first = staff_client.post(f"{url}/1", data={"csrf_token": token}).json
    second = staff_client.post(f"{url}/2", data={"csrf_token": token}).json
    assert first["message"] == "pile.pdf#page=1: 1 answer recorded."
    assert second["message"] == "pile.pdf#page=2: 1 answer recorded. This page was read before: this reading " \
                                "replaces the earlier one, which no longer counts."
    refused = staff_client.post("/staff/paper/uploads", data={"csrf_token": token,
                                                              "scan": (io.BytesIO(b"hello"), "notes.txt")})
    assert refused.status_code == 400 and refused.json["message"] == \
        "notes.txt: notes.txt is not a photo, a scan or a PDF. Send JPEG, PNG, TIFF or PDF files."
    assert staff_client.post(f"{url}/3", data={"csrf_token": token}).json["error"] == "pile.pdf has no page 3."


def test_a_blank_form_of_one_residents_own_goals_asks_staff_who_filled_it_in(staff_client, db, home, tmp_path):
    with db.write() as s:
        margaret = s.get(Person, home["residents"][0])
        topic = topics.create_topic(s, s.get(Home, home["home"]), "My goals", "What would you like to do more of?",
                                    options=["Walks", "Baking"], resident=margaret)
        topics.move_to(s, topic, "choosing")
        result = printouts.render(s, topic, "form", None, "http://localhost")
    (sheet,) = rasterise(result.pdf, tmp_path)
    mark(sheet, [b for b in result.pages[0].boxes if b["value"] == "tick"][1])
    page = text(upload(staff_client, [("goals.png", png(sheet))]))
    assert "goals.png: 0 answers recorded, 1 for you to look at." in page
    assert "Why: staff say who filled in this form." in text(staff_client.get("/staff/paper"))
    with db.read() as s:
        assert s.scalars(select(Person).where(Person.active.is_(False))).all() == []  # nobody made up
        item_id = s.scalars(select(PaperCheck.id)).one()
        baking = result.pages[0].boxes[1]["option"]
    post(staff_client, f"/staff/paper/checks/{item_id}", {"choice": str(baking), "person": str(home["residents"][0])},
         form_url="/staff/paper")
    with db.read() as s:
        answer = s.scalars(select(Response)).one()
        assert (answer.person_id, answer.option_id, answer.channel) == (home["residents"][0], baking, "paper")


def test_an_idea_written_on_a_blank_family_form_is_typed_in_as_that_anonymous_family_members(staff_client, db,
                                                                                                home, tmp_path):
    from accessible.models import Option

    with db.write() as s:
        topic = topics.create_topic(s, s.get(Home, home["home"]), "Garden", "What should we grow in the garden?",
                                    options=["Tomatoes"])
        topics.move_to(s, topic, "ideas")
        result = printouts.render(s, topic, "form", None, "http://localhost", audience="family")
    (sheet,) = rasterise(result.pdf, tmp_path)
    (space,) = [b for b in result.pages[0].boxes if b["value"] == "write-in"]
    cv2.putText(sheet, "Sweet peas", (int((space["x_mm"] + 5) * 200 / 25.4), int((space["y_mm"] + 20) * 200 / 25.4)),
                cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, 1.6, (40, 40, 40), 3)
    upload(staff_client, [("garden.png", png(sheet))])
    assert "Type what is written (it becomes an idea, attributed to them)" in text(staff_client.get("/staff/paper"))
    with db.read() as s:
        item_id = s.scalars(select(PaperCheck.id)).one()
    post(staff_client, f"/staff/paper/checks/{item_id}", {"text": "Sweet peas", "person": ""}, form_url="/staff/paper")
    with db.read() as s:
        idea = s.scalars(select(Option).where(Option.label == "Sweet peas")).one()
        assert (idea.proposed_by.kind, idea.proposed_by.name, idea.recorded_by_id) == (
            "family", "Anonymous family member", home["staff"])


def test_forms_read_from_the_command_line_are_kept_and_shown_as_uploads_are(staff_client, form, db, data, home,
                                                                             tmp_path):
    from click.testing import CliRunner

    from accessible.cli import main
    from accessible.models import PaperUpload

    _, image, boxes = form
    mark(mark(image, boxes[0]), boxes[1], "cross")  # two marks: staff look, with the whole page a click away
    photo = cv2.imencode(".jpg", photograph(image))[1].tobytes()
    (tmp_path / "IMG_0412.jpg").write_bytes(photo)
    (tmp_path / "notes.txt").write_text("not a scan")
    result = CliRunner().invoke(main, ["paper", "read", str(tmp_path / "IMG_0412.jpg"), str(tmp_path / "notes.txt"),
                                       "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert "IMG_0412.jpg: page " in result.output and ", 0 answers recorded, 1 to check" in result.output
    assert "notes.txt: notes.txt is not a photo, a scan or a PDF. Send JPEG, PNG, TIFF or PDF files." in result.output
    kept = list((data / "scans" / "originals").iterdir())
    assert [p.read_bytes() for p in kept] == [photo]
    html = staff_client.get("/staff/paper").get_data(as_text=True)
    assert "(page 1 of IMG_0412.jpg, read " in text(staff_client.get("/staff/paper"))
    link = re.search(r'href="(/staff/paper/uploads/\d+/pages/1\.png)">The whole page as it was scanned', html)
    download = staff_client.get(link.group(1).replace("/pages/1.png", "/original"))
    assert download.data == photo and download.headers["Content-Disposition"] == "attachment; filename=IMG_0412.jpg"
    download.close()
    with db.read() as s:
        upload = s.scalars(select(PaperUpload)).one()  # the file that was not a scan was not kept
        scan = s.scalars(select(PaperScan)).one()
        assert (upload.home_id, upload.media_type, upload.pages, upload.uploaded_by_id) == (
            home["home"], "image/jpeg", 1, None)
        assert (scan.upload_id, scan.page_number, scan.source, scan.read_by_id) == (upload.id, 1, "IMG_0412.jpg", None)


def test_the_command_line_asks_which_home_where_there_are_several(form, db, data, tmp_path):
    from click.testing import CliRunner

    from accessible.cli import main

    _, image, boxes = form
    cv2.imwrite(str(tmp_path / "scan.png"), mark(image, boxes[2]))
    with db.write() as s:
        elsewhere = people.create_home(s, "Another home").id
    result = CliRunner().invoke(main, ["paper", "read", str(tmp_path / "scan.png"), "--data", str(data)])
    assert result.exit_code == 1 and "more than one home: say which with --home" in result.output
    result = CliRunner().invoke(main, ["paper", "read", str(tmp_path / "scan.png"), "--json", "--home",
                                       str(elsewhere), "--data", str(data)])
    (line,) = [json.loads(out) for out in result.output.splitlines() if out.startswith("{")]
    assert line["source"] == "scan.png" and "is not known here" in line["error"]
    assert result.exit_code == 1 and "No page could be read, so nothing was recorded" in result.output
    with db.read() as s:
        assert s.scalars(select(Response)).all() == []


def test_staff_see_family_members_on_blank_forms_counted_together_and_named_ones_each(staff_client, db, home,
                                                                                       tmp_path):
    with db.write() as s:
        topic = topics.create_topic(s, s.get(Home, home["home"]), "Lunch", "What would you like for lunch?",
                                    options=["Fish pie", "Cawl", "Curry"])
        topics.move_to(s, topic, "choosing")
        responses.record(s, topic, s.get(Person, home["family"]), "family-web", option=topic.options[1])
        result = printouts.render(s, topic, "form", None, "http://localhost", audience="family", copies=3)
    sheets = rasterise(result.pdf, tmp_path)
    for sheet, page in zip(sheets, result.pages, strict=True):
        mark(sheet, next(b for b in page.boxes if b["value"] == "tick"))
    assert text(upload(staff_client, [(f"sheet{i}.png", png(sheet)) for i, sheet in enumerate(sheets)])).count(
        "1 answer recorded.") == 3
    page = text(staff_client.get("/staff/comments"))
    assert "Carys Evans (daughter of Margaret Evans): 1 topic" in page
    assert "3 family members on blank forms" in page
    assert "Anonymous family member" not in page


def test_a_blank_form_of_two_pages_counts_for_one_person(staff_client, db, home, tmp_path):
    with db.write() as s:
        topic = topics.create_topic(s, s.get(Home, home["home"]), "Activities", "How do you like these?",
                                    kind="rate", options=["Bingo", "Singing", "Garden walk", "Films", "Quiz",
                                                          "Baking", "Music", "Crafts"])
        topics.move_to(s, topic, "choosing")
        result = printouts.render(s, topic, "form", None, "http://localhost", audience="resident", copies=2)
    assert len(result.pages) == 4  # eight options: two pages a copy
    sheets = rasterise(result.pdf, tmp_path)
    for sheet, page in zip(sheets, result.pages, strict=True):
        for row_first_box in [b for b in page.boxes if b["value"] == "like"]:
            mark(sheet, row_first_box)
    # The second copy's pages are scanned first, the first copy's last, each page on its own.
    for i in (3, 2, 0, 1):
        assert "answer" in text(upload(staff_client, [(f"page{i}.png", png(sheets[i]))]))
    rows, people_counted = tally_of(db, "resident")
    assert people_counted == 2  # two forms filled in, not four pages
    assert all(counts["like"] == 2 for counts in rows.values())


def _crops(data):
    return sorted(p.name for p in (data / "scans").glob("*.png"))


def test_a_newer_scan_deletes_the_crops_of_the_questions_it_replaces_and_staff_see_the_current_one(
        staff_client, form, db, data):
    _, image, boxes = form
    upload(staff_client, [("monday.png", png(mark(image.copy(), boxes[1], "circle")))])
    (first,) = _crops(data)
    assert f"/staff/paper/crops/{first}" in staff_client.get("/staff/paper").get_data(as_text=True)
    # The same sheet again, another unclear mark on it: the older question and its crop go.
    page = text(upload(staff_client, [("tuesday.png", png(mark(image.copy(), boxes[2], "circle")))]))
    assert "this reading replaces the earlier one" in page and "1 for you to look at" in page
    (second,) = _crops(data)
    with db.read() as s:
        assert s.scalars(select(PaperCheck.crop).where(PaperCheck.state == "pending")).all() == [second]
    html = staff_client.get("/staff/paper").get_data(as_text=True)
    assert f"/staff/paper/crops/{second}" in html and first not in html
    shown = staff_client.get(f"/staff/paper/crops/{second}")
    assert shown.status_code == 200 and shown.mimetype == "image/png"
    shown.close()
    assert staff_client.get(f"/staff/paper/crops/{first}").status_code == 404
    # A crop already gone from the data folder does not stop the next scan of the sheet being read.
    (data / "scans" / second).unlink()
    page = text(upload(staff_client, [("wednesday.png", png(mark(image.copy(), boxes[0], "circle")))]))
    assert "1 for you to look at" in page
    (third,) = _crops(data)
    assert f"/staff/paper/crops/{third}" in staff_client.get("/staff/paper").get_data(as_text=True)


def test_a_reading_that_is_not_committed_leaves_the_older_question_and_its_crop(form, db, data):
    from accessible.paper import answers, read

    _, image, boxes = form
    with db.write() as s:
        answers.record(s, read.read_page(mark(image.copy(), boxes[1], "circle"), answers.boxes_for(s)), data)
    (first,) = _crops(data)
    with pytest.raises(RuntimeError), db.write() as s:
        answers.record(s, read.read_page(mark(image.copy(), boxes[2], "circle"), answers.boxes_for(s)), data)
        raise RuntimeError("the database write fails")
    assert _crops(data) == [first]  # the older question's crop is kept, the unsaved reading's is not left over
    with db.read() as s:
        assert s.scalars(select(PaperCheck.crop).where(PaperCheck.state == "pending")).all() == [first]


@pytest.mark.parametrize("whose", ["Margaret's own", "blank"])
def test_a_choose_one_form_ticked_on_both_of_its_pages_asks_staff_which_counts(staff_client, db, home, tmp_path,
                                                                                whose):
    with db.write() as s:
        topic = topics.create_topic(s, s.get(Home, home["home"]), "Lunch", "What would you like for lunch?",
                                    options=["Fish pie", "Cawl", "Curry", "Omelette", "Salad", "Soup", "Pasta",
                                             "Quiche", "Pizza", "Risotto"])
        topics.move_to(s, topic, "choosing")
        margaret = s.get(Person, home["residents"][0])
        result = printouts.render(s, topic, "form", None, "http://localhost",
                                  resident=margaret if whose != "blank" else None)
    assert len(result.pages) == 2  # ten options: two pages
    sheets = rasterise(result.pdf, tmp_path)
    for sheet, page, option in zip(sheets, result.pages, ("Cawl", "Risotto"), strict=True):
        (box,) = [b for b in page.boxes if b["value"] == "tick" and b["option"] == topic_option(db, option)]
        mark(sheet, box)
    assert "1 answer recorded." in text(upload(staff_client, [("page1.png", png(sheets[0]))]))
    page = text(upload(staff_client, [("page2.png", png(sheets[1]))]))
    assert "0 answers recorded" in page and "1 for you to look at" in page
    assert ("Why: Cawl is ticked on another page of this form: click this page's answer to count it instead, "
            "or No clear answer to keep Cawl.") in text(staff_client.get("/staff/paper"))
    rows, counted = tally_of(db, "resident")
    assert counted == 1 and rows["Cawl"] == 1 and rows["Risotto"] == 0  # one person, one answer so far
    with db.read() as s:
        item_id = s.scalars(select(PaperCheck.id).where(PaperCheck.state == "pending")).one()
    post(staff_client, f"/staff/paper/checks/{item_id}", {"choice": str(topic_option(db, "Risotto"))},
         form_url="/staff/paper")
    rows, counted = tally_of(db, "resident")
    assert counted == 1 and rows["Cawl"] == 0 and rows["Risotto"] == 1  # the page staff chose counts instead


def test_the_audit_trail_names_the_staff_member_who_read_a_form_in(staff_client, form, db, home):
    _, image, boxes = form
    assert "1 answer recorded." in text(upload(staff_client, [("page1.png", png(mark(image, boxes[0])))]))
    with db.read() as s:
        (event,) = s.scalars(select(AuditEvent).where(AuditEvent.record_type == "Response")).all()
        assert (event.actor_id, event.resident_id, event.detail) == (home["staff"], home["residents"][0], "paper")

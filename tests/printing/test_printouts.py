"""Printouts from the database: the server answers every QR code printed on cards and forms."""

import json
import re

import pytest
from sqlalchemy import select

from accessible import printouts, topics
from accessible.models import PaperPage, Person, Topic
from tests.helpers import post, qr_texts, raster, text


@pytest.mark.slow
def test_card_qr_codes_open_the_family_page_on_the_server(db, data, menu, client, tmp_path):
    with db.write() as s:
        result = printouts.render(s, s.get(Topic, menu), "cards", data, "http://localhost")
    codes = {t for page in raster(result.pdf, tmp_path) for t in qr_texts(page)}
    # Margaret has one family member (Carys): her cards carry Carys's link; the others have none to carry.
    assert len(codes) == 1
    path = re.sub(r"^http://localhost", "", codes.pop())
    response = client.get(path)
    assert response.status_code == 303 and response.headers["Location"] == "/family/"
    assert "Hello Carys" in client.get("/family/").get_data(as_text=True)


@pytest.mark.slow
def test_new_cards_can_replace_the_old_ones_whose_codes_then_stop_working(app, staff_client, menu, tmp_path):
    from tests.helpers import make_cards

    def card_code(response, folder):
        assert response.mimetype == "application/pdf"
        (code,) = {t for page in raster(response.data, tmp_path / folder, dpi=100) for t in qr_texts(page)}
        return code.replace("http://localhost", "")

    def opens(path):
        return app.test_client().get(path).status_code == 303  # a family member's phone, no session

    first = card_code(make_cards(staff_client, menu), "first")
    again = card_code(make_cards(staff_client, menu), "again")
    assert opens(first) and opens(again)  # a second printing alone keeps the first cards working
    page = text(staff_client.get(f"/staff/topics/{menu}"))
    assert "Print new cards instead of the old ones (the old cards' codes stop working)" in page
    new = card_code(make_cards(staff_client, menu, {"replace": "1"}, form_url=f"/staff/topics/{menu}/new-cards"),
                    "new")
    assert opens(new)
    assert not opens(first) and not opens(again)
    assert "This link does not work" in app.test_client().get(first).get_data(as_text=True)


def test_form_qr_codes_resolve_to_their_page_for_staff(db, data, menu, staff_client, tmp_path, home):
    with db.write() as s:
        resident = s.get(Person, home["residents"][0])
        result = printouts.render(s, s.get(Topic, menu), "form", data, "http://localhost", resident=resident)
    pages = raster(result.pdf, tmp_path)
    with db.read() as s:
        stored = s.scalars(select(PaperPage).order_by(PaperPage.id)).all()
        assert [p.code for p in stored] == [p.page_id for p in result.pages]
        assert all(p.resident_id == home["residents"][0] for p in stored)
    for image, page in zip(pages, result.pages, strict=True):
        (text,) = qr_texts(image)
        response = staff_client.get(text.replace("http://localhost", ""))
        assert response.headers["Location"] == f"/staff/topics/{menu}"
        assert f"Printed answer page {page.page_id} for Margaret Evans" in \
            staff_client.get(response.headers["Location"]).get_data(as_text=True)


def _row_counts(db):
    """Return how many rows every table holds."""
    from sqlalchemy import func

    from accessible.models import Base

    with db.read() as s:
        return {t.name: s.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


def test_staff_download_printouts_from_the_topic_page(staff_client, menu, db):
    from accessible.models import FamilyLink
    from tests.helpers import make_cards, text

    before = _row_counts(db)
    response = staff_client.get(f"/staff/topics/{menu}/print/menu.pdf")
    assert response.mimetype == "application/pdf" and response.data[:5] == b"%PDF-"
    # A form's link (an old bookmark) shows the button that prints it; nothing is written until it is pressed.
    page = text(staff_client.get(f"/staff/topics/{menu}/print/form.pdf"))
    assert "Blank forms for residents: 1." in page and "Print the form (PDF)" in page
    assert _row_counts(db) == before
    # Cards make family links, so a GET (an old bookmark) makes nothing and says which button makes them.
    response = staff_client.get(f"/staff/topics/{menu}/print/cards.pdf")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/staff/topics/{menu}#print-h")
    assert "Press “Make the picture cards”" in text(staff_client.get(response.headers["Location"]))
    with db.read() as s:
        assert s.scalars(select(FamilyLink)).all() == []
    response = make_cards(staff_client, menu)
    assert response.mimetype == "application/pdf" and response.data[:5] == b"%PDF-"
    response = staff_client.get(f"/staff/topics/{menu}/print/poster.pdf")
    assert response.status_code == 302  # not decided yet: back to the topic with the reason
    assert "record the decision first" in staff_client.get(response.headers["Location"]).get_data(as_text=True)



@pytest.mark.slow
def test_a_form_is_printed_by_its_button_a_get_makes_nothing_and_its_pages_read_back(staff_client, menu, db, home,
                                                                                     tmp_path):
    from accessible.models import Response
    from tests.helpers import mark, png, rasterise, upload

    margaret = home["residents"][0]
    link = f"/staff/topics/{menu}/print/form.pdf?resident={margaret}"
    before = _row_counts(db)
    page = text(staff_client.get(link))  # opened twice, as a bookmark would be: still nothing made
    assert "A form for Margaret Evans, in their text size." in page and "Print the form (PDF)" in page
    assert "Print the form (PDF)" in text(staff_client.get(link))
    blank = staff_client.get(f"/staff/paper/blank?topic={menu}&for=family&copies=3", follow_redirects=True)
    assert "Blank forms for relatives or friends of residents: 3." in text(blank)
    assert _row_counts(db) == before and before["paper_page"] == 0
    response = post(staff_client, f"/staff/topics/{menu}/print/form.pdf", {"resident": margaret}, form_url=link)
    assert response.mimetype == "application/pdf"
    with db.read() as s:
        stored = s.scalars(select(PaperPage)).all()
        assert stored and {p.resident_id for p in stored} == {margaret}
        boxes = [b for p in stored for b in json.loads(p.layout)["boxes"] if b["value"] == "tick"]
    # The printed page, ticked for the first option and scanned, is read back as Margaret's own answer.
    (sheet, *_rest) = rasterise(response.data, tmp_path)
    assert "1 answer recorded." in text(upload(staff_client, [("margaret.png", png(mark(sheet, boxes[0])))]))
    with db.read() as s:
        (answer,) = s.scalars(select(Response)).all()
        assert (answer.person_id, answer.option_id, answer.channel) == (margaret, boxes[0]["option"], "paper")


def test_the_page_with_a_forms_button_is_in_welsh(staff_client, menu, home):
    response = post(staff_client, "/language", {"lang": "cy", "back": "/staff/"}, form_url="/staff/")
    assert response.status_code == 303
    page = text(staff_client.get(f"/staff/topics/{menu}/print/form.pdf?each=1"))
    assert "Un ffurflen i bob preswylydd a holwyd, pob un ym maint ei destun ei hun." in page
    assert "Argraffu'r ffurflen (PDF)" in page and "Print the form" not in page

@pytest.mark.slow
def test_print_command_makes_one_form_per_resident(tmp_path):
    from click.testing import CliRunner

    from accessible.cli import main

    CliRunner().invoke(main, ["demo", "--data", str(tmp_path)])
    result = CliRunner().invoke(main, ["print", "form", "1", "--each-resident", "-o", str(tmp_path / "f.pdf"),
                                       "--data", str(tmp_path)])
    assert result.exit_code == 0, result.output
    # 12 residents, a form each: one page for the four options, two for a resident whose needs say bigger print.
    assert 12 <= int(re.search(r"\((\d+) answer pages\)", result.output)[1]) <= 24
    result = CliRunner().invoke(main, ["print", "poster", "1", "-o", str(tmp_path / "p.pdf"), "--data", str(tmp_path)])
    assert result.exit_code == 1 and "record the decision first" in result.output


def test_print_command_makes_blank_forms_for_families_that_say_so_on_the_sheet(tmp_path):
    import io

    import pdfplumber
    from click.testing import CliRunner

    from accessible.cli import main
    from accessible.db import Database

    CliRunner().invoke(main, ["demo", "--data", str(tmp_path)])
    out = tmp_path / "family.pdf"
    result = CliRunner().invoke(main, ["print", "form", "1", "--for", "families", "--copies", "3", "-o", str(out),
                                       "--data", str(tmp_path)])
    assert result.exit_code == 0 and "(3 answer pages)" in result.output, result.output  # 3 copies × 1 page
    with pdfplumber.open(io.BytesIO(out.read_bytes())) as pdf:
        first_pages = [p.extract_text() for p in pdf.pages]
    assert all("For a relative or friend of a resident to fill in" in t for t in first_pages)
    db = Database.for_data_dir(tmp_path)
    with db.read() as s:
        pages = s.scalars(select(PaperPage).order_by(PaperPage.id)).all()
        assert len(pages) == 3 and {(p.resident_id, p.audience) for p in pages} == {(None, "family")}
    db.dispose()
    result = CliRunner().invoke(main, ["print", "form", "1", "--each-resident", "--for", "families", "-o", str(out),
                                       "--data", str(tmp_path)])
    assert result.exit_code == 2 and "--for and --copies are for blank forms" in result.output
    result = CliRunner().invoke(main, ["print", "form", "1", "--copies", "500", "-o", str(out),
                                       "--data", str(tmp_path)])
    assert result.exit_code == 1 and "Print between 1 and 200 blank forms at once." in result.output


def test_a_residents_own_printout_shows_photos_or_symbols_as_their_needs_say(db, data, menu, home, tmp_path):
    import io

    import numpy as np
    from PIL import Image

    from accessible import people, pictures
    from accessible.models import Option

    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (255, 0, 255)).save(buffer, format="PNG")  # a magenta no symbol uses
    with db.write() as s:
        photo = pictures.save_photo(str(data), buffer.getvalue(), "fish.png", "Our cook's fish pie")
        fish = s.scalars(select(Option).where(Option.topic_id == menu, Option.label == "Fish pie")).one()
        topics.set_picture(s, fish, f"photo:{photo.id}", photo.alt_text)
        margaret, eileen = (s.get(Person, i) for i in (home["residents"][0], home["residents"][2]))
        people.set_needs(margaret.needs, picture_style="photos")
        people.set_needs(eileen.needs, picture_style="symbols")

    def magenta_pixels(resident_id):
        with db.write() as s:
            result = printouts.render(s, s.get(Topic, menu), "form", data, "http://localhost",
                                      resident=s.get(Person, resident_id))
        pages = raster(result.pdf, tmp_path / str(resident_id), dpi=50)
        return sum(int(np.sum((p[..., 0] > 200) & (p[..., 1] < 60) & (p[..., 2] > 200))) for p in pages)

    assert magenta_pixels(home["residents"][0]) > 500  # Margaret prefers photos: the photo of the fish pie
    assert magenta_pixels(home["residents"][2]) == 0  # Eileen prefers symbols: the fish symbol instead
    # A batch, a form for every resident asked, in one PDF: each resident's pages as their needs say.
    with db.write() as s:
        result = printouts.render(s, s.get(Topic, menu), "form", data, "http://localhost", each_resident=True)
        owners = [s.get(Person, page.resident_id).name for page in result.pages]
    pages = raster(result.pdf, tmp_path / "batch", dpi=50)
    magenta = dict.fromkeys(owners, 0)
    for name, p in zip(owners, pages, strict=True):
        magenta[name] += int(np.sum((p[..., 0] > 200) & (p[..., 1] < 60) & (p[..., 2] > 200)))
    assert magenta["Margaret Evans"] > 500 and magenta["Eileen O'Neill"] == 0


def test_a_blank_form_says_on_the_sheet_whom_it_is_for_in_english_and_welsh(staff_client, menu, home):
    import io

    import pdfplumber

    def first_page_text(query):
        fields = dict(field.split("=") for field in query.split("&"))
        response = post(staff_client, f"/staff/topics/{menu}/print/form.pdf", fields,
                        form_url=f"/staff/topics/{menu}/print/form.pdf?{query}")
        assert response.mimetype == "application/pdf"
        with pdfplumber.open(io.BytesIO(response.data)) as doc:
            return " ".join(doc.pages[0].extract_text().split())

    assert "For a relative or friend of a resident to fill in" in first_page_text("for=family")
    assert "For a resident to fill in" in first_page_text("for=resident")
    assert "I'w llenwi gan berthynas neu ffrind i breswylydd" in first_page_text("for=family&lang=cy")
    assert "I'w llenwi gan breswylydd" in first_page_text("for=resident&lang=cy")
    # A form printed for one resident carries their name instead.
    personal = first_page_text(f"resident={home['residents'][0]}")
    assert "Margaret Evans" in personal and "to fill in" not in personal


def _pages_text(pdf):
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [" ".join(page.extract_text().split()) for page in doc.pages]


def test_a_welsh_speaking_residents_own_form_is_in_welsh_and_the_topics_words_as_staff_wrote_them(db, data, menu, home):
    from accessible.models import Option

    with db.write() as s:
        topic = s.get(Topic, menu)
        question = topic.question
        first_option = s.scalars(select(Option).where(Option.topic_id == menu).order_by(Option.position)).first().label
        dafydd = s.get(Person, home["residents"][1])  # his needs say Welsh
        welsh = printouts.render(s, topic, "form", data, "http://localhost", resident=dafydd)
        english = printouts.render(s, topic, "form", data, "http://localhost", resident=dafydd, lang="en")
        batch = printouts.render(s, topic, "form", data, "http://localhost", each_resident=True)
        owners = [s.get(Person, page.resident_id).name for page in batch.pages]
    first = _pages_text(welsh.pdf)[0]
    assert "Eich barn" in first and "Ticiwch un blwch" in first and "Your views" not in first
    assert question in first and first_option in first  # the topic's own words, as staff wrote them
    assert "Your views" in _pages_text(english.pdf)[0]  # asked for English: English
    # A batch: each resident's pages in their own language.
    for owner, words in zip(owners, _pages_text(batch.pdf), strict=True):
        if owner == "Dafydd Jones":
            assert "Eich barn" in words and "Your views" not in words
        else:
            assert "Your views" in words and "Eich barn" not in words


def test_an_option_whose_photo_is_lost_prints_its_symbol_instead(db, data, menu, home, tmp_path):
    import io
    import shutil

    import numpy as np
    from PIL import Image

    from accessible import pictures
    from accessible.models import Option
    from accessible.paper import layout

    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (255, 0, 255)).save(buffer, format="PNG")
    with db.write() as s:
        photo = pictures.save_photo(str(data), buffer.getvalue(), "fish.png", "Our cook's fish pie")
        fish = s.scalars(select(Option).where(Option.topic_id == menu, Option.label == "Fish pie")).one()
        assert fish.picture.startswith("openmoji:")
        topics.set_picture(s, fish, f"photo:{photo.id}", photo.alt_text)  # the symbol is kept beside it
        fish_id = fish.id
    shutil.rmtree(data / "uploads" / "photos")  # a backup restored without its photos folder
    with db.write() as s:
        result = printouts.render(s, s.get(Topic, menu), "form", data, "http://localhost")
    page_index, box = next((i, b) for i, p in enumerate(result.pages) for b in p.boxes if b["option"] == fish_id)
    image = raster(result.pdf, tmp_path, dpi=100)[page_index]
    top = box["y_mm"] - ((layout.ROW_MM - layout.BOX_MM) / 2 + 5)

    def px(v):
        return int(v * 100 / 25.4)

    picture = image[px(top + 4):px(top + 42), px(19):px(57)]
    assert np.sum(np.any(picture < 200, axis=2)) > 500  # the fish pie's symbol, where its picture goes
    assert "Symbols: OpenMoji (openmoji.org), CC BY-SA 4.0" in " ".join(_pages_text(result.pdf))

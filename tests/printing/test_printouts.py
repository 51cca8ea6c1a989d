"""Printouts from the database: the server answers every QR code printed on cards and forms."""

import re

import pytest
from sqlalchemy import select

from accessible import printouts, topics
from accessible.models import Home, PaperPage, Person, Topic
from tests.printing.test_printing import qr_texts, raster


@pytest.fixture
def menu(db, home):
    with db.write() as s:
        topic = topics.create_from_template(s, s.get(Home, home["home"]), "menu")
        topics.move_to(s, topic, "choosing")
        return topic.id


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


def test_staff_download_printouts_from_the_topic_page(staff_client, menu):
    for what in ("cards", "menu", "form"):
        response = staff_client.get(f"/staff/topics/{menu}/print/{what}.pdf")
        assert response.mimetype == "application/pdf" and response.data[:5] == b"%PDF-"
    response = staff_client.get(f"/staff/topics/{menu}/print/poster.pdf")
    assert response.status_code == 302  # not decided yet: back to the topic with the reason
    assert "record the decision first" in staff_client.get(response.headers["Location"]).get_data(as_text=True)


def test_print_command_makes_one_form_per_resident(tmp_path):
    from click.testing import CliRunner

    from accessible.cli import main

    CliRunner().invoke(main, ["demo", "--data", str(tmp_path)])
    result = CliRunner().invoke(main, ["print", "form", "1", "--each-resident", "-o", str(tmp_path / "f.pdf"),
                                       "--data", str(tmp_path)])
    assert result.exit_code == 0 and "(24 answer pages)" in result.output  # 12 residents × 2 pages
    result = CliRunner().invoke(main, ["print", "poster", "1", "-o", str(tmp_path / "p.pdf"), "--data", str(tmp_path)])
    assert result.exit_code == 1 and "record the decision first" in result.output

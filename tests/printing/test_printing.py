"""Printables read back as a person and a machine would: rasterised pages, QR codes, sizes, tags, language."""

import io
import re
import subprocess

import cv2
import numpy as np
import pdfplumber
import pytest
import zxingcpp
from click.testing import CliRunner
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1
from PIL import Image

from accessible import printing
from accessible.cli import main
from accessible.paper import layout
from accessible.pictures import OPENMOJI_CREDIT, SVG_DIR

MM_PER_INCH = 25.4


@pytest.fixture
def full_square(tmp_path):
    """A picture that fills its whole box, so the box's printed size can be measured on the page."""
    path = tmp_path / "square.svg"
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 72 72"><rect width="72" height="72" '
                    'fill="#1a5fb4"/></svg>')
    return path


def options(picture=None):
    rows = [("Fish pie", "1F967"), ("Shepherd's pie", "1F967"), ("Roast chicken", "1F357"), ("Cawl", "1F963")]
    return [printing.PrintOption(i, label, picture or SVG_DIR / f"{symbol}.svg", label, openmoji=picture is None)
            for i, (label, symbol) in enumerate(rows, 1)]


def topic(kind="choose", lang="en", picture=None, **kwargs):
    question = {"en": "What would you like for Friday lunch?", "cy": "Beth hoffech chi i ginio dydd Gwener?"}[lang]
    return printing.PrintTopic(7, question, kind, kwargs.pop("stage", "choosing"), options(picture), lang=lang,
                               title="Menu", home="Tŷ Glas", **kwargs)


RESIDENTS = [printing.PrintResident(3, "Margaret Evans", "1", 24, "http://care.local:5000/f/tokenForCarys", "Carys"),
             printing.PrintResident(4, "Dafydd Jones", "2", 16, None)]


def raster(pdf_bytes, tmp_path, dpi=150):
    """Return every page of a PDF as an RGB numpy array, rendered by pdftoppm."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    source = tmp_path / "doc.pdf"
    source.write_bytes(pdf_bytes)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(source), str(tmp_path / "page")], check=True)
    return [np.array(Image.open(p).convert("RGB")) for p in sorted(tmp_path.glob("page-*.png"))]


def qr_texts(image):
    return [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]


def smallest_text_pt(pdf_bytes):
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        return min(round(c["size"], 1) for page in pdf.pages for c in page.chars)


def catalog(pdf_bytes):
    doc = PDFDocument(PDFParser(io.BytesIO(pdf_bytes)))
    return doc, {k: resolve1(v) for k, v in doc.catalog.items()}


def mm(pixels, dpi=150):
    return pixels * MM_PER_INCH / dpi


def filled_extents(image, colour=(0x1A, 0x5F, 0xB4)):
    """Return the (width, height) in pixels of each separate patch of *colour* on the page."""
    mask = np.all(np.abs(image.astype(int) - colour) < 40, axis=2).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask)
    return [(stats[i, cv2.CC_STAT_WIDTH], stats[i, cv2.CC_STAT_HEIGHT]) for i in range(1, count)
            if stats[i, cv2.CC_STAT_AREA] > 500]


def test_every_form_page_has_a_qr_code_that_leads_to_its_page_and_four_markers(tmp_path):
    result = printing.render_form(topic(), RESIDENTS, "http://care.local:5000")
    pages = raster(result.pdf, tmp_path)
    assert len(pages) == len(result.pages) == 4  # two residents × two pages (four options, three to a page)
    detector = cv2.aruco.ArucoDetector(cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50))
    for image, page in zip(pages, result.pages, strict=True):
        assert qr_texts(image) == [f"http://care.local:5000/p/{page.page_id}"]
        corners, ids, _ = detector.detectMarkers(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY))
        assert sorted(ids.flatten().tolist()) == [0, 1, 2, 3]
        h, w = image.shape[:2]
        for marker, marker_id in zip(corners, ids.flatten(), strict=True):
            cx, cy = marker[0].mean(axis=0)
            expected = {0: (0, 0), 1: (1, 0), 2: (1, 1), 3: (0, 1)}[marker_id]
            assert (cx > w / 2, cy > h / 2) == (bool(expected[0]), bool(expected[1]))
    assert len({p.page_id for p in result.pages}) == 4


def _tick_boxes(image):
    """Find the printed tick boxes: square outlines about 15 mm across, as (x, y, w, h) in mm.

    Only the answer area is searched: the page's QR code, whose pattern changes with its random code, can
    happen to hold a square of that size.
    """
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    _, dark = cv2.threshold(grey, 128, 255, cv2.THRESH_BINARY_INV)
    contours, _ = cv2.findContours(dark, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    found = []
    for c in contours:
        x, y, w, h = cv2.boundingRect(c)
        if 12 <= mm(w) <= 18 and 12 <= mm(h) <= 18 and abs(w - h) < 4 and mm(y) > layout.ROW_TOP_MM - 5:
            found.append((mm(x), mm(y), mm(w), mm(h)))
    # Each outline has an inner and an outer contour: keep the outer one.
    outer = []
    for box in sorted(found, key=lambda b: -b[2]):
        if not any(abs(box[0] - o[0]) < 3 and abs(box[1] - o[1]) < 3 for o in outer):
            outer.append(box)
    return sorted(outer, key=lambda b: (round(b[1]), b[0]))


@pytest.mark.parametrize("kind", ["choose", "rate", "yesno"])
def test_box_geometry_matches_where_the_boxes_really_are(tmp_path, kind):
    result = printing.render_form(topic(kind), None, "http://care.local:5000")
    (tmp_path / "form.pdf").write_bytes(result.pdf)
    stated = printing.paper_layout(tmp_path / "form.pdf")
    assert [p["page"] for p in stated] == [p.page_id for p in result.pages]
    for image, page in zip(raster(result.pdf, tmp_path), stated, strict=True):
        printed = _tick_boxes(image)
        ticks = [b for b in page["boxes"] if b["value"] != "write-in"]
        assert len(printed) == len(ticks)
        for box, (x, y, w, h) in zip(sorted(ticks, key=lambda b: (round(b["y_mm"]), b["x_mm"])), printed, strict=True):
            assert abs(box["x_mm"] - x) < 1.0 and abs(box["y_mm"] - y) < 1.0
            assert w >= 12 and h >= 12 and box["w_mm"] >= 12
        assert page["size_mm"] == [210, 297]


def test_rate_forms_offer_three_faces_per_option(tmp_path):
    result = printing.render_form(topic("rate"), None, "")
    values = [b["value"] for b in result.pages[0].boxes if b["value"] != "write-in"]
    assert values == ["like", "unsure", "dislike"] * 3


def test_large_print_text_is_never_below_16_points():
    assert smallest_text_pt(printing.render_form(topic(), RESIDENTS, "http://x").pdf) >= 16
    assert smallest_text_pt(printing.render_menu(topic()).pdf) >= 16
    poster = topic(stage="decided", outcome="Fish pie every Friday.", tallies=[("Families", [("Fish pie", 2)])])
    assert smallest_text_pt(printing.render_poster(poster).pdf) >= 16


def test_personalised_forms_print_the_residents_name_bigger_when_their_needs_say_so():
    pdf = printing.render_form(topic(), RESIDENTS, "http://x").pdf
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        name_sizes = {round(c["size"]) for c in doc.pages[0].chars if c["text"] in "Margaret"}
        text = doc.pages[0].extract_text()
    assert "Margaret Evans, room 1" in text
    assert 24 in name_sizes
    assert any(round(c["size"]) >= 28 for c in pdfplumber.open(io.BytesIO(pdf)).pages[0].chars)  # the question


def test_pictures_are_at_least_60_mm_on_cards_and_40_mm_on_menus(tmp_path, full_square):
    cards = raster(printing.render_cards(topic(picture=full_square), RESIDENTS[:1]).pdf, tmp_path / "c")
    assert all(mm(w) >= 60 and mm(h) >= 60 for w, h in filled_extents(cards[0]))
    assert len(filled_extents(cards[0])) == 4
    menu = raster(printing.render_menu(topic(picture=full_square)).pdf, tmp_path / "m")
    assert len(filled_extents(menu[0])) == 4  # four dishes on the page, at most
    assert all(mm(w) >= 40 and mm(h) >= 40 for w, h in filled_extents(menu[0]))


def test_card_qr_codes_carry_the_family_link_with_the_address_typed_under_it(tmp_path):
    pdf = printing.render_cards(topic(), RESIDENTS[:1]).pdf
    page = raster(pdf, tmp_path)[0]
    assert qr_texts(page) == ["http://care.local:5000/f/tokenForCarys"] * 4
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        text = doc.pages[0].extract_text()
    assert "care.local:5000/f/tokenForCarys" in text.replace("\n", "")
    assert OPENMOJI_CREDIT in text.replace("\n", " ")


def test_pdfs_are_tagged_titled_and_say_their_language():
    for pdf, title in [(printing.render_form(topic(), None, "").pdf, "Your views: Menu"),
                       (printing.render_cards(topic(), RESIDENTS).pdf, "Picture cards: Menu"),
                       (printing.render_menu(topic()).pdf, "Picture menu: Menu")]:
        doc, cat = catalog(pdf)
        assert "StructTreeRoot" in cat and cat["MarkInfo"]["Marked"] is True
        assert cat["Lang"] == b"en"
        assert doc.info[0]["Title"].decode("utf-8", "replace") == title


def test_welsh_versions_use_welsh_words(tmp_path):
    pdf = printing.render_form(topic(lang="cy"), None, "").pdf
    _, cat = catalog(pdf)
    assert cat["Lang"] == b"cy"
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        text = " ".join(p.extract_text() for p in doc.pages)
    assert "Eich barn" in text and "Ticiwch un blwch" in text and "Beth hoffech chi i ginio" in text
    assert "Your views" not in text


def test_paper_layout_command_gives_the_contract(tmp_path):
    path = tmp_path / "form.pdf"
    path.write_bytes(printing.render_form(topic(), None, "").pdf)
    result = CliRunner().invoke(main, ["paper", "layout", str(path), "--json"])
    import json

    pages = json.loads(result.output)
    assert set(pages[0]) == {"page", "size_mm", "boxes"}
    assert set(pages[0]["boxes"][0]) == {"x_mm", "y_mm", "w_mm", "h_mm", "topic", "option", "value"}
    (tmp_path / "other.pdf").write_bytes(printing.render_menu(topic()).pdf)
    result = CliRunner().invoke(main, ["paper", "layout", str(tmp_path / "other.pdf")])
    assert result.exit_code == 1 and "not a form printed by accessible" in result.output


def test_the_write_in_space_is_on_the_last_page_of_every_form():
    result = printing.render_form(topic(), RESIDENTS, "")
    write_ins = [[b for b in p.boxes if b["value"] == "write-in"] for p in result.pages]
    assert [len(w) for w in write_ins] == [0, 1, 0, 1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{12}", result.pages[0].page_id)

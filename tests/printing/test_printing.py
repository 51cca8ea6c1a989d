"""Printables read back as a person and a machine would: rasterised pages, QR codes, sizes, tags, language."""

import io
import itertools
import re

import cv2
import numpy as np
import pdfplumber
import pytest
from click.testing import CliRunner
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1

from accessible import printing
from accessible.cli import main
from accessible.paper import layout
from accessible.pictures import OPENMOJI_CREDIT, SVG_DIR
from tests.helpers import qr_texts, raster

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
    assert len(pages) == len(result.pages) == 2  # two residents × one page (four options fit one page)
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
    assert len({p.page_id for p in result.pages}) == 2


BELOW_THE_CODE_MM = layout.MARKER_INSET_MM + layout.MARKER_MM + 2 + layout.QR_MM + 2


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
        if 12 <= mm(w) <= 18 and 12 <= mm(h) <= 18 and abs(w - h) < 4 and mm(y) > BELOW_THE_CODE_MM:
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
    assert values == ["like", "unsure", "dislike"] * 4  # four options: one page


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
    assert [len(w) for w in write_ins] == [1, 1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{12}", result.pages[0].page_id)


PT_PER_MM = 72 / MM_PER_INCH


def _overlaps(a, b):
    (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = a, b
    return ax0 < bx1 and bx0 < ax1 and ay0 < by1 and by0 < ay1


@pytest.mark.parametrize("kind", ["choose", "rate", "yesno"])
@pytest.mark.parametrize("size", [28, 32, 40])
def test_a_residents_own_form_is_in_their_text_size_spaced_for_large_print_and_still_fits(tmp_path, kind, size):
    resident = printing.PrintResident(3, "Margaret Evans", "1", size)
    result = printing.render_form(topic(kind), [resident], "http://x")
    (tmp_path / "form.pdf").write_bytes(result.pdf)
    with pdfplumber.open(io.BytesIO(result.pdf)) as pdf:
        assert len(pdf.pages) == len(result.pages)
        for page, layout_page in zip(pdf.pages, printing.paper_layout(tmp_path / "form.pdf"), strict=True):
            chars = [c for c in page.chars if c["top"] < 270 * PT_PER_MM and c["text"].strip()]
            # Heading, name, question, instruction, answers and the write-in prompt: none smaller than asked for.
            assert min(round(c["size"], 1) for c in chars) >= size
            # Lines of one paragraph are 1.5 lines apart at least.
            lines = sorted({(round(c["top"], 1), round(c["size"], 1)) for c in chars})
            for (top, pt), (next_top, next_pt) in itertools.pairwise(lines):
                if pt == next_pt and next_top - top < 2 * pt:
                    assert next_top - top >= 1.5 * pt - 0.5, (top, next_top, pt)
            # Nothing runs over a tick box, nor off the page; words stay inside the space to write in.
            for c in chars:
                where = (c["x0"], c["top"], c["x1"], c["bottom"])
                assert c["bottom"] <= page.height and c["x1"] <= page.width
                for box in layout_page["boxes"]:
                    rect = tuple(v * PT_PER_MM for v in (box["x_mm"], box["y_mm"], box["x_mm"] + box["w_mm"],
                                                         box["y_mm"] + box["h_mm"]))
                    if box["value"] == "write-in":
                        inside = rect[0] <= c["x0"] and c["x1"] <= rect[2] and rect[1] <= c["top"] \
                            and c["bottom"] <= rect[3]
                        assert inside or not _overlaps(where, rect), c["text"]
                    else:
                        assert not _overlaps(where, rect), c["text"]
            # Words never print over other words (the question over the answers, a label over the next one).
            words = page.extract_words()
            for i, a in enumerate(words):
                for b in words[i + 1:]:
                    assert not _overlaps((a["x0"] + 1, a["top"] + 1, a["x1"] - 1, a["bottom"] - 1),
                                         (b["x0"], b["top"], b["x1"], b["bottom"])), (a["text"], b["text"])
    # Every answer is still there, and the boxes are where the layout says, for reading the form back.
    options = {b["option"] for p in result.pages for b in p.boxes if b["value"] not in ("write-in",)}
    assert options == ({None} if kind == "yesno" else {1, 2, 3, 4})
    for image, page in zip(raster(result.pdf, tmp_path / "r"), result.pages, strict=True):
        ticks = sorted((b for b in page.boxes if b["value"] != "write-in"), key=lambda b: (round(b["y_mm"]), b["x_mm"]))
        printed = _tick_boxes(image)
        assert len(printed) == len(ticks)
        for box, (x, y, _w, _h) in zip(ticks, printed, strict=True):
            assert abs(box["x_mm"] - x) < 1.0 and abs(box["y_mm"] - y) < 1.0


def test_a_blank_form_for_four_options_keeps_the_standard_large_print_on_one_page():
    result = printing.render_form(topic(), None, "")
    with pdfplumber.open(io.BytesIO(result.pdf)) as pdf:
        sizes = {round(c["size"]) for c in pdf.pages[0].chars}
        text = pdf.pages[0].extract_text()
    assert sizes == {16, 20, 28} and "Fish pie" in text
    assert [len([b for b in p.boxes if b["value"] == "tick"]) for p in result.pages] == [4]


@pytest.mark.parametrize(("lang", "words"), [("en", ["Like", "Not sure", "Don't like"]),
                                             ("cy", ["Hoffi", "Ddim yn siŵr", "Ddim yn hoffi"])])
def test_a_form_asking_how_it_is_going_says_what_was_decided_and_names_each_face(lang, words):
    reviewed = topic("choose", lang=lang, stage="reviewed", outcome="Fish pie every Friday.")
    result = printing.render_form(reviewed, None, "")
    with pdfplumber.open(io.BytesIO(result.pdf)) as pdf:
        page = pdf.pages[0]
        text = " ".join(page.extract_text().split())
        printed = page.extract_words()
    decided = {"en": "We decided: Fish pie every Friday.", "cy": "Fe wnaethon ni benderfynu: Fish pie every Friday."}
    assert decided[lang] in text
    faces = [b for b in result.pages[0].boxes if b["value"] != "write-in"]
    assert [b["value"] for b in faces] == ["like", "unsure", "dislike"]
    for box, expected in zip(faces, words, strict=True):
        left, right = (box["x_mm"] - 5) * PT_PER_MM, (box["x_mm"] + box["w_mm"] + 5) * PT_PER_MM
        below = (box["y_mm"] + box["h_mm"]) * PT_PER_MM
        under = [w for w in printed if left <= w["x0"] and w["x1"] <= right and below <= w["top"] < below + 90]
        assert " ".join(w["text"] for w in sorted(under, key=lambda w: (round(w["top"]), w["x0"]))) == expected


def _poster_text(pdf):
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [" ".join(page.extract_text().split()) for page in doc.pages]


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "Families Cat, Goldfish and Budgie (1 each)"),
    ("cy", "Teuluoedd Cat, Goldfish a Budgie (1 yr un)"),
])
def test_a_poster_names_every_option_tied_for_the_most(lang, expected):
    tallies = [("Families", [("Cat", 1), ("Goldfish", 1), ("Budgie", 1)]), ("Staff", [("Cat", 2), ("Budgie", 1)]),
               ("Residents, in their own voice", [("Cat", 0), ("Budgie", 0)])]
    poster = topic(lang=lang, stage="decided", outcome="A cat called Smudge.", tallies=tallies)
    (text,) = _poster_text(printing.render_poster(poster).pdf)
    assert expected in text
    assert {"en": "Staff Cat (2)", "cy": "Staff Cat (2)"}[lang] in text
    # Decided: a group that gave no answers is left out, never "no answers yet" as if answers were to come.
    assert {"en": "No answers yet", "cy": "Dim atebion eto"}[lang] not in text
    assert {"en": "Residents, in their own voice", "cy": "Preswylwyr, yn eu llais eu hunain"}[lang] not in text


def test_a_decided_poster_with_no_answers_says_so_plainly():
    tallies = [("Families", [("Cat", 0)]), ("Staff", [("Cat", 0)])]
    poster = topic(stage="decided", outcome="A cat called Smudge.", tallies=tallies)
    (text,) = _poster_text(printing.render_poster(poster).pdf)
    assert "Nobody's answers were recorded before the decision." in text and "yet" not in text


def test_a_menu_never_leaves_one_dish_alone_on_its_last_page():
    five = _five_options()
    with pdfplumber.open(io.BytesIO(printing.render_menu(five).pdf)) as pdf:
        dishes = [[label for label in ("Fish pie", "Shepherd's pie", "Roast chicken", "Cawl", "Vegetable curry")
                   if label in " ".join(page.extract_text().split())] for page in pdf.pages]
    assert [len(d) for d in dishes] == [3, 2]


def test_a_welsh_a4_poster_fits_one_page_with_its_credit_in_welsh():
    groups = [("Residents, in their own voice", [("Fish pie", 3), ("Cawl", 3), ("Roast chicken", 1)]),
              ("Residents, assisted or by proxy", [("Fish pie", 1), ("Cawl", 2)]),
              ("Families", [("Fish pie", 2)]), ("Staff", [("Roast chicken", 1), ("Cawl", 1)])]
    for lang, credit in [("cy", "Symbolau: OpenMoji (openmoji.org), CC BY-SA 4.0"), ("en", OPENMOJI_CREDIT)]:
        poster = topic(lang=lang, stage="decided", tallies=groups, decided_option=1,
                       outcome="Fish pie every Friday, with cawl as the other choice in winter.",
                       outcome_reason="Most people chose it, and the kitchen can make it fresh every week.")
        pages = _poster_text(printing.render_poster(poster).pdf)
        assert len(pages) == 1, pages
        assert pages[0].endswith(credit)
        assert "Fish pie every Friday" in pages[0]
    cards = printing.render_cards(topic(lang="cy"), RESIDENTS[:1]).pdf
    assert "Symbolau: OpenMoji (openmoji.org), CC BY-SA 4.0" in _poster_text(cards)[0]


def test_cards_greet_the_family_by_the_residents_preferred_name_in_print_big_enough_to_read():
    two_lines = topic()
    two_lines.options = [printing.PrintOption(1, "Shepherd's pie with peas", SVG_DIR / "1F967.svg", "Pie", True)]
    gwen = printing.PrintResident(3, "Gwenllian Mary Roberts", "1", 24,
                                  "http://192.168.100.200:5000/f/" + "x" * 43, "Carys", called="Gwen")
    pdf = printing.render_cards(two_lines, [gwen]).pdf
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        text = " ".join(page.extract_text().split())
        first_card = [c for c in page.chars if c["x0"] < 105 * PT_PER_MM and c["top"] < 148 * PT_PER_MM]
    assert "Family of Gwen: scan to add your view" in text and "Gwenllian" not in text
    label = [c for c in first_card if round(c["size"]) == 26]
    family = [c for c in first_card if round(c["size"]) < 26 and "OpenMoji" not in c.get("text", "")]
    credit_top = max(c["top"] for c in first_card)  # the credit is the card's last line
    family = [c for c in family if c["top"] < credit_top - 1]
    assert len({round(c["top"]) for c in label}) == 2  # the label takes two lines
    assert family and min(round(c["size"]) for c in family) >= 14
    assert max(c["bottom"] for c in label) <= min(c["top"] for c in family)  # and the family's words stay clear


def _five_options():
    five = topic()
    five.options.append(printing.PrintOption(5, "Vegetable curry", SVG_DIR / "1F35B.svg", "Curry", openmoji=True))
    return five


@pytest.mark.parametrize("size", [16, 20, 24, 28, 32, 36, 40])
def test_one_question_is_on_at_most_two_pages_each_numbered(size):
    resident = printing.PrintResident(3, "Margaret Evans", "1", size)
    result = printing.render_form(_five_options(), [resident], "http://x")
    with pdfplumber.open(io.BytesIO(result.pdf)) as pdf:
        texts = [" ".join(p.extract_text().split()) for p in pdf.pages]
    assert len(texts) == len(result.pages) <= 2
    if len(texts) == 2:
        # Each page says which it is and that one tick in all is wanted, at the resident's own size; the second
        # says it goes on with the same question.
        assert [t.startswith(f"Page {n} of 2") for n, t in enumerate(texts, 1)] == [True, True]
        assert all("Tick one box only, on any page." in t for t in texts)
        assert "What would you like for Friday lunch?" in texts[0] and "(continued)" not in texts[0]
        assert "What would you like for Friday lunch? (continued)" in texts[1]
        # No page holds a lone answer while another holds several.
        per_page = [len([b for b in p.boxes if b["value"] == "tick"]) for p in result.pages]
        assert max(per_page) - min(per_page) <= 1
    else:
        assert "Page 1 of" not in texts[0] and "Tick one box. Tick the picture you choose." in texts[0]


def test_a_welsh_form_over_two_pages_says_so_in_welsh_and_still_names_the_home():
    resident = printing.PrintResident(3, "Margaret Evans", "1", 36, lang="cy")
    result = printing.render_form(_five_options(), [resident], "http://x")
    with pdfplumber.open(io.BytesIO(result.pdf)) as pdf:
        texts = [" ".join(p.extract_text().split()) for p in pdf.pages]
    assert [t.startswith(f"Tudalen {n} o 2") for n, t in enumerate(texts, 1)] == [True, True]
    assert all("Ticiwch un blwch yn unig, ar unrhyw dudalen." in t for t in texts)
    assert "What would you like for Friday lunch? (yn parhau)" in texts[1]
    assert "Eich barn · Tŷ Glas" in texts[0]


def test_the_home_is_named_at_the_foot_where_its_name_would_wrap_the_heading():
    resident = printing.PrintResident(3, "Margaret Evans", "1", 40)
    with pdfplumber.open(io.BytesIO(printing.render_form(_five_options(), [resident], "http://x").pdf)) as pdf:
        first = pdf.pages[0]
        heading = " ".join(first.crop((0, 0, first.width, 60 * PT_PER_MM)).extract_text().split())
        foot = " ".join(first.crop((0, 274 * PT_PER_MM, first.width, first.height)).extract_text().split())
    assert "Your views" in heading and "Tŷ Glas" not in heading
    assert foot.startswith("Tŷ Glas · Symbols: OpenMoji")


def _eight_options():
    eight = _five_options()
    more = [(6, "Macaroni cheese", "1F9C0"), (7, "Jacket potato with beans", "1F954"), (8, "Ham salad", "1F957")]
    eight.options += [printing.PrintOption(i, label, SVG_DIR / f"{symbol}.svg", label, openmoji=True)
                      for i, label, symbol in more]
    return eight


@pytest.mark.parametrize(("size", "pages"), [(16, 1), (32, 2), (36, 2), (40, 2)])
def test_a_menu_of_eight_never_leaves_one_dish_alone_on_the_last_page_of_the_form(size, pages):
    result = printing.render_form(_eight_options(), [printing.PrintResident(3, "Margaret Evans", "1", size)],
                                  "http://x")
    per_page = [len([b for b in p.boxes if b["value"] == "tick"]) for p in result.pages]
    assert len(per_page) == pages and sum(per_page) == 8 and (pages == 1 or min(per_page) >= 2)
    with pdfplumber.open(io.BytesIO(result.pdf)) as pdf:
        firsts = [p.extract_text().split("\n")[0] for p in pdf.pages]
    assert firsts == ([f"Page {n} of {pages}" for n in range(1, pages + 1)] if pages > 1 else ["Your views · Tŷ Glas"])


def _rated(count):
    rated = _eight_options() if count == 8 else _five_options()
    rated.kind = "rate"
    return rated


def _eight_longer():
    eight = _eight_options()
    eight.question = "Which dishes should be on next month's menu?"
    return eight


@pytest.mark.parametrize(("make", "lang"), [(_five_options, None), (_five_options, "cy"), (_eight_options, None),
                                            (_eight_longer, None), (lambda: _rated(5), None),
                                            (lambda: _rated(5), "cy")])
@pytest.mark.parametrize("size", [33, 36, 38, 40])
def test_at_the_largest_print_one_question_takes_two_pages_at_most_none_with_a_lone_answer(make, lang, size):
    result = printing.render_form(make(), [printing.PrintResident(3, "Margaret Evans", "12", size, lang=lang)],
                                  "http://x")
    per_page = [len({b["option"] for b in p.boxes if b["value"] != "write-in"}) for p in result.pages]
    assert len(per_page) <= 2 and sum(per_page) == len(make().options)
    assert len(per_page) == 1 or min(per_page) >= 2
    with pdfplumber.open(io.BytesIO(result.pdf)) as pdf:
        texts = [" ".join(p.extract_text().split()) for p in pdf.pages]
        words = [w for p in pdf.pages for w in p.extract_words(extra_attrs=["size"])]
    # Each page says which it is; every word but the page's foot (the credit, the home) is at the resident's size.
    numbered = "Tudalen {n} o {total}" if lang == "cy" else "Page {n} of {total}"
    assert len(texts) == 1 or all(t.startswith(numbered.format(n=n, total=len(texts))) for n, t in enumerate(texts, 1))
    assert min(round(w["size"]) for w in words if w["top"] < 274 * PT_PER_MM) >= size
    # Whatever is left out to fit, the first page keeps the question and whose form it is, the room at its foot if
    # not beside the name.
    assert make().question in texts[0] and "Margaret Evans" in texts[0]
    assert re.search(r"(room|ystafell) 12|(Room|Ystafell) 12 · Tŷ Glas", texts[0])
    # A later page says what to do on it, a page of two or more answers: "on any page", whatever it leaves out.
    if len(texts) == 2 and make().kind == "choose":
        assert ("ar unrhyw dudalen." if lang else "Tick one box only, on any page.") in texts[1]


@pytest.mark.parametrize("resident", [None, printing.PrintResident(3, "Margaret Evans", "1", 28),
                                      printing.PrintResident(3, "Margaret Evans", "1", 40)])
def test_the_first_answer_starts_just_under_the_words_above_it(resident):
    result = printing.render_form(topic(), [resident] if resident else None, "http://x")
    with pdfplumber.open(io.BytesIO(result.pdf)) as pdf:
        page = pdf.pages[0]
        # Each answer's row is drawn from the answers' left edge, 18 mm in; what to do is the words above the first.
        rows = [r for r in page.rects if abs(r["x0"] - 18 * PT_PER_MM) < 2 and r["width"] > 80 * PT_PER_MM]
        first_row = min(r["top"] for r in rows)
        above = max(w["bottom"] for w in page.extract_words() if w["bottom"] < first_row)
    gap_mm = (first_row - above) / PT_PER_MM
    assert 0 < gap_mm < 10  # no empty band between what to do and the first answer


def test_cards_carry_a_short_code_to_type_where_a_phone_cannot_scan(tmp_path):
    carys = printing.PrintResident(3, "Margaret Evans", "1", 24, "http://care.local:5000/f/tokenForCarys", "Carys",
                                   called="Peggy", family_code="KX7P-M2QD", code_url="http://care.local:5000/c")
    with pdfplumber.open(io.BytesIO(printing.render_cards(topic(), [carys]).pdf)) as doc:
        first_card = doc.pages[0].crop((0, 0, 105 * PT_PER_MM, 148.5 * PT_PER_MM))
        text = " ".join(first_card.extract_text().split())
    assert "Family of Peggy: scan to add your view, or go to care.local:5000/c and type KX7P-M2QD" in text
    assert "tokenForCarys" not in text  # no 43 letters to copy by hand


@pytest.mark.slow
@pytest.mark.parametrize(("make", "lang", "size"), [(_eight_options, None, 40), (_eight_options, None, 16),
                                                    (lambda: _rated(5), "cy", 40), (lambda: _rated(8), None, 40),
                                                    (_five_options, "cy", 40)])
def test_a_form_laid_out_tighter_at_a_big_size_is_read_back_box_for_box(make, lang, size, tmp_path):
    from accessible.paper import read
    from tests.helpers import mark, rasterise

    result = printing.render_form(make(), [printing.PrintResident(3, "Margaret Evans", "12", size, lang=lang)],
                                  "http://x")
    boxes = {page.page_id: page.boxes for page in result.pages}
    for number, (page, image) in enumerate(zip(result.pages, rasterise(result.pdf, tmp_path), strict=True)):
        answers = [b for b in page.boxes if b["value"] != "write-in"]
        chosen = answers[-1 - number]  # the last box of the first page, the one before it on the second
        reading = read.read_page(mark(image, chosen), lambda code: boxes.get(code.rsplit("/", 1)[-1]))
        assert reading.page == page.page_id
        assert [(m.option, m.value) for m in reading.marks if m.state == "ticked"] == \
            [(chosen["option"], chosen["value"])]
        assert {m.state for m in reading.marks} == {"ticked", "empty"}
        # The words over the space to write in, however big, are not taken for someone's writing.
        assert not any(read.has_writing(reading, b) for b in page.boxes if b["value"] == "write-in")

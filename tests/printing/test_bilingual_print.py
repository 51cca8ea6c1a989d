"""One topic written in English and Welsh on paper: each person's copy in their language, sheets for the home in
both (Welsh first), every text tagged with its language, and Welsh and English forms counted as one."""

import io
import json
import re

import pdfplumber
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from accessible import printouts, responses, topics, wording
from accessible.cli import main
from accessible.db import Database
from accessible.errors import Invalid
from accessible.models import Home, PaperPage, Person, Topic
from accessible.paper import answers, read
from tests.helpers import mark, rasterise

QUESTION_CY = "Beth hoffech chi ei gael i ginio ar ddydd Gwener, gyda'ch ffrindiau yn yr ystafell fwyta?"


@pytest.fixture
def lunch(db, home):
    """An English lunch topic, its question and two of its three options also in Welsh ("Curry" is not yet)."""
    with db.write() as s:
        topic = topics.create_topic(s, s.get(Home, home["home"]), "Friday lunch", "What would you like on Fridays?",
                                    options=["Fish pie", "Cawl", "Curry"])
        wording.translate(topic, "cy", title="Cinio dydd Gwener", question=QUESTION_CY)
        wording.translate(topic.options[0], "cy", label="Pastai bysgod")
        wording.translate(topic.options[1], "cy", label="Cawl")
        topics.move_to(s, topic, "choosing")
        return topic.id


def _translate_the_rest_and_decide(db, topic_id):
    with db.write() as s:
        topic = s.get(Topic, topic_id)
        wording.translate(topic.options[2], "cy", label="Cyri")
        topics.decide(s, topic, "Fish pie every Friday.", reason="Most people chose it.", option=topic.options[0])
        s.flush()
        wording.translate(topic.outcome, "cy", decision="Pastai bysgod bob dydd Gwener.",
                          reason="Dyna ddewisodd y rhan fwyaf.")


def _tagged(elements, inherited):
    """Yield each structure element with the language it is tagged with: its own, else the nearest above it."""
    for element in elements:
        lang = element.get("lang", inherited)
        yield element, lang
        yield from _tagged(element.get("children", []), lang)


def runs(pdf):
    """Return each page's text as a reader hears it: [(language, words), …], each run in the language it is
    tagged with (its own structure element's, else the nearest above it, else the document's)."""
    pages = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        document_lang = doc.doc.catalog["Lang"].decode()
        for page in doc.pages:
            lang_of = {mcid: lang for element, lang in _tagged(page.structure_tree, document_lang)
                       for mcid in element.get("mcids", [])}
            found, last = [], None
            for char in page.chars:
                lang = lang_of[char["mcid"]]
                # A new line or a new piece of text starts a new word (the PDF has no space there).
                same_line = last and (last["mcid"], round(last["top"])) == (char["mcid"], round(char["top"]))
                text = char["text"] if same_line else " " + char["text"]
                if found and found[-1][0] == lang:
                    found[-1][1].append(text)
                else:
                    found.append((lang, [text]))
                last = char
            pages.append([(lang, " ".join("".join(text).split())) for lang, text in found])
    return pages


def figures(pdf):
    """Return every picture's description and the language it is tagged with, [(alt, language), …]."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        document_lang = doc.doc.catalog["Lang"].decode()
        return [(element.get("alt_text"), lang) for page in doc.pages
                for element, lang in _tagged(page.structure_tree, document_lang) if element.get("type") == "Figure"]


def said_in(page_runs, lang):
    return " ".join(text for run_lang, text in page_runs if run_lang == lang)


def print_forms(db, topic_id, *residents, data=None):
    with db.write() as s:
        people = [s.get(Person, r) for r in residents]
        return [printouts.render(s, s.get(Topic, topic_id), "form", data, "http://localhost", resident=person)
                for person in people]


def test_each_residents_form_is_in_their_language_and_what_is_not_translated_is_tagged_english(db, home, lunch):
    dafydd, eileen = home["residents"][1], home["residents"][2]  # Dafydd's needs say Welsh; Eileen has none
    welsh, english = print_forms(db, lunch, dafydd, eileen)
    (cy,) = runs(welsh.pdf)
    with pdfplumber.open(io.BytesIO(welsh.pdf)) as doc:
        assert doc.metadata["Title"] == "Eich barn: Cinio dydd Gwener"
    assert "Eich barn" in said_in(cy, "cy") and "Ticiwch un blwch" in said_in(cy, "cy")
    assert QUESTION_CY in said_in(cy, "cy") and "Pastai bysgod" in said_in(cy, "cy")
    # Curry is not yet in Welsh: printed as written, and tagged English so that a reader says it in English.
    assert ("en", "Curry") in cy
    assert "Fish pie" not in said_in(cy, "cy") + said_in(cy, "en")
    # The pictures too: a translated option's is described in Welsh, Curry's in the English it is written in.
    pictures = figures(welsh.pdf)
    assert ("Pastai bysgod", "cy") in pictures and ("Pensil", "cy") in pictures
    assert [lang for alt, lang in pictures if "urry" in alt] == ["en"], pictures
    (en,) = runs(english.pdf)
    assert said_in(en, "cy") == ""
    assert "What would you like on Fridays?" in said_in(en, "en") and "Fish pie" in said_in(en, "en")


def test_a_pictures_welsh_description_is_the_figures_on_a_welsh_form_and_a_menu(db, home, lunch, data):
    with db.write() as s:
        topic = s.get(Topic, lunch)
        fish = topic.options[0]
        topics.set_picture(s, fish, fish.picture, "A fish pie in a white dish")
        wording.translate(fish, "cy", label="Pastai bysgod", picture_alt="Pastai bysgod mewn dysgl wen")
    welsh, english = print_forms(db, lunch, home["residents"][1], home["residents"][2], data=data)
    assert ("Pastai bysgod mewn dysgl wen", "cy") in figures(welsh.pdf)
    assert ("A fish pie in a white dish", "en") in figures(english.pdf)
    assert not any("dysgl" in (alt or "") for alt, _lang in figures(english.pdf))
    with db.write() as s:
        wording.translate(s.get(Topic, lunch).options[2], "cy", label="Cyri")
        menu = printouts.render(s, s.get(Topic, lunch), "menu", data, "")
    # Welsh first on a sheet for the home: each dish's one picture is described in Welsh.
    assert ("Pastai bysgod mewn dysgl wen", "cy") in figures(menu.pdf)


def test_a_batch_of_forms_gives_each_resident_their_own_language(db, home, lunch):
    with db.write() as s:
        result = printouts.render(s, s.get(Topic, lunch), "form", None, "http://localhost", each_resident=True)
        names = {r.id: r.name for r in s.scalars(select(Person).where(Person.kind == "resident"))}
    pages = runs(result.pdf)
    who = [names[p.resident_id] for p in result.pages]
    for name, page in zip(who, pages, strict=True):
        if name == "Dafydd Jones":
            assert QUESTION_CY in said_in(page, "cy")
        else:
            assert "What would you like on Fridays?" in said_in(page, "en") and said_in(page, "cy") == ""
    assert "Dafydd Jones" in who and "Eileen O'Neill" in who


def _read_back(db, pdf, folder, page_record, tick):
    folder.mkdir()
    (image,) = rasterise(pdf, folder)
    boxes = [b for b in page_record.boxes if b["option"] == tick]
    mark(image, boxes[0])
    with db.write() as s:
        return answers.record(s, read.read_page(image, answers.boxes_for(s), source=f"{folder.name}.png"))


def test_a_welsh_form_and_an_english_form_filled_on_paper_count_as_one_tally(db, home, lunch, tmp_path):
    dafydd, eileen = home["residents"][1], home["residents"][2]
    welsh, english = print_forms(db, lunch, dafydd, eileen)
    (cy_page,), (en_page,) = welsh.pages, english.pages
    with db.read() as s:
        topic = s.get(Topic, lunch)
        fish = topic.options[0].id
        # Each printed page keeps its own boxes: the Welsh question takes more lines, so its answers stand lower.
        stored = {p.code: p.layout for p in s.scalars(select(PaperPage))}
    for page in (cy_page, en_page):
        assert json.loads(stored[page.page_id])["boxes"] == page.boxes
    welsh_top, english_top = (next(b["y_mm"] for b in p.boxes if b["option"] == fish) for p in (cy_page, en_page))
    assert welsh_top > english_top
    # Dafydd ticks "Pastai bysgod" on his Welsh form, Eileen "Fish pie" on her English one: the same option.
    assert len(_read_back(db, welsh.pdf, tmp_path / "welsh", cy_page, fish).recorded) == 1
    assert len(_read_back(db, english.pdf, tmp_path / "english", en_page, fish).recorded) == 1
    with db.read() as s:
        tally = responses.tally(s, s.get(Topic, lunch)).group("resident")
    assert dict(tally.rows) == {"Fish pie": 2, "Cawl": 0, "Curry": 0} and tally.people == 2


def test_cards_for_each_resident_are_in_their_language(db, home, lunch, data):
    with db.write() as s:
        result = printouts.render(s, s.get(Topic, lunch), "cards", data, "http://localhost")
    text = [run for page in runs(result.pdf) for run in page]
    welsh = " ".join(t for lang, t in text if lang == "cy")
    # Dafydd has no family member yet: his cards, in Welsh, say to ask the staff; Margaret's, in English, carry Carys's.
    assert "Gofynnwch i'r staff am ddolen deulu ar gyfer Dafydd" in welsh and "Pastai bysgod" in welsh
    assert ("en", "Curry") in text
    english = " ".join(t for lang, t in text if lang == "en")
    assert "Family of Margaret" in english and "Fish pie" in english


def test_a_poster_for_a_topic_in_both_languages_is_welsh_first_tagged_and_fits_one_page(db, home, lunch, data):
    _translate_the_rest_and_decide(db, lunch)
    with db.write() as s:
        topic = s.get(Topic, lunch)
        both = printouts.render(s, topic, "poster", data, "")
        english = printouts.render(s, topic, "poster", data, "", lang="en")
    (page,) = runs(both.pdf)  # one page
    welsh, english_words = said_in(page, "cy"), said_in(page, "en")
    assert "Dywedoch chi, fe wnaethon ni" in welsh and QUESTION_CY in welsh
    assert "Pastai bysgod bob dydd Gwener." in welsh and "Dyna ddewisodd y rhan fwyaf." in welsh
    assert "You said, we did" in english_words and "Fish pie every Friday." in english_words
    assert "Why: Most people chose it." in english_words
    everything = " ".join(text for _lang, text in page)
    assert everything.index("Dywedoch chi, fe wnaethon ni") < everything.index("You said, we did")
    assert everything.index("Pastai bysgod bob dydd Gwener.") < everything.index("Fish pie every Friday.")
    assert page[0][0] == "cy"  # the sheet starts in Welsh
    with pdfplumber.open(io.BytesIO(both.pdf)) as doc:
        assert min(round(c["size"], 1) for c in doc.pages[0].chars) >= 16
    (only,) = runs(english.pdf)
    assert said_in(only, "cy") == "" and "Fish pie every Friday." in said_in(only, "en")


def test_the_longest_bilingual_poster_still_fits_one_a4_page():
    from accessible import printing
    from tests.printing.test_printing import options

    groups = [("Residents, in their own voice", [("Fish pie", 3), ("Cawl", 3), ("Roast chicken", 1)]),
              ("Residents, assisted or by proxy", [("Fish pie", 1), ("Cawl", 2)]),
              ("Families", [("Fish pie", 2)]), ("Staff", [("Roast chicken", 1), ("Cawl", 1)])]
    versions = {}
    for lang, question, outcome, reason in [
        ("en", "What would you like for Friday lunch?", "Fish pie every Friday, with cawl as the other choice in "
         "winter.", "Most people chose it, and the kitchen can make it fresh every week."),
        ("cy", "Beth hoffech chi i ginio dydd Gwener?", "Pastai bysgod bob dydd Gwener, gyda chawl yn ddewis arall "
         "yn y gaeaf.", "Dyna ddewisodd y rhan fwyaf, a gall y gegin ei gwneud yn ffres bob wythnos.")]:
        versions[lang] = printing.PrintTopic(7, question, "choose", "decided", options(), lang=lang, title="Menu",
                                             home="Tŷ Glas", tallies=groups, decided_option=1, outcome=outcome,
                                             outcome_reason=reason, words_lang=lang)
    for version in versions.values():
        version.versions = versions
    for size in ("a4", "a3"):
        pdf = printing.render_poster(versions["en"], size=size, languages=["cy", "en"]).pdf
        (page,) = runs(pdf)
        assert "Pastai bysgod bob dydd Gwener" in said_in(page, "cy")
        assert page[-2:] == [("cy", "Symbolau: OpenMoji (openmoji.org), CC BY-SA 4.0"),
                             ("en", "Symbols: OpenMoji (openmoji.org), CC BY-SA 4.0")]


def test_a_menu_in_both_languages_names_each_dish_in_welsh_then_english(db, home, lunch, data):
    with db.write() as s:
        topic = s.get(Topic, lunch)
        wording.translate(topic.options[2], "cy", label="Cyri")
        result = printouts.render(s, topic, "menu", data, "")
    (page,) = runs(result.pdf)
    everything = " ".join(text for _lang, text in page)
    assert everything.index(QUESTION_CY) < everything.index("What would you like on Fridays?")
    assert everything.index("Pastai bysgod") < everything.index("Fish pie") < everything.index("Cyri") \
        < everything.index("Curry")
    assert "Pastai bysgod" in said_in(page, "cy") and "Cyri" in said_in(page, "cy")
    assert "Fish pie" in said_in(page, "en") and "Curry" in said_in(page, "en")
    assert everything.count("Cawl") == 1  # the same in both languages: printed once
    assert page[-2:] == [("cy", "Symbolau: OpenMoji (openmoji.org), CC BY-SA 4.0"),
                         ("en", "Symbols: OpenMoji (openmoji.org), CC BY-SA 4.0")]


def test_both_languages_are_refused_until_the_topic_is_written_in_both(db, home, lunch, data, tmp_path):
    with db.write() as s:
        topic = s.get(Topic, lunch)
        with pytest.raises(Invalid, match="translate first: the option “Curry”"):
            printouts.render(s, topic, "menu", data, "", lang="both")
        with pytest.raises(Invalid, match="each person's own language"):
            printouts.render(s, topic, "form", data, "", lang="both")
        # Not yet wholly in Welsh: the menu is in the topic's own language, as a topic in one language prints.
        (page,) = runs(printouts.render(s, topic, "menu", data, "").pdf)
    assert said_in(page, "cy") == "" and "Fish pie" in said_in(page, "en")


def test_a_topic_in_one_language_prints_as_before(db, home, data):
    with db.write() as s:
        topic = topics.create_topic(s, s.get(Home, home["home"]), "Pets", "Should we have a cat?",
                                    options=["Cat", "Goldfish"])
        topics.move_to(s, topic, "choosing")
        dafydd = s.get(Person, home["residents"][1])
        form = printouts.render(s, topic, "form", data, "", resident=dafydd)
        topics.decide(s, topic, "A cat called Smudge.", option=topic.options[0])
        s.flush()
        poster = printouts.render(s, topic, "poster", data, "")
    (page,) = runs(form.pdf)  # Dafydd reads Welsh: the form's words in Welsh, the question as written, in English
    assert "Eich barn" in said_in(page, "cy") and "Should we have a cat?" in said_in(page, "en")
    (page,) = runs(poster.pdf)
    assert said_in(page, "cy") == "" and "You said, we did" in said_in(page, "en")


def test_the_print_command_prints_a_poster_in_both_languages_and_explains_what_is_missing(tmp_path):
    CliRunner().invoke(main, ["demo", "--data", str(tmp_path)])
    db = Database.for_data_dir(tmp_path)
    with db.write() as s:
        # A topic the demo home has not written in Welsh yet (its menu is in both).
        topic = next(t for t in s.scalars(select(Topic).where(Topic.stage == "choosing"))
                     if not wording.has(t, "cy"))
        topic_id = str(topic.id)
    out = tmp_path / "menu.pdf"
    result = CliRunner().invoke(main, ["print", "menu", topic_id, "--lang", "both", "-o", str(out),
                                       "--data", str(tmp_path)])
    assert result.exit_code == 1 and "To print in both languages, translate first: the question" in result.output
    result = CliRunner().invoke(main, ["print", "form", topic_id, "--lang", "both", "-o", str(out),
                                       "--data", str(tmp_path)])
    assert result.exit_code == 1 and "each person's own language" in result.output


def test_staff_print_the_poster_in_both_languages_or_in_english_only_from_the_topic_page(staff_client, db, lunch):
    _translate_the_rest_and_decide(db, lunch)
    page = staff_client.get(f"/staff/topics/{lunch}").get_data(as_text=True)
    assert "A menu or poster for a topic written in both languages prints both on one sheet, Welsh first." in page
    english_only = re.search(rf'href="(/staff/topics/{lunch}/print/poster\.pdf\?lang=en)"', page).group(1)
    (both,) = runs(staff_client.get(f"/staff/topics/{lunch}/print/poster.pdf").data)
    assert both[0] == ("cy", "Dywedoch chi, fe wnaethon ni") and "Fish pie every Friday." in said_in(both, "en")
    (english,) = runs(staff_client.get(english_only).data)
    assert english[0][1].startswith("You said, we did") and said_in(english, "cy") == ""


def test_a_welsh_review_form_says_what_was_decided_in_welsh_or_in_english_marked_as_english(db, home, lunch):
    with db.write() as s:
        topic = s.get(Topic, lunch)
        topics.decide(s, topic, "Fish pie every Friday.", option=topic.options[0])
        topics.move_to(s, topic, "reviewed")
    (page,) = runs(print_forms(db, lunch, home["residents"][1])[0].pdf)
    assert "Fe wnaethon ni benderfynu:" in said_in(page, "cy") and ("en", "Fish pie every Friday.") in page
    with db.write() as s:
        wording.translate(s.get(Topic, lunch).outcome, "cy", decision="Pastai bysgod bob dydd Gwener.")
    (page,) = runs(print_forms(db, lunch, home["residents"][1])[0].pdf)
    assert "Fe wnaethon ni benderfynu: Pastai bysgod bob dydd Gwener." in said_in(page, "cy")
    assert "Fish pie every Friday." not in said_in(page, "en")

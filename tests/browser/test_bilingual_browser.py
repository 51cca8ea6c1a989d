"""The demo's bilingual menu in real Chromium: a Welsh speaker's kiosk shows and speaks Welsh (and English where a
word is not yet translated), an English speaker's English, a relative's phone Welsh; one tally; axe-checked."""

from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import select

from accessible import family_links, responses, wording
from accessible.models import Option, Person, Response, Topic
from tests.browser.kiosk_screens import start_kiosk
from tests.helpers import axe_violations, small_targets

pytestmark = pytest.mark.slow
MENU = "Next week's menu"


def _menu(s):
    return s.scalars(select(Topic).where(Topic.title == MENU)).one()


def _fish_pie_by_residents(db):
    with db.read() as s:
        own = next(g for g in responses.tally(s, _menu(s)).groups if g.key == "resident")
        return dict(own.rows)["Fish pie"]


def _spoken(requests):
    """Return the (text, language) of each speech the page asked the server for."""
    found = []
    for url in requests:
        if urlparse(url).path == "/speech":
            query = parse_qs(urlparse(url).query)
            found.append((query["text"][0], query["lang"][0]))
    return found


def _kiosk_of(browser, base, db, name):
    """Return a tablet's page with the kiosk started for the resident *name*, and the addresses it asks for."""
    page = browser.new_page(viewport={"width": 1024, "height": 768}, has_touch=True)
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    start_kiosk(page, base, db, name)
    return page, requests


def _answer_by_touch(page, base, card, yes):
    page.tap(f".choice-card:has-text(\"{card}\")")
    page.wait_for_url("**/confirm**")
    assert axe_violations(page) == []
    page.tap(f"text={yes}")
    page.wait_for_url(f"{base}/kiosk/thanks")


def test_a_welsh_and_an_english_resident_answer_the_one_menu_each_in_their_own_language(browser, demo_server):
    base, db = demo_server
    with db.write() as s:  # Shepherd's pie not yet in Welsh: it stays English, marked and spoken as English
        wording.translate(_menu(s).accepted_options[1], "cy", label="")
    before = _fish_pie_by_residents(db)

    page = browser.new_page(viewport={"width": 1024, "height": 768}, has_touch=True)
    requests, speech = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("response", lambda r: speech.append((r.status, r.headers.get("content-type")))
            if urlparse(r.url).path == "/speech" else None)
    dafydd = start_kiosk(page, base, db, "Dafydd Jones")  # Welsh; two answers a screen
    with db.read() as s:
        menu_id = _menu(s).id
    page.goto(f"{base}/kiosk/topics/{menu_id}")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Beth hoffech chi i ginio dydd Gwener nesaf?"
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.locator(".choice-label >> text=Shepherd's pie").get_attribute("lang") == "en"
    assert page.locator(".choice-label >> text=Pastai bysgod").get_attribute("lang") is None
    # Each picture described in Welsh as the demo wrote it (the fish pie's symbol is a fish), read out by a
    # screen reader in Welsh; Shepherd's pie, not yet in Welsh, described in the English it is written in.
    fish = page.locator(".choice-card:has-text(\"Pastai bysgod\") img")
    assert (fish.get_attribute("alt"), fish.get_attribute("lang")) == ("Pysgodyn", None)
    pie = page.locator(".choice-card:has-text(\"Shepherd's pie\") img")
    assert (pie.get_attribute("alt"), pie.get_attribute("lang")) == ("A pie", "en")
    said = _spoken(requests)
    assert ("Beth hoffech chi i ginio dydd Gwener nesaf?", "cy") in said
    assert ("Pastai bysgod.", "cy") in said and ("Shepherd's pie.", "en") in said
    assert not any(text.startswith("What would you like") for text, _lang in said)
    assert speech and all(status in (200, 206, 304) and (kind or "audio/wav") == "audio/wav" for status, kind in speech)
    assert axe_violations(page) == [] and small_targets(page) == []
    _answer_by_touch(page, base, "Pastai bysgod", "Ydy, mae hynny'n iawn")

    requests.clear()
    frank = start_kiosk(page, base, db, "Frank Hughes")  # English
    page.goto(f"{base}/kiosk/topics/{menu_id}")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "What would you like for Friday lunch next week?"
    said = _spoken(requests)
    assert ("What would you like for Friday lunch next week?", "en") in said and ("Fish pie.", "en") in said
    assert not any(lang == "cy" for _text, lang in said)
    _answer_by_touch(page, base, "Fish pie", "Yes, that's right")
    page.close()

    with db.read() as s:
        answers = {r.person_id: (r.option.label, r.channel) for r in s.scalars(select(Response).where(
            Response.person_id.in_([dafydd, frank]), Response.topic_id == menu_id))}
    assert answers == {dafydd: ("Fish pie", "touch"), frank: ("Fish pie", "touch")}
    assert _fish_pie_by_residents(db) == before + 2  # one tally: both on the same option


def test_a_relative_who_reads_welsh_answers_the_menu_in_welsh_on_her_phone(browser, demo_server):
    base, db = demo_server
    with db.write() as s:
        niece = s.scalars(select(Person).where(Person.name == "Mererid Williams")).one()
        token = family_links.issue(s, niece, niece.residents[0])[1]
        niece_id = niece.id
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{base}/f/{token}")
    page.click("button:has-text('Cymraeg')")
    page.click("text=Beth hoffech chi i ginio dydd Gwener nesaf?")
    assert page.locator("h1").inner_text() == "Beth hoffech chi i ginio dydd Gwener nesaf?"
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.locator("text=Cyw iâr rhost").count() >= 1 and page.locator("text=Roast chicken").count() == 0
    assert axe_violations(page) == [] and small_targets(page) == []
    page.check("label:has-text('Cyw iâr rhost') >> input[name=own-option]")
    with page.expect_navigation():
        page.click("form.family-send button[type=submit]")
    assert "Eich ateb nawr:" in page.content()
    assert axe_violations(page) == []
    context.close()
    with db.read() as s:
        answer = s.scalars(select(Response).where(Response.person_id == niece_id)).one()
        assert (answer.option.label, answer.channel) == ("Roast chicken", "family-web")


def test_a_welsh_reader_hears_what_was_decided_in_welsh(browser, demo_server):
    base, db = demo_server
    with db.write() as s:  # Iolo said yes to visiting at any time; the decision has been written in Welsh too
        visiting = s.scalars(select(Topic).where(Topic.title == "Visiting hours")).one()
        iolo = s.scalars(select(Person).where(Person.name == "Iolo Rees")).one()
        s.add(Response(topic=visiting, person=iolo, value="yes", channel="touch", phase="choosing"))
        outcome_id = visiting.outcome.id
    page, requests = _kiosk_of(browser, base, db, "Iolo Rees")
    page.goto(f"{base}/kiosk/outcomes/{outcome_id}")
    page.wait_for_load_state("networkidle")
    assert page.locator(".topic-title").inner_text() == "Oriau ymweld"
    assert "Mae croeso i ymwelwyr ar unrhyw adeg." in page.locator("main").inner_text()
    assert "Visitors are welcome" not in page.content()
    assert ("Mae croeso i ymwelwyr ar unrhyw adeg. Rydyn ni'n gofyn iddyn nhw gadw'r lolfa'n dawel ar ôl 8 y nos.",
            "cy") in _spoken(requests)
    assert axe_violations(page) == [] and small_targets(page) == []
    page.close()


def test_an_english_option_on_a_welsh_kiosk_is_confirmed_in_its_own_voice(browser, demo_server):
    base, db = demo_server
    with db.write() as s:  # Shepherd's pie not yet in Welsh
        wording.translate(_menu(s).accepted_options[1], "cy", label="")
        menu_id = _menu(s).id
    page, requests = _kiosk_of(browser, base, db, "Dafydd Jones")
    page.goto(f"{base}/kiosk/topics/{menu_id}")
    page.tap(".choice-card:has-text(\"Shepherd's pie\")")
    page.wait_for_url("**/confirm**")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Dewisoch chi Shepherd's pie."
    assert page.locator("h1 [lang=en]").inner_text() == "Shepherd's pie"
    said = _spoken(requests)
    assert ("Dewisoch chi", "cy") in said and ("Shepherd's pie", "en") in said and ("Ydy hynny'n iawn?", "cy") in said
    assert axe_violations(page) == [] and small_targets(page) == []
    page.close()


def test_staff_see_welsh_written_for_older_english_and_say_it_still_fits(browser, demo_server):
    from accessible import topics
    from tests.helpers import sign_in

    base, db = demo_server
    with db.write() as s:  # what is read aloud for the curry changes in English; its Welsh stays as it was
        curry = next(o for o in _menu(s).accepted_options if o.label == "Vegetable curry")
        topics.update_option(s, curry, curry.label, picture=curry.picture, picture_alt=curry.picture_alt,
                             spoken_text="Vegetable curry with rice", synonyms=curry.synonyms)
        menu_id, curry_id = _menu(s).id, curry.id
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, base)
    page.click("header button[lang=cy]")
    page.goto(f"{base}/staff/topics/{menu_id}")
    beside = page.locator(f"#tr-option-{curry_id}-changed")
    assert beside.inner_text() == "Newidiodd y Saesneg ar ôl i hyn gael ei gyfieithu: gwiriwch y Gymraeg."
    assert "yr opsiwn “Vegetable curry”" in page.locator("#to-check").inner_text()
    assert axe_violations(page) == []
    page.check(f"input[name='tr-option-{curry_id}-fits']")
    page.click("text=Cadw'r geiriau Cymraeg")
    page.wait_for_load_state()
    assert page.locator(f"#tr-option-{curry_id}-changed").count() == 0 and page.locator("#to-check").count() == 0
    with db.read() as s:
        assert not wording.outdated(s.get(Option, curry_id), "cy")
    page.close()

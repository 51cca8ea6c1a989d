"""The kiosk in real Chromium: a choice by touch, by switch (keyboard only) and by voice, in English and Welsh."""

import pytest
from sqlalchemy import select

from accessible.models import Person, Response, Topic
from tests.browser.conftest import (
    TEXT_SPACING_JS,
    axe_violations,
    clipped_text,
    horizontal_scroll,
    launch,
    small_targets,
    unreadable_controls,
)
from tests.browser.kiosk_screens import open_screen, outside, say, scan_to, speech_file, start_kiosk

pytestmark = pytest.mark.slow


def latest_answer(db, resident_id):
    with db.read() as s:
        r = s.scalars(select(Response).where(Response.person_id == resident_id)
                      .order_by(Response.id.desc())).first()
        return (r.topic.title, r.option.label if r.option else r.value, r.channel)


def go_to_topic(page, base, db, title):
    with db.read() as s:
        topic_id = s.scalars(select(Topic.id).where(Topic.title == title)).one()
    page.goto(f"{base}/kiosk/topics/{topic_id}")
    return topic_id


def test_touch_in_english(browser, demo_server):
    base, db = demo_server
    page = browser.new_page(viewport={"width": 1024, "height": 768}, has_touch=True)
    resident = start_kiosk(page, base, db, "Frank Hughes")
    go_to_topic(page, base, db, "Next week's menu")
    assert page.locator("h1").inner_text() == "What would you like for Friday lunch next week?"
    page.tap(".choice-card:has-text('Roast chicken')")
    page.wait_for_url("**/confirm**")
    assert "You chose Roast chicken." in page.locator("h1").inner_text()
    page.tap("text=Yes, that's right")
    page.wait_for_url(f"{base}/kiosk/thanks")
    assert "Thank you" in page.locator("h1").inner_text()
    assert latest_answer(db, resident) == ("Next week's menu", "Roast chicken", "touch")
    page.close()


def test_touch_in_welsh(browser, demo_server):
    base, db = demo_server
    page = browser.new_page(viewport={"width": 1024, "height": 768}, has_touch=True)
    resident = start_kiosk(page, base, db, "Siân Williams")  # Welsh is her language
    go_to_topic(page, base, db, "A pet for the home")
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.locator("text=Clywed eto").count() == 1
    page.tap(".choice-card:has-text('Ie')")
    page.wait_for_url("**/confirm**")
    assert "Ydy hynny'n iawn?" in page.content()
    page.tap("text=Ydy, mae hynny'n iawn")
    page.wait_for_url(f"{base}/kiosk/thanks")
    assert latest_answer(db, resident) == ("A pet for the home", "yes", "touch")
    page.close()


@pytest.mark.parametrize(("name", "topic", "option", "yes"), [
    ("Harold Price", "Next week's menu", "Shepherd's pie", "yes"),
    ("Iolo Rees", "A pet for the home", "Na", "yes"),
])
def test_single_switch_scanning_with_the_keyboard_only(browser, demo_server, name, topic, option, yes):
    base, db = demo_server
    with db.write() as s:
        # A brisker pace keeps the test short; scanning follows the resident's speech rate.
        s.scalars(select(Person).where(Person.name == name)).one().needs.speech_rate = 300
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    resident = start_kiosk(page, base, db, name)
    go_to_topic(page, base, db, topic)
    scan_to(page, option)
    page.wait_for_url("**/confirm**")
    scan_to(page, yes)
    page.wait_for_url(f"{base}/kiosk/thanks")
    _title, answer, channel = latest_answer(db, resident)
    assert channel == "switch"
    assert answer in ("Shepherd's pie", "no")
    page.close()


def test_switch_scanning_waits_for_the_question_and_keeps_the_thing_rated_in_view(browser, demo_server):
    base, db = demo_server
    with db.write() as s:
        s.scalars(select(Person).where(Person.name == "Harold Price")).one().needs.scan_seconds = 0.5  # his pace
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    # Note, in order, each part of the screen's speech that plays to its end and the first choice lit.
    page.add_init_script("""window.heard = [];
      document.addEventListener('ended', e => window.heard.push(e.target.src), true);
      new MutationObserver(() => { if (document.querySelector('.scan-lit') && !window.heard.includes('lit'))
        window.heard.push('lit'); })
      .observe(document, {subtree: true, attributes: true, attributeFilter: ['class']});""")
    start_kiosk(page, base, db, "Harold Price")
    go_to_topic(page, base, db, "Spring activity programme")  # one activity at a time, with three faces
    page.wait_for_selector(".scan-lit")
    parts = page.eval_on_selector_all("audio[data-screen-speech]", "parts => parts.map(a => a.src)")
    assert len(parts) == 4  # "Which activities ... Gardening?", then the three faces
    # The first choice lit up only once every part of the question had been read out to its end.
    assert page.evaluate("window.heard").index("lit") == len(parts)
    assert set(page.evaluate("window.heard")[:len(parts)]) == set(parts)
    lit = set()
    for _ in range(60):  # every control lights in turn; the activity and its picture stay on the screen
        lit.add(page.evaluate("document.body.dataset.scanLit"))
        assert outside(page) == []
        if len(lit) >= 6:
            break
        page.wait_for_timeout(250)
    assert {"I like it", "I'm not sure", "I don't like it"} <= lit
    assert page.locator(".rated img").is_visible()
    page.close()


@pytest.mark.parametrize(("name", "said", "voice", "topic", "expected"), [
    ("Kenneth Morgan", "roast chicken", "en-gb", "Next week's menu", "Roast chicken"),
    ("Dafydd Jones", "yes please", "en-gb", "A pet for the home", "yes"),
])
def test_voice_with_chromium_playing_a_wav_as_its_microphone(playwright_instance, demo_server, tmp_path, name, said,
                                                             voice, topic, expected):
    base, db = demo_server
    wav = speech_file(tmp_path, said, voice)
    browser = launch(playwright_instance, ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                                           f"--use-file-for-fake-audio-capture={wav}"])
    context = browser.new_context(viewport={"width": 1024, "height": 768}, permissions=["microphone"])
    page = context.new_page()
    resident = start_kiosk(page, base, db, name)
    go_to_topic(page, base, db, topic)
    say(page, "**/confirm**")
    page.click("[data-confirm=yes]")
    page.wait_for_url(f"{base}/kiosk/thanks")
    assert latest_answer(db, resident)[1:] == (expected, "voice")
    browser.close()


def test_yes_said_to_a_one_at_a_time_question_records_it_by_voice(playwright_instance, demo_server, tmp_path):
    # After two misses the kiosk asks "Did you mean Roast chicken?"; the resident says "yes please".
    base, db = demo_server
    wav = speech_file(tmp_path, "yes please", "en-gb")
    browser = launch(playwright_instance, ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                                           f"--use-file-for-fake-audio-capture={wav}"])
    context = browser.new_context(viewport={"width": 1024, "height": 768}, permissions=["microphone"])
    page = context.new_page()
    resident = start_kiosk(page, base, db, "Arthur Thomas")
    topic_id = go_to_topic(page, base, db, "Next week's menu")
    page.goto(f"{base}/kiosk/topics/{topic_id}/one-by-one?i=2")
    assert page.locator("h1").inner_text() == "Did you mean Roast chicken?"
    say(page, f"{base}/kiosk/thanks")
    assert latest_answer(db, resident)[1:] == ("Roast chicken", "voice")
    browser.close()


KIOSK_PAGES = ["/kiosk/", "/kiosk/topics/{menu}", "/kiosk/topics/{menu}/confirm?choice={fish}", "/kiosk/topics/{rate}",
               "/kiosk/topics/{menu}/one-by-one?i=0", "/kiosk/topics/{menu}?touch=1", "/kiosk/thanks",
               "/kiosk/finish?back=/kiosk/", "/kiosk/rest"]


@pytest.mark.parametrize("name", ["Margaret Evans", "Dafydd Jones", "Gwen Roberts"])
def test_every_kiosk_page_passes_axe_and_our_own_checks(browser, demo_server, name):
    base, db = demo_server
    with db.read() as s:
        menu = s.scalars(select(Topic).where(Topic.title == "Next week's menu")).one()
        rate = s.scalars(select(Topic.id).where(Topic.title == "Spring activity programme")).one()
        ids = {"menu": menu.id, "fish": menu.options[0].id, "rate": rate}
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    start_kiosk(page, base, db, name)
    for template in ["/kiosk/"] + KIOSK_PAGES[1:]:
        url = base + template.format(**ids)
        for width in (1024, 320):
            page.set_viewport_size({"width": width, "height": 800})
            open_screen(page, url)
            assert axe_violations(page) == [], url
            assert small_targets(page) == [], url
            assert unreadable_controls(page) == [], url  # e.g. yellow words on a yellow button
            assert not horizontal_scroll(page), f"{url} scrolls sideways at {width}px"
        page.keyboard.press("Tab")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline not in ("none", ""), f"no visible focus ring on {url}"
        page.evaluate(TEXT_SPACING_JS)
        assert not horizontal_scroll(page), f"{url} breaks with increased text spacing"
        assert clipped_text(page) == [], url
    page.close()


def test_idle_kiosk_warns_then_rests_on_the_residents_own_screen(browser, demo_server):
    base, db = demo_server
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    start_kiosk(page, base, db, "Joan Davies")
    page.evaluate("document.body.dataset.idleSeconds")  # the idle time is set on the page
    page.clock.install()
    page.reload()
    page.clock.run_for(300 * 1000 - 50 * 1000)
    assert page.locator("#idle-warning").is_visible()
    page.click("#still-here")
    assert not page.locator("#idle-warning").is_visible()
    page.clock.run_for(301 * 1000)
    # Joan's own resting screen, not a staff sign-in page: one touch carries on with her questions.
    page.locator("text=Touch here to carry on").wait_for()
    assert "Hello Joan" in page.locator("main").inner_text()
    page.click("text=Touch here to carry on")
    page.wait_for_url(f"{base}/kiosk/")
    assert "We would like to know what you think." in page.locator("main").inner_text()
    page.close()


def test_a_switch_press_that_answers_are_you_still_there_chooses_nothing(browser, demo_server):
    base, db = demo_server
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    resident = start_kiosk(page, base, db, "Harold Price")  # a single-switch user
    with db.read() as s:
        before = s.scalars(select(Response.id).where(Response.person_id == resident)).all()
    page.clock.install()
    go_to_topic(page, base, db, "Next week's menu")
    url = page.url
    page.clock.run_for(300 * 1000 - 50 * 1000)
    assert page.locator("#idle-warning").is_visible()
    page.clock.run_for(20 * 1000)  # scanning waits while the warning is up: the switch is for the warning
    assert page.evaluate("document.activeElement.id") == "still-here"
    page.keyboard.press(" ")
    assert not page.locator("#idle-warning").is_visible()
    page.clock.run_for(2000)
    assert page.url == url  # still asking, nothing chosen
    with db.read() as s:
        assert s.scalars(select(Response.id).where(Response.person_id == resident)).all() == before
    page.close()


def test_a_tap_after_the_kiosk_ended_says_it_was_not_saved(browser, demo_server):
    base, db = demo_server
    page = browser.new_page(viewport={"width": 1024, "height": 768}, has_touch=True)
    resident = start_kiosk(page, base, db, "Frank Hughes")
    go_to_topic(page, base, db, "Next week's menu")
    page.tap(".choice-card:has-text('Roast chicken')")
    page.wait_for_url("**/confirm**")
    with db.read() as s:
        before = len(s.scalars(select(Response).where(Response.person_id == resident)).all())
    page.context.clear_cookies()  # the kiosk's session is gone while "Is that right?" is still on the screen
    page.tap("text=Yes, that's right")
    page.wait_for_selector("h1:has-text('Your last answer was not saved.')")
    url = f"{base}/kiosk/not-saved?lang=en"
    assert page.locator("h1").inner_text() == "Your last answer was not saved."
    assert "Please ask a member of staff to start it again." in page.locator("main").inner_text()
    with db.read() as s:
        assert len(s.scalars(select(Response).where(Response.person_id == resident)).all()) == before
    for width in (1024, 320):
        page.set_viewport_size({"width": width, "height": 800})
        open_screen(page, url)
        assert axe_violations(page) == [], width
        assert small_targets(page) == [], width
        assert not horizontal_scroll(page), width
    page.close()

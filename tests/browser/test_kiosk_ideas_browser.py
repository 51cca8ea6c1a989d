"""Ideas and the committee on the kiosk in real Chromium: said aloud, picked, a wish to talk, "Do you agree?"."""

import pytest
from sqlalchemy import select

from accessible import committee, outcomes
from accessible.models import Option, Person, ProposalAnswer, TalkRequest, Topic
from tests.browser.conftest import (
    TEXT_SPACING_JS,
    axe_violations,
    clipped_text,
    horizontal_scroll,
    launch,
    sign_in,
    small_targets,
    unreadable_controls,
)
from tests.browser.kiosk_screens import VIEWPORTS, open_screen, outside, say, scan_to, speech_file, start_kiosk

pytestmark = pytest.mark.slow


def _ids(db):
    with db.read() as s:
        lounge = s.scalars(select(Topic).where(Topic.title.like("%lounge%"), Topic.stage == "ideas")).one()
        menu = s.scalars(select(Topic.id).where(Topic.title == "Next week's menu")).one()
        plants = next(o.id for o in lounge.options if o.label == "Plants")
        return {"lounge": lounge.id, "menu": menu, "plants": plants}


@pytest.fixture(scope="module")
def proposed(demo_server):
    """Staff propose the menu's decision to its co-owners (Margaret and Kenneth among them)."""
    base, db = demo_server
    with db.write() as s:
        menu = s.scalars(select(Topic).where(Topic.title == "Next week's menu")).one()
        sam = s.scalars(select(Person).where(Person.name == "Sam Patel")).one()
        committee.propose(s, menu, "We will serve fish pie on Friday.", actor=sam)
        margaret = s.scalars(select(Person).where(Person.name == "Margaret Evans")).one()
        for outcome in outcomes.untold(s, margaret):  # she has heard how visiting was decided
            outcomes.mark_told(s, outcome, margaret)
    return _ids(db)


def test_a_resident_says_an_idea_into_the_microphone(playwright_instance, demo_server, tmp_path):
    base, db = demo_server
    ids = _ids(db)
    wav = speech_file(tmp_path, "more music in the garden", "en-gb")
    browser = launch(playwright_instance, ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                                           f"--use-file-for-fake-audio-capture={wav}"])
    page = browser.new_context(viewport={"width": 1024, "height": 768}, permissions=["microphone"]).new_page()
    resident = start_kiosk(page, base, db, "Kenneth Morgan")
    page.goto(f"{base}/kiosk/ideas/{ids['lounge']}")
    page.click("text=Say my idea")
    page.wait_for_url("**/say")
    say(page, "**/said")
    assert "music in the garden" in page.locator("h1").inner_text().lower()
    assert axe_violations(page) == [] and small_targets(page) == []
    page.click("[data-confirm=yes]")
    page.wait_for_url(f"{base}/kiosk/thanks")
    assert "Staff will listen to your idea soon." in page.locator("main").inner_text()
    with db.read() as s:
        idea = s.scalars(select(Option).where(Option.proposed_by_id == resident, Option.recording.is_not(None))).one()
        assert (idea.status, idea.channel) == ("pending", "kiosk") and "music" in idea.heard.lower()
    browser.close()


def test_a_resident_picks_a_picture_by_touch_and_another_asks_to_talk_by_switch(browser, demo_server):
    base, db = demo_server
    ids = _ids(db)
    page = browser.new_page(viewport={"width": 1024, "height": 768}, has_touch=True)
    frank = start_kiosk(page, base, db, "Frank Hughes")
    page.goto(f"{base}/kiosk/ideas/{ids['lounge']}")
    page.tap("text=Choose a picture")
    page.tap(".choice-card:has-text('Plants')")
    page.wait_for_url(f"**/pictures/{ids['plants']}")
    assert page.locator("h1").inner_text() == "You chose Plants."
    page.tap("text=Yes, that's right")
    page.wait_for_url(f"{base}/kiosk/thanks")
    with db.read() as s:
        plants = s.get(Option, ids["plants"])
        assert (plants.status, plants.proposed_by_id, plants.channel) == ("pending", frank, "kiosk")
    page.close()

    with db.write() as s:
        s.scalars(select(Person).where(Person.name == "Harold Price")).one().needs.speech_rate = 300
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    harold = start_kiosk(page, base, db, "Harold Price")  # a single-switch user
    page.goto(f"{base}/kiosk/ideas/{ids['lounge']}")
    scan_to(page, "More options")  # two things a screen, as his needs say
    page.wait_for_url("**/ideas/*?page=2")
    scan_to(page, "talk to someone")
    page.wait_for_url("**/talk?channel=switch")
    scan_to(page, "yes")  # the yes card is lit as "yes"
    page.wait_for_url(f"{base}/kiosk/thanks")
    with db.read() as s:
        asked = s.scalars(select(TalkRequest).where(TalkRequest.person_id == harold)).one()
        assert (asked.about, asked.channel) == ("idea", "switch")
    page.close()


def test_a_co_owner_agrees_and_someone_else_is_not_asked(browser, demo_server, proposed):
    base, db = demo_server
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    start_kiosk(page, base, db, "Joan Davies")  # answered the menu, not on its committee
    assert page.locator(f"a[href='/kiosk/committee/{proposed['menu']}']").count() == 0
    margaret = start_kiosk(page, base, db, "Margaret Evans")
    page.click("text=Start")
    page.wait_for_url(f"**/kiosk/committee/{proposed['menu']}")
    cards = page.locator(".choices .choice-card").all_inner_texts()
    # Iolo's answer in Welsh (the demo's bilingual menu) counts with the other residents'
    assert " ".join(cards[0].split()) == "Fish pie Residents: 3 Everyone else: 2"
    page.click("a:has-text('Next')")
    page.wait_for_url("**/agree")
    assert "We will serve fish pie on Friday." in page.locator("main").inner_text()
    page.click(".choice-card:has-text('Yes, I agree')")
    page.wait_for_url("**/confirm?answer=agree")
    page.click("text=Yes, that's right")
    page.wait_for_url(f"{base}/kiosk/thanks")
    with db.read() as s:
        assert s.scalars(select(ProposalAnswer.answer).where(ProposalAnswer.person_id == margaret)).one() == "agree"
    page.close()


NEW_SCREENS = ["/kiosk/ideas/{lounge}", "/kiosk/ideas/{lounge}/say", "/kiosk/ideas/{lounge}/pictures",
               "/kiosk/ideas/{lounge}/talk", "/kiosk/committee/{menu}", "/kiosk/committee/{menu}/agree",
               "/kiosk/committee/{menu}/confirm?answer=talk"]


@pytest.mark.parametrize("name", ["Kenneth Morgan", "Dafydd Jones", "Gwen Roberts"])
def test_the_new_screens_pass_axe_and_our_own_checks(browser, demo_server, proposed, name):
    base, db = demo_server
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    start_kiosk(page, base, db, name)
    with db.write() as s:  # every resident sees the committee's screens here, in their own needs
        menu = s.get(Topic, proposed["menu"])
        person = s.scalars(select(Person).where(Person.name == name)).one()
        if person not in menu.co_owners:
            menu.co_owners.append(person)
    for template in NEW_SCREENS:
        url = base + template.format(**proposed)
        for width in (1024, 320):
            page.set_viewport_size({"width": width, "height": 800})
            open_screen(page, url)  # a screen that cannot fit moves itself to fewer options as it loads
            assert axe_violations(page) == [], url
            assert small_targets(page) == [], url
            assert unreadable_controls(page) == [], url
            assert not horizontal_scroll(page), f"{url} scrolls sideways at {width}px"
        page.evaluate(TEXT_SPACING_JS)
        assert not horizontal_scroll(page), f"{url} breaks with increased text spacing"
        assert clipped_text(page) == [], url
    page.close()


@pytest.mark.parametrize("contrast", ["standard", "high"])
def test_the_new_screens_fit_at_the_largest_text_size(browser, demo_server, proposed, contrast):
    base, db = demo_server
    with db.write() as s:
        joan = s.scalars(select(Person).where(Person.name == "Joan Davies")).one()
        joan.needs.text_size, joan.needs.contrast, joan.needs.options_per_screen = 40, contrast, 4
        joan.needs.input_modes = "touch voice switch"
        menu = s.get(Topic, proposed["menu"])
        if joan not in menu.co_owners:
            menu.co_owners.append(joan)
    page = browser.new_page()
    page.route("**/speech?**", lambda route: route.abort())
    start_kiosk(page, base, db, "Joan Davies")
    missing = []
    for width, height in VIEWPORTS:
        page.set_viewport_size({"width": width, "height": height})
        for template in NEW_SCREENS:
            open_screen(page, base + template.format(**proposed))
            missing += [(f"{width}x{height}", template, m) for m in outside(page)]
    assert missing == []
    page.close()


def test_staff_hear_the_ideas_see_who_agreed_and_confirm_the_decision(browser, demo_server, proposed):
    base, db = demo_server
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    sign_in(page, base)
    page.goto(f"{base}/staff/comments")
    assert page.locator("text=Ken's own idea, on the kiosk: said aloud").count() == 1
    assert page.locator("audio[controls]").count() >= 1
    assert page.locator("text=Harold Price (room 4) would like to talk to someone").count() == 1
    assert axe_violations(page) == []
    page.goto(f"{base}/staff/topics/{proposed['menu']}")
    assert "Margaret Evans: agrees (on the kiosk)" in page.locator(".proposal").inner_text()
    assert axe_violations(page) == []
    page.check("input[name=confirm_anyway]")
    page.click("text=Confirm the decision")
    page.wait_for_load_state()
    assert "Decided with Margaret Evans, who agreed." in page.locator("section.outcome").inner_text()
    page.close()

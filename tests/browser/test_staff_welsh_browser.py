"""A manager who works in Welsh, in real Chromium: one click on "Cymraeg", every main staff page in Welsh with
its language marked, axe-core finding nothing, and the choice there again after signing in on another tablet."""

import pytest
from sqlalchemy import select

from accessible import family_links
from accessible.models import Person, Topic
from tests.helpers import axe_violations, sign_in

pytestmark = pytest.mark.slow
TABLET = {"width": 1024, "height": 768}


def test_a_manager_walks_the_main_staff_pages_in_welsh(browser, demo_server):
    base, db = demo_server
    with db.read() as s:
        menu = s.scalars(select(Topic.id).where(Topic.title == "Next week's menu")).one()
    context = browser.new_context(viewport=TABLET)
    page = context.new_page()
    sign_in(page, base)
    page.click("header button[lang=cy]")  # "Cymraeg", in Welsh, on every staff page
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "cy"
    walk = [
        ("/staff/", "Beth sydd angen ei wneud"),
        ("/staff/topics", "Pynciau"),
        (f"/staff/topics/{menu}", "Y cam nesaf"),
        ("/staff/residents", "Preswylwyr a theuluoedd"),
        ("/staff/paper", "Ffurflenni wedi'u llenwi"),
        (f"/staff/topics/{menu}/results", "Wrth ddewis"),
    ]
    for url, heading in walk:
        page.goto(base + url)
        assert page.get_attribute("html", "lang") == "cy", url
        assert heading in page.locator("main").inner_text(), url
        assert page.locator("nav").inner_text().split("\n")[0].strip() == "Trosolwg"
        assert axe_violations(page) == [], url
    # The demo home writes its topics in English: on a Welsh page they are marked as English for screen readers.
    page.goto(f"{base}/staff/topics/{menu}")
    assert page.get_attribute("main h1", "lang") == "en"
    context.close()

    # Another tablet, nothing chosen on it: the account remembers Welsh.
    other = browser.new_context(viewport=TABLET)
    tablet = other.new_page()
    tablet.goto(f"{base}/login")
    assert tablet.get_attribute("html", "lang") == "en"
    sign_in(tablet, base)
    assert tablet.get_attribute("html", "lang") == "cy"
    assert "Wedi mewngofnodi fel" in tablet.locator("main").inner_text()
    tablet.click("header button[lang=en]")  # and back to English, one click
    tablet.wait_for_load_state()
    assert tablet.get_attribute("html", "lang") == "en"
    assert axe_violations(tablet) == []
    other.close()


def test_a_phone_that_asks_for_welsh_opens_the_family_page_in_welsh_and_can_switch(browser, demo_server):
    base, db = demo_server
    with db.write() as s:
        relative = s.scalars(select(Person).where(Person.kind == "family", Person.active)).first()
        token = family_links.issue(s, relative, relative.residents[0])[1]
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="cy-GB")  # Accept-Language: cy-GB
    page = phone.new_page()
    page.goto(f"{base}/f/{token}")
    assert page.url == f"{base}/family/"
    assert page.get_attribute("html", "lang") == "cy"
    assert axe_violations(page) == []
    page.click("button[lang=en]")  # "English", on the page itself
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "en"
    assert axe_violations(page) == []
    phone.close()

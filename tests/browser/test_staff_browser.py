"""A manager's first day, in real Chromium: what needs doing first, nothing lost or undone by one click, axe-checked."""

import pytest
from sqlalchemy import select

from accessible.models import FamilyLink, Person, Topic
from tests.helpers import axe_violations, horizontal_scroll, sign_in

pytestmark = pytest.mark.slow
TABLET = {"width": 1024, "height": 768}


def _menu_id(db):
    with db.read() as s:
        return s.scalars(select(Topic.id).where(Topic.title == "Next week's menu")).one()


def _signed_in(browser, base):
    """Return (context, page) of a manager signed in on a tablet."""
    context = browser.new_context(viewport=TABLET)
    page = context.new_page()
    sign_in(page, base)
    return context, page


def test_the_overview_puts_what_needs_doing_first_and_starts_the_kiosk_for_a_resident(browser, demo_server):
    base, db = demo_server
    context, page = _signed_in(browser, base)
    page.goto(f"{base}/staff/")
    headings = page.locator("main h2").all_inner_texts()
    assert headings[0] == "What needs doing"
    waiting = page.locator("ul.waiting > li")
    assert waiting.count() > 0
    first = waiting.first
    name = first.locator("a").first.inner_text()
    assert first.locator("a").first.get_attribute("href").startswith("/staff/residents/")
    assert axe_violations(page) == []
    first.locator("button", has_text="Start the kiosk for").click()
    page.wait_for_url(f"{base}/kiosk/**")
    with db.read() as s:
        called = s.scalars(select(Person).where(Person.name == name)).one().called
    assert called in page.locator("body").inner_text()  # the kiosk is now that resident's
    context.close()


def test_deciding_early_asks_first_and_keeps_what_was_typed_and_a_move_can_be_undone(browser, demo_server):
    base, db = demo_server
    context, page = _signed_in(browser, base)
    menu = _menu_id(db)
    page.goto(f"{base}/staff/topics/{menu}")
    # "Decide together" is found near the top of the page, right under the next step.
    decide = page.locator("#decide-h")
    assert decide.bounding_box()["y"] < 2 * TABLET["height"]
    page.fill("#decision", "Fish pie every Friday.")
    page.click("text=Record the decision")
    assert "have not had a say yet" in page.locator(".error-summary").inner_text()
    assert page.input_value("#decision") == "Fish pie every Friday."
    assert axe_violations(page) == []
    page.check("input[name=decide_anyway]")
    page.click("text=Record the decision")
    assert "The decision has been recorded" in page.content()
    with db.read() as s:
        assert s.get(Topic, menu).stage == "decided"
    page.click("text=Undo the last move")
    assert "Undone." in page.content()
    with db.read() as s:
        topic = s.get(Topic, menu)
        assert topic.stage == "choosing" and topic.outcome.decision == "Fish pie every Friday."
    context.close()


def test_new_cards_are_asked_for_with_whose_cards_stop_working(browser, demo_server):
    base, db = demo_server
    context, page = _signed_in(browser, base)
    menu = _menu_id(db)
    with db.read() as s:
        before = len(s.scalars(select(FamilyLink)).all())
    page.goto(f"{base}/staff/topics/{menu}")
    page.click("text=Print new cards instead of the old ones")
    assert page.locator("h1").inner_text() == "New cards instead of the old ones?"
    assert axe_violations(page) == []
    page.click("text=Back to the topic, printing nothing")
    with db.read() as s:
        assert len(s.scalars(select(FamilyLink)).all()) == before  # asking changed nothing
    context.close()


def test_staff_pages_pass_axe_and_fit_a_narrow_screen(browser, demo_server):
    base, db = demo_server
    page = browser.new_page(viewport={"width": 1024, "height": 900})
    sign_in(page, base)
    menu = _menu_id(db)
    with db.read() as s:
        margaret = s.scalars(select(Person.id).where(Person.name == "Margaret Evans")).one()
    for url in ["/staff/", "/staff/topics?q=menu", "/staff/topics?archived=1", "/staff/residents?sort=room",
                f"/staff/topics/{menu}/new-cards", f"/staff/topics/{menu}/results",
                f"/staff/residents/{margaret}/said", f"/staff/topics/{menu}/print/form.pdf?each=1"]:
        page.goto(base + url)
        assert axe_violations(page) == [], url
    page.set_viewport_size({"width": 320, "height": 640})
    with db.read() as s:
        residents = s.scalars(select(Person.id).where(Person.kind == "resident")).all()
        topic_ids = s.scalars(select(Topic.id)).all()
    # WCAG 1.4.10: nothing scrolls sideways at 320 px, not the record pages nor a long option list.
    for url in ["/staff/", "/staff/records/", "/staff/residents", "/staff/topics", f"/staff/topics/{menu}/new-cards",
                *[f"/staff/residents/{i}" for i in residents], *[f"/staff/topics/{i}" for i in topic_ids]]:
        page.goto(base + url)
        assert not horizontal_scroll(page), url
    page.close()


def test_making_cards_shows_how_far_they_have_got_then_opens_the_pdf(browser, demo_server):
    base, db = demo_server
    context, page = _signed_in(browser, base)
    menu = _menu_id(db)
    page.goto(f"{base}/staff/topics/{menu}")
    page.click("text=Make the picture cards with family QR codes")
    page.wait_for_url(f"{base}/staff/topics/{menu}/cards/*")
    # Every wording the page shows on its way, as staff would see it change.
    page.evaluate("""() => {
        const status = document.getElementById('cards-status');
        window.seen = [status.textContent];
        new MutationObserver(() => window.seen.push(status.textContent))
            .observe(status, {childList: true, characterData: true, subtree: true});
    }""")
    assert axe_violations(page) == []
    link = page.locator("#cards-ready a", has_text="Open the cards (PDF)")
    link.wait_for(timeout=180_000)
    seen = page.evaluate("window.seen")
    cards = int(page.locator("#cards-status").inner_text().split(": ")[1].split()[0])
    assert page.locator("#cards-status").inner_text() == f"The cards are ready: {cards} cards."
    assert any(text.startswith("Making cards: ") and text.endswith(f" of {cards} ready") for text in seen), seen
    assert page.locator("#cards-again").is_hidden()
    assert axe_violations(page) == []
    pdf = page.request.get(base + link.get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body()[:5] == b"%PDF-"
    # Leaving and coming back: the page still offers the finished cards, and making more waits for none.
    page.reload()
    assert link.is_visible()
    page.click("text=Back to the topic")
    assert page.url.endswith(f"/staff/topics/{menu}#print-h")
    context.close()


def test_a_form_is_printed_by_its_button_and_opening_its_address_prints_nothing(browser, demo_server):
    from sqlalchemy import func

    from accessible.models import PaperPage

    base, db = demo_server

    def printed_pages():
        with db.read() as s:
            return s.scalar(select(func.count()).select_from(PaperPage))

    context, page = _signed_in(browser, base)
    menu = _menu_id(db)
    before = printed_pages()
    page.goto(f"{base}/staff/topics/{menu}/print/form.pdf")  # an old bookmark: the button, no page codes
    assert page.locator("h1").inner_text() == "Large-print form: Next week's menu"
    assert printed_pages() == before
    page.goto(f"{base}/staff/topics/{menu}")
    with page.expect_response(lambda r: r.request.method == "POST" and "/print/form.pdf" in r.url) as printed:
        page.click("text=Large-print form, blank")
    # Chromium shows the PDF in its own viewer (Playwright then hands back the viewer's page, not the file).
    assert printed.value.status == 200 and printed.value.headers["content-type"] == "application/pdf"
    assert printed.value.headers["content-disposition"] == f'inline; filename="topic-{menu}-form.pdf"'
    assert printed_pages() == before + 1  # one blank form, one page, its code kept to read it back
    context.close()

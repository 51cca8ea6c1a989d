"""A family member's phone, in real Chromium: follow the QR code printed on a card, give a view, axe-checked."""

import re
import subprocess

import numpy as np
import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from accessible import printouts
from accessible.models import Comment, Person, Response, Topic
from tests.helpers import axe_violations, horizontal_scroll, sign_in, small_targets

pytestmark = pytest.mark.slow
PHONE = {"width": 390, "height": 844}


def _margarets_cards(db, base, folder):
    """Print Margaret's picture cards for next week's menu; return (the printout, the menu's id)."""
    with db.write() as s:
        menu = s.scalars(select(Topic).where(Topic.title == "Next week's menu")).one()
        margaret = s.scalars(select(Person).where(Person.name == "Margaret Evans")).one()
        return printouts.render(s, menu, "cards", folder, base, resident=margaret), menu.id


def test_a_daughter_scans_her_mothers_card_and_gives_her_view(browser, demo_server, tmp_path):
    base, db = demo_server
    result, menu_id = _margarets_cards(db, base, tmp_path)
    (tmp_path / "cards.pdf").write_bytes(result.pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(tmp_path / "cards.pdf"),
                    str(tmp_path / "card")], check=True)
    image = np.array(Image.open(next(tmp_path.glob("card-*.png"))).convert("RGB"))
    link = zxingcpp.read_barcodes(image)[0].text
    assert re.fullmatch(re.escape(base) + r"/f/[A-Za-z0-9_-]{40,}", link)

    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(link)
    assert page.url == f"{base}/family/"  # the token is gone from the address bar at once
    assert "Hello Carys" in page.locator("h1").inner_text()
    assert axe_violations(page) == []
    page.click("text=What would you like for Friday lunch next week?")
    assert axe_violations(page) == []
    assert small_targets(page) == [] and not horizontal_scroll(page)
    # Her view, her guess for her mother and a comment, all on one page: one press of Send keeps them all.
    page.click("label:has(input[name=own-option]) >> nth=3 >> img")  # the picture of Vegetable curry
    assert page.is_checked("input[name=own-option] >> nth=3")
    page.check("input[name=proxy-option] >> nth=0")  # what she thinks her mother would choose
    page.fill("#comment", "Mum always liked fish on a Friday.")
    assert page.locator("form.family-send button[type=submit]").count() == 1
    with page.expect_navigation():
        page.click("form.family-send button[type=submit]")
    assert "Your view has been recorded" in page.content()
    assert "Your guess has been recorded" in page.content()
    assert "Staff will read your comment" in page.content()
    assert axe_violations(page) == []
    assert all(url.startswith(base) for url in requests), "a page asked something of another server"
    with db.read() as s:
        mine = s.scalars(select(Response).where(Response.channel == "family-web", Response.topic_id == menu_id)
                         .order_by(Response.id.desc())).all()[:2]
        assert {(r.option.label, r.on_behalf_of_id is not None) for r in mine} == {("Vegetable curry", False),
                                                                                   ("Fish pie", True)}
        carys = s.scalars(select(Person).where(Person.name == "Carys Evans")).one()
        said = s.scalars(select(Comment.text).where(Comment.topic_id == menu_id, Comment.person_id == carys.id)).all()
        assert "Mum always liked fish on a Friday." in said
    context.close()


def test_staff_results_and_topic_pages_pass_axe(browser, demo_server):
    base, db = demo_server
    page = browser.new_page(viewport={"width": 1024, "height": 900})
    sign_in(page, base)
    with db.read() as s:
        ids = s.scalars(select(Topic.id)).all()
    for url in ["/staff/", "/staff/residents", "/staff/topics", "/staff/topics/new", "/staff/comments",
                "/staff/records/", *[f"/staff/topics/{i}" for i in ids], *[f"/staff/topics/{i}/results" for i in ids]]:
        page.goto(base + url)
        assert axe_violations(page) == [], url
    page.close()


def test_a_relative_whose_phone_cannot_scan_types_the_code_on_the_card(browser, demo_server, tmp_path):
    import io

    import pdfplumber

    base, db = demo_server
    result, _menu_id = _margarets_cards(db, base, tmp_path)
    with pdfplumber.open(io.BytesIO(result.pdf)) as pdf:
        card = " ".join(pdf.pages[0].crop((0, 0, 297, 420)).extract_text().split())
    address, code = re.search(r"go to (\S+) and type ([A-Z0-9]{4}-[A-Z0-9]{4})", card).groups()
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"http://{address}")
    assert page.locator("h1").inner_text() == "Type the code from your card"
    assert axe_violations(page) == [] and small_targets(page) == [] and not horizontal_scroll(page)
    page.fill("#code", code.lower())
    page.click("text=Open my family page")
    page.wait_for_url(f"{base}/family/")
    assert "Hello Carys" in page.locator("h1").inner_text()
    context.close()

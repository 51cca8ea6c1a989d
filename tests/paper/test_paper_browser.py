"""Staff upload a pile of filled forms in real Chromium: progress page by page, then settle the review in a click."""

import subprocess

import cv2
import pytest
from sqlalchemy import select

from accessible import printouts, responses
from accessible.models import Person, Topic
from tests.helpers import axe_violations, horizontal_scroll, mark, photograph, sign_in, small_targets

pytestmark = pytest.mark.slow


def test_a_pile_of_forms_is_read_with_progress_and_the_doubtful_one_settled_in_one_click(browser, demo_server,
                                                                                            tmp_path):
    base, db = demo_server
    menu_id, asked, results, images = _first_pages(db, base, tmp_path)
    files = []
    for n, (result, image) in enumerate(zip(results, images, strict=True)):
        ticks = [b for b in result.pages[0].boxes if b["value"] == "tick"]
        mark(image, ticks[0])
        if n == 1:
            mark(image, ticks[1], "cross")  # two answers: staff decide
        path = tmp_path / f"form {n + 1}.jpg"
        cv2.imwrite(str(path), photograph(image))
        files.append(str(path))
    (tmp_path / "list.txt").write_text("milk, bread")
    files.append(str(tmp_path / "list.txt"))

    page = browser.new_page()
    sign_in(page, base)
    page.goto(f"{base}/staff/paper")
    assert axe_violations(page) == []
    page.set_input_files("#scans", files)
    page.click("text=Read the forms")
    page.wait_for_selector("#scan-status:has-text('Finished')", timeout=60_000)
    assert page.inner_text("#scan-status") == "Finished: 2 of 2 pages read, 1 answer recorded, 1 for you to look at."
    assert page.eval_on_selector("#scan-bar", "bar => [bar.value, bar.max]") == [2, 2]
    listed = page.inner_text("#scan-results")
    assert "form 1.jpg: 1 answer recorded." in listed and "form 2.jpg: 0 answers recorded, 1 for you to look at." \
        in listed and "list.txt: list.txt is not a photo, a scan or a PDF." in listed
    assert axe_violations(page) == [] and small_targets(page) == []

    page.click("text=See what is waiting for you")
    with db.read() as s:
        second_resident = s.get(Person, asked[1]).name
    item = page.locator("article.review-item").filter(has_text=second_resident)
    # The crop loads after the page does: wait for it (a crop that cannot load never gets its width).
    page.wait_for_function("img => img.complete && img.naturalWidth > 600",
                           arg=item.locator("img.crop").element_handle(), timeout=20_000)
    assert "As read:" in item.inner_text() and "(read as ticked)" in item.inner_text()
    assert axe_violations(page) == [] and small_targets(page) == []
    page.set_viewport_size({"width": 320, "height": 800})  # a phone, or a page zoomed to 400 %
    assert not horizontal_scroll(page)
    label = results[1].pages[0].boxes[1]
    with db.read() as s:
        chosen = s.get(Topic, menu_id).options
        second = next(o.label for o in chosen if o.id == label["option"])
    item.get_by_role("button", name=f"{second} (read as ticked)").click()
    assert "Thank you: that paper question is settled." in page.inner_text("main")
    with db.read() as s:
        topic = s.get(Topic, menu_id)
        counted = {r.person_id: r.option.label for r in responses.latest(s, topic) if r.channel == "paper"}
        assert counted[asked[1]] == second
    page.close()


def _first_pages(db, base, tmp_path):
    """Print the menu form of two residents asked; return (menu id, their ids, the prints, first pages scanned)."""
    with db.write() as s:
        menu = s.scalars(select(Topic).where(Topic.title == "Next week's menu")).one()
        asked = [p for p in s.scalars(select(Person).where(Person.kind == "resident", Person.active))
                 if printouts.topics.is_asked(p, menu)][:2]
        results = [printouts.render(s, menu, "form", None, base, resident=r) for r in asked]
        menu_id, asked_ids = menu.id, [p.id for p in asked]
    images = []
    for n, result in enumerate(results):
        (tmp_path / f"f{n}.pdf").write_bytes(result.pdf)
        subprocess.run(["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", "-singlefile",
                        str(tmp_path / f"f{n}.pdf"), str(tmp_path / f"page{n}")], check=True)
        images.append(cv2.imread(str(tmp_path / f"page{n}.png")))
    return menu_id, asked_ids, results, images


def _two_forms(db, base, tmp_path):
    """Print the menu form of two residents, tick one option on each, and photograph them; return the files."""
    _menu, _asked, results, images = _first_pages(db, base, tmp_path)
    files = []
    for n, (result, image) in enumerate(zip(results, images, strict=True)):
        mark(image, [b for b in result.pages[0].boxes if b["value"] == "tick"][0])
        cv2.imwrite(str(tmp_path / f"late {n + 1}.jpg"), photograph(image))
        files.append(str(tmp_path / f"late {n + 1}.jpg"))
    return files


@pytest.mark.parametrize("reply, said", [
    ("server", "Finished: 1 of 2 pages read, 1 answer recorded, 0 for you to look at."),
    ("sign-in", "Your session has ended. Sign in again, then upload the files that are not listed here."),
])
def test_a_page_the_server_fails_on_is_said_so_and_only_a_sign_in_page_means_the_session_ended(
        browser, demo_server, tmp_path, reply, said):
    base, db = demo_server
    files = _two_forms(db, base, tmp_path)
    page = browser.new_page()
    sign_in(page, base)
    page.goto(f"{base}/staff/paper")
    first = []

    def answer(route):
        if first:
            route.continue_()
        elif reply == "server":
            first.append(route.request.url)
            route.fulfill(status=500, content_type="text/html", body="<h1>Something went wrong</h1>")
        else:
            first.append(route.request.url)
            route.fulfill(status=302, headers={"Location": f"{base}/login?next=/staff/paper"})

    page.route("**/staff/paper/uploads/*/pages/*", answer)
    page.set_input_files("#scans", files)
    page.click("text=Read the forms")
    page.wait_for_selector(f"#scan-status:has-text('{said.split(':')[0].split('.')[0]}')", timeout=60_000)
    assert page.inner_text("#scan-status") == said
    listed = page.inner_text("#scan-results")
    if reply == "server":
        assert "late 1.jpg: That page could not be read because of a problem on the server; nothing from it was " \
               "saved. The other files are listed here." in listed
        assert "late 2.jpg: 1 answer recorded" in listed
        assert "session" not in listed + said
    page.close()

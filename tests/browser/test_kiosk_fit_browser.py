"""Everything a resident needs on one screen: every demo resident, tablets both ways, a PC and a phone, in Chromium."""

import pytest
from sqlalchemy import select

from accessible.demo import RESIDENTS
from accessible.models import Person
from tests.browser.kiosk_screens import outside, settle, start_kiosk, walk

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def page(browser):
    """One page for the whole module: viewports change, the browser is not started again."""
    page = browser.new_page()
    # Only the layout is measured here: the screens' speech is not fetched (it is heard in test_kiosk_browser).
    page.route("**/speech?**", lambda route: route.abort())
    yield page
    page.close()


def _smaller_words_before_fewer_options(records):
    """Return question screens whose words were made smaller while more than one option was on them."""
    return [(name, size, url) for name, size, url, _missing, how in records
            if how["words"] < 0.999 and how["cards"] > 1 and "/rate/" not in url and "/confirm" not in url]


def test_every_demo_resident_sees_everything_they_need_on_one_screen(page, demo_server):
    base, db = demo_server
    records = walk(page, base, db, [name for name, *_ in RESIDENTS])
    assert len(records) > 300  # every resident's open questions, each page of options, at four sizes of screen
    assert [r[:4] for r in records if r[3]] == []
    # Pictures shrink and fewer options go on a screen before the words get smaller.
    assert _smaller_words_before_fewer_options(records) == []
    # On the tablets and the PC words shrink only a little, on rating screens at 32 points (Arthur); the phone
    # is too small for such sizes.
    assert [r[:3] for r in records if r[4]["words"] < 0.85 and r[1] != "390x844"] == []
    assert {r[0] for r in records if r[4]["words"] < 0.999 and r[1] != "390x844"} <= {"Arthur Thomas"}


@pytest.mark.parametrize("contrast", ["standard", "high"])
def test_at_the_largest_text_size_with_every_way_to_answer_nothing_is_below_the_edge(page, demo_server, contrast):
    base, db = demo_server
    with db.write() as s:
        needs = s.scalars(select(Person).where(Person.name == "Joan Davies")).one().needs
        needs.text_size, needs.contrast, needs.options_per_screen = 40, contrast, 4
        needs.input_modes = "touch voice switch"
    records = walk(page, base, db, ["Joan Davies"])
    assert [r[:4] for r in records if r[3]] == []
    assert _smaller_words_before_fewer_options(records) == []


def test_turning_the_tablet_round_fits_the_screen_again(page, demo_server):
    base, db = demo_server
    start_kiosk(page, base, db, "Margaret Evans")
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"{base}/kiosk/")
    page.click(".topic-buttons a >> nth=1")  # the activities: one thing rated at a time, with three faces
    settle(page)
    for width, height in [(768, 1024), (1024, 768), (1366, 768)]:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_selector(f"html[data-fit=done][data-fit-size='{width}x{height}']", state="attached")
        assert outside(page) == [], (width, height)
        assert page.locator(".rated img").is_visible() and page.locator(".choice-card").count() == 3

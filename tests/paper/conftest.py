"""Paper fixtures: a personalised form printed for a resident, and its first page as a scanner sees it."""

import subprocess

import cv2
import pytest

from accessible import printouts, topics
from accessible.models import Home, Person
from tests.browser.conftest import browser, demo_server, playwright_instance  # noqa: F401 (for the browser test)

DPI = 200


def _printed(db, home, tmp_path, kind):
    """Print Margaret's personalised form of a lunch topic of *kind*; rasterise its first page as a scanner would."""
    with db.write() as s:
        topic = topics.create_topic(s, s.get(Home, home["home"]), "Lunch", "What would you like for lunch?",
                                    kind=kind, options=["Fish pie", "Cawl", "Curry"])
        topics.move_to(s, topic, "choosing")
        result = printouts.render(s, topic, "form", None, "http://localhost",
                                  resident=s.get(Person, home["residents"][0]))
    pdf = tmp_path / "form.pdf"
    pdf.write_bytes(result.pdf)
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(tmp_path / "page")], check=True)
    return pdf, cv2.imread(str(tmp_path / "page.png")), result.pages[0].boxes


@pytest.fixture
def rate_form(db, home, tmp_path):
    """Print Margaret's form rating three lunches (like, not sure, don't like each); as `form`."""
    return _printed(db, home, tmp_path, "rate")


@pytest.fixture
def form(db, home, data, tmp_path):
    """Print Margaret's personalised menu form; return (pdf path, first page image, its boxes)."""
    return _printed(db, home, tmp_path, "choose")

"""Paper comes back: filled forms, scanned or photographed at an angle, read into answers or sent to review."""

import json

import cv2
import numpy as np
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from accessible.cli import main
from accessible.models import Response, Topic
from accessible.paper import answers, read
from accessible.paper.read import PageNotRecognised
from tests.helpers import DPI, mark, photograph, px


def stray(image, tick_box, next_box, depth_mm, seed=0):
    """Tick *tick_box* with a shaky long stroke that runs on *depth_mm* into *next_box* beside it."""
    rng = np.random.default_rng(seed)
    x, y = tick_box["x_mm"], tick_box["y_mm"]
    cv2.line(image, (px(x + 3), px(y + 8)), (px(x + 6), px(y + 12)), (30, 30, 30), px(0.8))
    end = next_box["x_mm"] + depth_mm
    points = [(px(x + 6 + (end - x - 6) * t), px(y + 12 - 9 * t + rng.normal(0, 0.2))) for t in np.linspace(0, 1, 30)]
    cv2.polylines(image, [np.array(points, np.int32)], False, (30, 30, 30), px(0.8))
    return image


def states(reading):
    return [m.state for m in reading.marks]


def test_a_tick_on_a_scan_is_read_and_recorded_as_the_residents_paper_answer(db, form, home):
    _, image, boxes = form
    mark(image, boxes[0])
    with db.write() as s:
        reading = read.read_page(image, answers.boxes_for(s), source="scan.png")
        assert states(reading) == ["ticked", "empty", "empty"]
        page_record = answers.record(s, reading)
    assert len(page_record.recorded) == 1 and page_record.to_check == []
    with db.read() as s:
        response = s.scalars(select(Response)).one()
        assert (response.person_id, response.channel, response.option.label) == (home["residents"][0], "paper",
                                                                                  "Fish pie")
        assert response.on_behalf_of_id is None and response.confidence > 0.3


@pytest.mark.parametrize("how", ["tick", "cross", "filled"])
@pytest.mark.parametrize("upside_down", [False, True])
def test_a_phone_photo_at_an_angle_in_shadow_reads_the_same(db, form, how, upside_down):
    _, image, boxes = form
    mark(image, boxes[1], how)
    photo = photograph(image, upside_down=upside_down)
    with db.read() as s:
        reading = read.read_page(photo, answers.boxes_for(s))
    assert states(reading) == ["empty", "ticked", "empty"]


def test_two_marks_on_a_single_choice_go_to_review_and_nothing_is_recorded(db, form):
    _, image, boxes = form
    mark(mark(image, boxes[0]), boxes[2], "cross")
    with db.write() as s:
        page_record = answers.record(s, read.read_page(image, answers.boxes_for(s)))
    assert page_record.recorded == [] and page_record.to_check[0]["why"] == "more than one box is marked"
    with db.read() as s:
        assert s.scalars(select(Response)).all() == []


def test_a_tiny_mark_is_never_guessed(db, form):
    _, image, boxes = form
    mark(image, boxes[2], "dot")
    with db.write() as s:
        reading = read.read_page(image, answers.boxes_for(s))
        assert states(reading)[2] in ("uncertain", "empty")
        page_record = answers.record(s, reading)
    assert page_record.recorded == []


def test_an_untouched_form_records_nothing(db, form):
    _, image, _ = form
    with db.write() as s:
        page_record = answers.record(s, read.read_page(photograph(image), answers.boxes_for(s)))
    assert (page_record.recorded, page_record.to_check, page_record.unanswered) == ([], [], 1)


def test_a_photo_of_the_wrong_page_gets_a_clear_message(db):
    blank = np.full((2339, 1654, 3), 255, np.uint8)
    cv2.putText(blank, "Shopping list: milk, bread", (100, 300), cv2.FONT_HERSHEY_SIMPLEX, 3, (0, 0, 0), 5)
    with db.read() as s, pytest.raises(PageNotRecognised, match="corner marks could not be found"):
        read.read_page(blank, answers.boxes_for(s))


def test_a_page_printed_elsewhere_is_not_known(form):
    _, image, _ = form
    with pytest.raises(PageNotRecognised, match="not known here"):
        read.read_page(image, lambda code: None)


def test_the_paper_read_command_reads_a_scanned_pdf(form, data, tmp_path, db):
    pdf, image, boxes = form
    mark(image, boxes[0])
    scan = tmp_path / "scan.pdf"
    from PIL import Image

    Image.fromarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB)).save(scan, resolution=DPI)
    (tmp_path / "note.png").write_bytes(cv2.imencode(".png", np.full((800, 600), 255, np.uint8))[1].tobytes())
    result = CliRunner().invoke(main, ["paper", "read", str(scan), str(tmp_path / "note.png"), "--json",
                                       "--data", str(data)])
    lines = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert lines[0]["marks"][0] == {"topic": boxes[0]["topic"], "option": boxes[0]["option"], "value": "tick",
                                    "state": "ticked", "fill": lines[0]["marks"][0]["fill"]}
    assert set(lines[0]) >= {"source", "page", "marks"} and lines[0]["recorded"] == 1
    assert "corner marks could not be found" in lines[1]["error"]
    with db.read() as s:
        assert s.scalars(select(Topic)).one().stage == "choosing"


def test_a_circle_round_a_box_goes_to_review_not_read_as_empty(db, form):
    _, image, boxes = form
    mark(image, boxes[1], "circle")
    with db.write() as s:
        reading = read.read_page(image, answers.boxes_for(s))
        assert states(reading)[1] == "uncertain"
        page_record = answers.record(s, reading)
    assert page_record.recorded == [] and page_record.to_check


def test_a_light_pencil_tick_is_read(db, form):
    _, image, boxes = form
    mark(image, boxes[2], "pencil")
    with db.read() as s:
        reading = read.read_page(photograph(image), answers.boxes_for(s))
    assert states(reading) == ["empty", "empty", "ticked"]


def test_a_corrected_answer_with_one_box_scribbled_out_goes_to_review(db, form):
    _, image, boxes = form
    mark(mark(image, boxes[0], "scribble"), boxes[2], "tick")
    with db.write() as s:
        page_record = answers.record(s, read.read_page(image, answers.boxes_for(s)))
    # A filled box counts as ticked (no "fill to cancel" rule people would not know): a person decides.
    assert page_record.recorded == [] and page_record.to_check[0]["why"] == "more than one box is marked"


def rated(reading):
    return [(m.value, m.state) for m in reading.marks if m.state != "empty"]


def test_an_untouched_rating_form_has_nothing_to_review(db, rate_form):
    # The faces printed above each box are not a circle drawn round it.
    _, image, _ = rate_form
    with db.write() as s:
        page_record = answers.record(s, read.read_page(photograph(image), answers.boxes_for(s)))
    assert (page_record.recorded, page_record.to_check, page_record.unanswered) == ([], [], 3)


def test_a_rating_form_photographed_records_each_row(db, rate_form):
    _, image, boxes = rate_form
    ticks = [b for b in boxes if b["value"] != "write-in"]
    mark(mark(mark(image, ticks[0]), ticks[4], "cross"), ticks[8], "filled")
    with db.write() as s:
        page_record = answers.record(s, read.read_page(photograph(image, upside_down=True), answers.boxes_for(s)))
    assert [(m["option"], m["value"]) for m in page_record.recorded] == [
        (ticks[0]["option"], "like"), (ticks[4]["option"], "unsure"), (ticks[8]["option"], "dislike")]
    assert page_record.to_check == []


@pytest.mark.parametrize("depth_mm", [1, 3, 5])
def test_a_shaky_line_that_strays_a_little_into_the_next_box_does_not_tick_it(db, rate_form, depth_mm):
    _, image, boxes = rate_form
    like, unsure = boxes[0], boxes[1]
    stray(image, like, unsure, depth_mm)
    with db.write() as s:
        reading = read.read_page(photograph(image), answers.boxes_for(s))
        assert rated(reading)[0] == ("like", "ticked") and reading.marks[1].state == "empty"
        page_record = answers.record(s, reading)
    assert [m["value"] for m in page_record.recorded] == ["like"] and page_record.to_check == []


def test_a_line_that_runs_far_into_the_next_box_goes_to_review(db, rate_form):
    _, image, boxes = rate_form
    stray(image, boxes[0], boxes[1], 11)
    with db.write() as s:
        page_record = answers.record(s, read.read_page(image, answers.boxes_for(s)))
    assert page_record.recorded == [] and page_record.to_check[0]["why"] == "more than one box is marked"


def test_a_stray_line_into_an_empty_row_without_a_tick_is_not_guessed(db, rate_form):
    # A line that only grazes a box, with no clear tick beside it, is no answer to count: a person looks.
    _, image, boxes = rate_form
    like, unsure = boxes[0], boxes[1]
    x, y = like["x_mm"] + like["w_mm"] + 2, like["y_mm"] + 4
    cv2.line(image, (px(x), px(y)), (px(unsure["x_mm"] + 3), px(y + 1)), (30, 30, 30), px(0.8))
    with db.write() as s:
        reading = read.read_page(image, answers.boxes_for(s))
        assert reading.marks[1].state in ("uncertain", "empty")
        page_record = answers.record(s, reading)
    assert page_record.recorded == []


@pytest.mark.parametrize("dpi", [150, 300])
def test_scans_from_150_to_300_dpi_read_the_same(db, form, dpi):
    _, image, boxes = form
    mark(image, boxes[1], "pencil")
    scaled = cv2.resize(image, None, fx=dpi / DPI, fy=dpi / DPI, interpolation=cv2.INTER_AREA)
    with db.read() as s:
        assert states(read.read_page(scaled, answers.boxes_for(s))) == ["empty", "ticked", "empty"]


def test_reading_the_same_scan_twice_from_the_command_line_counts_once(form, data, tmp_path, db, home):
    from accessible.models import AuditEvent

    _, image, boxes = form
    mark(image, boxes[2])
    cv2.imwrite(str(tmp_path / "scan.png"), image)
    for _ in range(2):
        result = CliRunner().invoke(main, ["paper", "read", str(tmp_path / "scan.png"), "--json", "--data", str(data)])
        assert json.loads(result.output.splitlines()[-1])["recorded"] == 1
    with db.read() as s:
        (answer,) = s.scalars(select(Response)).all()
        assert answer.option_id == boxes[2]["option"]
        replaced = s.scalars(select(AuditEvent).where(AuditEvent.detail.like("%newer scan%"))).all()
        assert [(e.action, e.home_id, e.actor_id) for e in replaced] == [("delete", home["home"], None)]


@pytest.mark.parametrize("size", [36, 40])
def test_a_big_print_form_over_two_pages_is_read_back_from_a_photo_of_each_page(db, home, tmp_path, size):
    from accessible import printouts, topics
    from accessible.models import Home, Person
    from tests.helpers import rasterise

    lunches = ["Fish pie", "Shepherd's pie", "Roast chicken", "Cawl", "Vegetable curry"]
    with db.write() as s:
        margaret = s.get(Person, home["residents"][0])
        margaret.needs.text_size = size
        topic = topics.create_topic(s, s.get(Home, home["home"]), "Lunch", "What would you like for Friday lunch?",
                                    options=lunches)
        topics.move_to(s, topic, "choosing")
        result = printouts.render(s, topic, "form", None, "http://localhost", resident=margaret)
    pages = rasterise(result.pdf, tmp_path)
    assert len(pages) == len(result.pages) == 2  # five answers at 36 or 40 pt: two pages, not three
    ticks = [[b for b in p.boxes if b["value"] == "tick"] for p in result.pages]
    assert sorted(len(t) for t in ticks) == [2, 3]  # shared out, never one alone on the last page
    chosen = ticks[1][-1]  # Margaret ticks the last answer, on the second page
    mark(pages[1], chosen)
    with db.write() as s:
        readings = [read.read_page(photograph(image), answers.boxes_for(s)) for image in pages]
        assert [states(r) for r in readings] == [["empty"] * len(ticks[0]),
                                                  ["empty"] * (len(ticks[1]) - 1) + ["ticked"]]
        for reading in readings:
            answers.record(s, reading)
    with db.read() as s:
        (answer,) = s.scalars(select(Response)).all()
        assert (answer.option.label, answer.channel) == (lunches[-1], "paper")

"""Forms that come back late: the topic has moved on, or an option has gone; staff look, and the rest is read."""

import io

import pytest
from sqlalchemy import select

from accessible import printouts, topics
from accessible.models import Option, Person, Response, Topic
from tests.helpers import csrf_token, mark, png, post, rasterise, text, topic_option, upload


def _as_read(db, boxes, ticked, removed=None):
    """Say a page's "choose one" question as the review page reads it, *ticked* the option marked."""
    said = []
    for box in (b for b in boxes if b["value"] == "tick"):
        label = removed if box["option"] == topic_option(db, "Cawl") and removed else next(
            name for name in ("Fish pie", "Cawl", "Curry") if topic_option(db, name) == box["option"])
        said.append(f"{label}: {'ticked' if box['option'] == ticked else 'empty'}")
    return "; ".join(said)


def _move_on(db, stage):
    """Record the decision (and, for "reviewed", start asking how it is going)."""
    with db.write() as s:
        topic = s.scalars(select(Topic)).one()
        topics.decide(s, topic, "Cawl on Fridays")
        if stage == "reviewed":
            topics.move_to(s, topic, "reviewed")


def _going_form(db, home, tmp_path):
    """Print Eileen's "How is it going?" form now, and tick Like on it."""
    with db.write() as s:
        topic = s.scalars(select(Topic)).one()
        eileen = s.get(Person, home["residents"][2])
        result = printouts.render(s, topic, "form", None, "http://localhost", resident=eileen)
    (sheet,) = rasterise(result.pdf, tmp_path)
    return mark(sheet, next(b for b in result.pages[0].boxes if b["value"] == "like"))


@pytest.mark.parametrize("stage, now", [("reviewed", "asking how it is going"), ("decided", "decided")])
def test_a_form_ticked_after_the_topic_moved_on_waits_for_staff_and_the_rest_of_the_batch_is_read(
        staff_client, form, db, home, tmp_path, stage, now):
    _, image, boxes = form
    cawl = topic_option(db, "Cawl")
    late = png(mark(image, next(b for b in boxes if b["option"] == cawl)))  # printed while choosing, ticked late
    as_read = _as_read(db, boxes, cawl)
    _move_on(db, stage)
    files = [("late.png", late)]
    if stage == "reviewed":  # a form printed now, to ask how it is going, in the same batch
        files.append(("going.png", png(_going_form(db, home, tmp_path))))
    page = text(upload(staff_client, files))
    assert "late.png: 0 answers recorded, 1 for you to look at." in page
    why = f"this form was printed for choosing, and the topic is now {now}"
    waiting = text(staff_client.get("/staff/paper"))
    assert f"Lunch – Margaret Evans Why: {why}. As read: {as_read}." in waiting
    assert f"This answer cannot be counted now ({why}). Ask them again if their say is still wanted." in waiting
    assert "What did they choose?" not in waiting  # a click on Cawl could not count now
    if stage == "reviewed":
        assert "going.png: 1 answer recorded." in page
        with db.read() as s:
            assert [(r.person_id, r.phase, r.value) for r in s.scalars(select(Response))] == [
                (home["residents"][2], "review", "like")]
    with db.read() as s:
        assert s.scalars(select(Response).where(Response.person_id == home["residents"][0])).all() == []
    html = staff_client.get("/staff/paper").get_data(as_text=True)
    item_id = int(html.split('id="review-', 1)[1].split('"', 1)[0])
    settled = post(staff_client, f"/staff/paper/checks/{item_id}", {"choice": "none"}, form_url="/staff/paper")
    assert "Thank you: that paper question is settled." in text(staff_client.get(settled.location))
    assert "Nothing is waiting." in text(staff_client.get("/staff/paper"))


def test_the_command_line_reads_the_rest_of_the_batch_after_a_late_form(form, db, home, data, tmp_path):
    from click.testing import CliRunner

    from accessible.cli import main

    _, image, boxes = form
    late = png(mark(image, boxes[0]))
    _move_on(db, "reviewed")
    (tmp_path / "a.png").write_bytes(late)
    (tmp_path / "b.png").write_bytes(png(_going_form(db, home, tmp_path)))
    result = CliRunner().invoke(main, ["paper", "read", str(tmp_path / "a.png"), str(tmp_path / "b.png"),
                                       "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert ", 0 answers recorded, 1 to check" in result.output.split("a.png: ")[1].splitlines()[0]
    assert ", 1 answers recorded, 0 to check" in result.output.split("b.png: ")[1].splitlines()[0]


@pytest.mark.parametrize("how, label", [("deleted", "an option since removed"), ("hidden", "Cawl")])
def test_a_tick_on_an_option_since_removed_waits_for_staff_with_the_reason(staff_client, form, db, how, label):
    _, image, boxes = form
    cawl = topic_option(db, "Cawl")
    mark(image, next(b for b in boxes if b["option"] == cawl))
    as_read = _as_read(db, boxes, cawl, removed=label)
    with db.write() as s:
        option = s.get(Option, cawl)
        if how == "deleted":
            s.delete(option)
        else:
            option.status = "hidden"
    # As the upload page's script sends it: one file, then its page, each answered in JSON.
    token = csrf_token(staff_client, "/staff/paper")
    kept = staff_client.post("/staff/paper/uploads", data={"csrf_token": token,
                                                           "scan": (io.BytesIO(png(image)), "cawl.png")})
    read = staff_client.post(f"/staff/paper/uploads/{kept.json['upload']}/pages/1", data={"csrf_token": token})
    assert read.status_code == 200
    assert read.json["message"] == "cawl.png: 0 answers recorded, 1 for you to look at."
    waiting = text(staff_client.get("/staff/paper"))
    assert f"Why: the option ticked has been removed from the topic. As read: {as_read}." in waiting
    assert "This answer cannot be counted now (the option ticked has been removed from the topic)." in waiting
    with db.read() as s:
        assert s.scalars(select(Response)).all() == []


def test_the_rest_of_a_page_is_recorded_when_one_rated_option_has_gone(staff_client, rate_form, db):
    _, image, boxes = rate_form
    fish_pie, cawl = topic_option(db, "Fish pie"), topic_option(db, "Cawl")
    for option in (fish_pie, cawl):
        mark(image, next(b for b in boxes if b["option"] == option and b["value"] == "like"))
    with db.write() as s:
        s.delete(s.get(Option, cawl))
    page = text(upload(staff_client, [("rated.png", png(image))]))
    assert "rated.png: 1 answer recorded, 1 for you to look at." in page
    waiting = text(staff_client.get("/staff/paper"))
    assert "Why: the option rated has been removed from the topic. As read: Like: ticked; Not sure: empty; " \
           "Don't like: empty." in waiting
    with db.read() as s:
        assert [(r.option_id, r.value) for r in s.scalars(select(Response))] == [(fish_pie, "like")]


def test_a_question_waiting_since_choosing_cannot_be_settled_as_how_it_is_going(staff_client, form, db):
    from accessible.models import PaperCheck

    _, image, boxes = form
    mark(mark(image, boxes[0]), boxes[1], "cross")  # two marks while choosing: staff are to look
    upload(staff_client, [("page1.png", png(image))])
    with db.read() as s:
        item_id = s.scalars(select(PaperCheck.id)).one()
    _move_on(db, "reviewed")  # the page staff opened earlier still shows the buttons
    response = post(staff_client, f"/staff/paper/checks/{item_id}", {"choice": "like"}, form_url="/staff/paper")
    assert response.status_code == 302
    assert ("This answer cannot be counted now: this form was printed for choosing, and the topic is now "
            "asking how it is going.") in text(staff_client.get("/staff/paper"))
    with db.read() as s:
        assert s.scalars(select(Response)).all() == []


def test_a_long_reason_still_fits_the_review_queue(staff_client, db, home, tmp_path):
    from accessible.models import Home, PaperCheck

    long_label = "Roast chicken with potatoes, gravy and the season's vegetables from the garden"
    with db.write() as s:
        topic = topics.create_topic(s, s.get(Home, home["home"]), "Lunch", "What would you like?",
                                    options=[long_label, "Cawl", "Curry", "Omelette", "Salad", "Soup", "Pasta",
                                             "Quiche", "Pizza", "Risotto"])
        topics.move_to(s, topic, "choosing")
        result = printouts.render(s, topic, "form", None, "http://localhost",
                                  resident=s.get(Person, home["residents"][2]))
    sheets = rasterise(result.pdf, tmp_path)
    first = next(b for b in result.pages[0].boxes if b["value"] == "tick")
    last = next(b for b in result.pages[-1].boxes if b["value"] == "tick")
    upload(staff_client, [("page1.png", png(mark(sheets[0], first)))])
    upload(staff_client, [("page2.png", png(mark(sheets[-1], last)))])
    with db.read() as s:
        (why,) = s.scalars(select(PaperCheck.why)).all()
    assert len(why) <= PaperCheck.why.type.length and why.startswith(long_label) and why.endswith("…")

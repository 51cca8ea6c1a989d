"""Exports: a topic's results as CSV/JSON, a whole home as an archive that imports to the same results."""

import csv
import io
import json
from collections import Counter

from accessible import archive, responses, topics
from accessible.db import Database
from accessible.demo import create_demo
from tests.conftest import sqlite_only


def _tallies(s, home_id):
    return {t.title: (responses.tally(s, t, "choosing").as_dict()["groups"], t.stage,
                      t.outcome.decision if t.outcome else None)
            for t in topics.topics(s, home_id)}


@sqlite_only
def test_a_home_archive_imports_on_a_new_machine_with_the_same_results(db, tmp_path):
    with db.write() as s:
        home_id = create_demo(s).id
    with db.read() as s:
        exported = archive.export_home(s, home_id)
        before = _tallies(s, home_id)
    text = json.dumps(exported)  # it really is JSON
    other = Database.for_data_dir(tmp_path)
    other.upgrade()
    with other.write() as s:
        imported = archive.import_home(s, json.loads(text))
        new_id = imported.id
    with other.read() as s:
        assert _tallies(s, new_id) == before
        assert len(topics.asked_people(s, topics.topics(s, new_id)[0])["resident"]) == 12
    other.dispose()


def test_import_refuses_something_that_is_not_an_archive(db):
    import pytest

    with pytest.raises(ValueError, match="not a home archive"), db.write() as s:
        archive.import_home(s, {"format": "something else"})


def test_topic_results_csv_reproduces_the_tally(db):
    with db.write() as s:
        home_id = create_demo(s).id
    with db.read() as s:
        menu = next(t for t in topics.topics(s, home_id) if t.title == "Next week's menu")
        rows = archive.topic_results(s, menu)
        text = archive.results_csv(rows)
        tally = responses.tally(s, menu)
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert len(parsed) == len(rows) > 0
    counted = Counter((r["group"], r["option_label"]) for r in parsed if r["counted"] == "True")
    for group in tally.groups:
        for label, count in group.rows:
            assert counted[(group.key, label)] == count
    assert {r["channel"] for r in parsed} >= {"touch", "voice", "switch", "family-web", "staff-entry"}


def test_csv_cells_never_start_a_formula():
    text = archive.results_csv([{"response": 1, "option_label": "=HYPERLINK(\"x\")", "group": "family"}])
    assert "'=HYPERLINK" in text


@sqlite_only
def test_printed_pages_still_point_at_their_topic_after_an_import(db, data, tmp_path):
    from accessible import people, printouts
    from accessible.models import PaperPage

    with db.write() as s:
        home = create_demo(s)
        menu = next(t for t in topics.topics(s, home.id) if t.title == "Next week's menu")
        printouts.render(s, menu, "form", data, "http://x")
        exported = archive.export_home(s, home.id)
    other = Database.for_data_dir(tmp_path)
    other.upgrade()
    with other.write() as s:
        first = people.create_home(s, "A home already here")
        topics.create_topic(s, first, "Theirs", "Their question?", options=["A", "B"])  # so ids shift
        imported = archive.import_home(s, exported)
        new_menu = next(t for t in topics.topics(s, imported.id) if t.title == "Next week's menu")
        page = s.query(PaperPage).filter_by(topic_id=new_menu.id).first()
        boxes = json.loads(page.layout)["boxes"]
        assert {b["topic"] for b in boxes} == {new_menu.id}
        assert {b["option"] for b in boxes if b["option"]} <= {o.id for o in new_menu.options}
    other.dispose()

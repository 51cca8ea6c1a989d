"""The accessible command: every command documented, the demo home, topics as JSON, staff accounts."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from accessible.cli import main
from accessible.demo import DEMO_PASSWORD, DEMO_USERNAME
from tests.helpers import sqlite_only

README = Path(__file__).resolve().parent.parent / "README.md"


def run(*args, **kwargs):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, **kwargs)
    return result


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_has_help_an_example_and_a_place_in_the_readme(name):
    result = run(name, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"accessible {name}" in README.read_text()


def test_demo_builds_a_home_and_prints_the_sign_in(tmp_path):
    result = run("demo", "--data", tmp_path)
    assert result.exit_code == 0
    assert f"username {DEMO_USERNAME}, password {DEMO_PASSWORD}" in result.output
    assert f"{DEMO_USERNAME}" in README.read_text() and DEMO_PASSWORD in README.read_text()
    again = run("demo", "--data", tmp_path)
    assert "already holds a home" in again.output
    topics = json.loads(run("topics", "--json", "--data", tmp_path).output)
    by_title = {t["title"]: t for t in topics}
    menu = by_title["Next week's menu"]
    assert menu["kind"] == "choose" and menu["stage"] == "choosing"
    assert [o["label"] for o in menu["options"]] == ["Fish pie", "Shepherd's pie", "Roast chicken", "Vegetable curry"]
    assert {t["stage"] for t in topics} >= {"ideas", "choosing", "decided", "draft"}


def test_demo_has_a_dozen_residents_with_varied_needs(tmp_path):
    from accessible import people
    from accessible.db import Database

    run("demo", "--data", tmp_path)
    db = Database.for_data_dir(tmp_path)
    with db.read() as s:
        residents = people.people(s, 1, "resident")
        assert len(residents) == 12
        assert len(people.people(s, 1, "staff")) == 3
        assert len(people.people(s, 1, "family")) >= 8
        assert {r.needs.options_per_screen for r in residents} >= {1, 2, 4}
        assert {r.needs.language for r in residents} >= {"cy", None}
        assert any("switch" in r.needs.modes for r in residents)
    db.dispose()


def test_create_staff_and_refuse_a_duplicate(tmp_path):
    result = run("create-staff", "priya", "--password", "a long password", "--name", "Priya Shah", "--data", tmp_path)
    assert result.exit_code == 0 and "Staff account priya created" in result.output
    result = run("create-staff", "priya", "--password", "a long password", "--data", tmp_path)
    assert result.exit_code == 1
    assert "The username priya is taken already." in result.output


@sqlite_only
def test_init_db_reports_the_revision(tmp_path):
    result = run("init-db", "--data", tmp_path)
    assert result.exit_code == 0 and "was empty" in result.output
    assert (tmp_path / "accessible.sqlite").exists()


@sqlite_only
def test_data_folder_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCESSIBLE_DATA", str(tmp_path / "env-home"))
    run("demo")
    assert (tmp_path / "env-home" / "accessible.sqlite").exists()


@sqlite_only
def test_export_and_import_a_home_between_data_folders(tmp_path):
    run("demo", "--data", tmp_path / "old")
    assert run("export-home", tmp_path / "home.json", "--data", tmp_path / "old").exit_code == 0
    result = run("import-home", tmp_path / "home.json", "--data", tmp_path / "new")
    assert result.exit_code == 0 and "Imported \u201cTŷ Glas Care Home\u201d" in result.output
    before = json.loads(run("topics", "--json", "--data", tmp_path / "old").output)
    after = json.loads(run("topics", "--json", "--data", tmp_path / "new").output)
    assert [(t["title"], t["stage"], len(t["options"])) for t in before] == \
        [(t["title"], t["stage"], len(t["options"])) for t in after]
    (tmp_path / "bad.json").write_text("{not json")
    bad = run("import-home", tmp_path / "bad.json", "--data", tmp_path / "new")
    assert bad.exit_code == 1 and "not a readable home archive" in bad.output

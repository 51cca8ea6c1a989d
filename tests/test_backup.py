"""Backups taken while the server writes, and restored after checking they are whole (SQLite and PostgreSQL)."""

import re
import threading

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from accessible import backup, people, responses, topics
from accessible.cli import main
from accessible.db import Database
from accessible.models import Home, Person, Response, Topic
from tests.helpers import POSTGRES, sqlite_only


def cli(*args):
    return CliRunner().invoke(main, [*map(str, args)])


def writers(db):
    """Return the numbers of the "Writer n" residents, each written with an answer in one transaction."""
    with db.read() as s:
        names = s.scalars(select(Person.name).where(Person.name.like("Writer %")))
        answered = set(s.scalars(select(Person.name).join(Response, Response.person_id == Person.id)))
        numbers = sorted(int(n.split()[1]) for n in names)
        assert {f"Writer {n}" for n in numbers} <= answered  # no resident without the answer written with it
        return numbers


@pytest.fixture
def demo_home(tmp_path):
    folder = tmp_path / "home"
    assert cli("demo", "--data", folder).exit_code == 0
    db = Database.for_data_dir(folder)
    yield folder, db
    db.dispose()


def test_backup_while_writing_then_restore(tmp_path, demo_home):
    folder, db = demo_home
    with db.write() as s:
        topic = topics.create_topic(s, s.get(Home, 1), "Lunch", "Fish or soup?", options=["Fish", "Soup"])
        topics.move_to(s, topic, "choosing")
        lunch = topic.id
    stop = threading.Event()
    errors = []

    def keep_writing():
        n = 0
        try:
            while not stop.is_set() or n < 5:
                with db.write() as s:
                    home = s.get(Home, 1)
                    topic = s.get(Topic, lunch)
                    resident = people.add_resident(s, home, f"Writer {n}")
                    responses.record(s, topic, resident, "touch", option=topic.options[0])
                n += 1
        except Exception as e:  # noqa: BLE001 - reported by the test below
            errors.append(e)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    while len(writers(db)) < 3 and writer.is_alive():
        pass
    result = cli("backup", tmp_path / "copy.backup", "--data", folder)
    stop.set()
    writer.join()
    assert not errors and result.exit_code == 0, (errors, result.output)
    assert "Backed up to" in result.output and not (tmp_path / "copy.backup.part").exists()
    written = writers(db)
    with db.write() as s:
        people.add_resident(s, s.get(Home, 1), "Added after the backup")
    db.dispose()

    result = cli("restore", tmp_path / "copy.backup", "--data", folder)
    assert result.exit_code == 0, result.output
    restored = writers(db)
    # A consistent snapshot: the writers' residents up to some moment, with no gap, each with its answer.
    assert len(restored) >= 3 and restored == list(range(len(restored))) and len(restored) <= len(written)
    with db.read() as s:
        names = set(s.scalars(select(Person.name)))
    assert "Margaret Evans" in names and "Added after the backup" not in names
    kept = folder / ("accessible.sqlite.before-restore" if not POSTGRES else "accessible.before-restore.dump")
    assert kept.exists()


def test_a_server_keeps_working_after_its_database_is_restored(tmp_path, demo_home):
    folder, db = demo_home
    assert cli("backup", tmp_path / "copy.backup", "--data", folder).exit_code == 0
    assert cli("restore", tmp_path / "copy.backup", "--data", folder).exit_code == 0
    from web import create_app

    app = create_app({"DATA_DIR": str(folder), "TESTING": True})
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"username": "manager", "password": "tea-and-biscuits",
                                           "csrf_token": token})
    assert response.status_code == 302
    assert "Margaret" in client.get("/staff/residents").get_data(as_text=True)
    app.extensions["db"].dispose()


@pytest.mark.parametrize("content", [b"", b"SQLite format 3\x00" + b"\x00" * 200, b"PGDMP" + b"\x01" * 300,
                                     b"not a backup at all\n" * 50])
def test_a_broken_backup_is_refused_and_nothing_changes(tmp_path, demo_home, content):
    folder, db = demo_home
    (tmp_path / "broken.backup").write_bytes(content)
    result = cli("restore", tmp_path / "broken.backup", "--data", folder)
    assert result.exit_code == 1
    assert "is not a good backup of an accessible database; nothing was changed" in result.output
    with db.read() as s:
        assert s.scalar(select(Person).where(Person.name == "Margaret Evans")) is not None


def test_a_truncated_backup_is_refused(tmp_path, demo_home):
    folder, db = demo_home
    assert cli("backup", tmp_path / "copy.backup", "--data", folder).exit_code == 0
    whole = (tmp_path / "copy.backup").read_bytes()
    (tmp_path / "cut.backup").write_bytes(whole[: len(whole) // 2])
    result = cli("restore", tmp_path / "cut.backup", "--data", folder)
    assert result.exit_code == 1 and "not a good backup" in result.output
    with db.read() as s:
        assert s.scalar(select(Person).where(Person.name == "Margaret Evans")) is not None


def test_a_missing_backup_or_folder_says_so(tmp_path, db):
    with pytest.raises(backup.BackupError, match="There is no backup file"):
        backup.restore(db, tmp_path / "nowhere.backup")
    with pytest.raises(backup.BackupError, match="There is no folder"):
        backup.backup(db, tmp_path / "no-such-folder" / "copy.backup")
    result = cli("restore", tmp_path / "nowhere.backup", "--data", tmp_path)
    assert result.exit_code == 2 and "does not exist" in result.output


@sqlite_only
def test_a_sqlite_database_that_is_not_a_homes_is_refused(tmp_path, db):
    import sqlite3

    with sqlite3.connect(tmp_path / "other.sqlite") as other:
        other.execute("CREATE TABLE notes (text)")
    with pytest.raises(backup.BackupError, match="not a good backup"):
        backup.restore(db, tmp_path / "other.sqlite")

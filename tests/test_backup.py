"""Backups taken while the server writes, and restored after checking they are whole."""

import threading

from click.testing import CliRunner
from sqlalchemy import func, select

from accessible import people
from accessible.cli import main
from accessible.db import Database
from accessible.models import Home, Person
from tests.conftest import sqlite_only


@sqlite_only
def test_backup_while_writing_then_restore(tmp_path):
    runner = CliRunner()
    runner.invoke(main, ["demo", "--data", str(tmp_path / "home")])
    db = Database.for_data_dir(tmp_path / "home")
    stop = threading.Event()

    def keep_writing():
        n = 0
        while not stop.is_set():
            with db.write() as s:
                people.add_resident(s, s.get(Home, 1), f"Writer {n}")
            n += 1

    writer = threading.Thread(target=keep_writing)
    writer.start()
    result = runner.invoke(main, ["backup", str(tmp_path / "copy.sqlite"), "--data", str(tmp_path / "home")])
    stop.set()
    writer.join()
    assert result.exit_code == 0, result.output
    with db.write() as s:
        people.add_resident(s, s.get(Home, 1), "Added after the backup")
    db.dispose()
    result = runner.invoke(main, ["restore", str(tmp_path / "copy.sqlite"), "--data", str(tmp_path / "home")])
    assert result.exit_code == 0, result.output
    db = Database.for_data_dir(tmp_path / "home")
    with db.read() as s:
        names = set(s.scalars(select(Person.name)))
        assert "Margaret Evans" in names and "Added after the backup" not in names
        assert s.scalar(select(func.count()).select_from(Person)) >= 23
    db.dispose()
    assert (tmp_path / "home" / "accessible.sqlite.before-restore").exists()


@sqlite_only
def test_a_broken_backup_is_refused_and_nothing_changes(tmp_path):
    runner = CliRunner()
    runner.invoke(main, ["demo", "--data", str(tmp_path)])
    (tmp_path / "broken.sqlite").write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    result = runner.invoke(main, ["restore", str(tmp_path / "broken.sqlite"), "--data", str(tmp_path)])
    assert result.exit_code == 1 and "not a good backup" in result.output
    db = Database.for_data_dir(tmp_path)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Person).where(Person.name == "Margaret Evans")) == 1
    db.dispose()
